#!/usr/bin/env node
import { createReferenceServer } from './app.js';
import { ConfigError, describeDatabase, readConfig, type ServerConfig } from './config.js';
import {
  DEMO_API_KEY,
  DEMO_SQUARE_LOCATION,
  DEMO_SQUARE_TOKEN,
  DEMO_SUPABASE_KEY,
  DEMO_WOOCOMMERCE_KEY,
  DEMO_WOOCOMMERCE_SECRET,
  SIMULATOR_PREFIX,
} from './demo/constants.js';
import { serverLogger } from './logging.js';

function demoBanner(url: string, config: ServerConfig): string {
  const line = '═'.repeat(72);
  return [
    line,
    '  POS Integrations reference server: DEMO MODE',
    '  Provider APIs are SIMULATED on this server. Nothing here talks to real providers.',
    line,
    `  URL        ${url}`,
    `  API key    ${DEMO_API_KEY}   (Authorization: Bearer …)`,
    `  Variant    ${config.variant}`,
    `  Database   ${describeDatabase(config)}`,
    '',
    '  Try Square with the demo token:',
    `    curl -s -X POST ${url}/api/integrations/square/credentials \\`,
    `      -H 'Authorization: Bearer ${DEMO_API_KEY}' -H 'Content-Type: application/json' \\`,
    `      -d '{"access_token":"${DEMO_SQUARE_TOKEN}","location_id":"${DEMO_SQUARE_LOCATION}"}'`,
    `    curl -s ${url}/api/integrations/square/summary -H 'Authorization: Bearer ${DEMO_API_KEY}'`,
    '',
    '  Try Supabase with the simulated project and the demo secret key:',
    `    curl -s -X POST ${url}/api/integrations/supabase/credentials \\`,
    `      -H 'Authorization: Bearer ${DEMO_API_KEY}' -H 'Content-Type: application/json' \\`,
    `      -d '{"project_url":"${url}${SIMULATOR_PREFIX}/supabase","service_key":"${DEMO_SUPABASE_KEY}"}'`,
    `    curl -s -X POST ${url}/api/integrations/supabase/sync -H 'Authorization: Bearer ${DEMO_API_KEY}'`,
    '  (connecting queued every row the demo holds; push everything again with …/supabase/resync)',
    '',
    '  Try WooCommerce with the simulated store and the demo REST API key:',
    `    curl -s -X POST ${url}/api/integrations/woocommerce/credentials \\`,
    `      -H 'Authorization: Bearer ${DEMO_API_KEY}' -H 'Content-Type: application/json' \\`,
    `      -d '{"store_url":"${url}${SIMULATOR_PREFIX}/woocommerce","consumer_key":"${DEMO_WOOCOMMERCE_KEY}","consumer_secret":"${DEMO_WOOCOMMERCE_SECRET}"}'`,
    `    curl -s ${url}/api/integrations/woocommerce/summary -H 'Authorization: Bearer ${DEMO_API_KEY}'`,
    '',
    '  Click through the OAuth round trips (simulated consent pages) in a browser:',
    `    ${url}${SIMULATOR_PREFIX}/connect/stripe`,
    `    ${url}${SIMULATOR_PREFIX}/connect/clover`,
    `    ${url}${SIMULATOR_PREFIX}/connect/quickbooks`,
    '  (a URL asked for with curl cannot be finished in a browser: the callback needs the cookie',
    '  that comes with the auth URL, so the flow ends in the browser that started it)',
    ...(config.variant === 'full'
      ? [
          '',
          '  Data Manager (25 demo products and customers are already seeded):',
          `    curl -s ${url}/api/data-manager/batches -H 'Authorization: Bearer ${DEMO_API_KEY}'`,
          `    curl -s -X POST ${url}/api/data-manager/upload -H 'Authorization: Bearer ${DEMO_API_KEY}' \\`,
          '      -F entity_type=products -F file=@your-shopify-export.csv',
          `    curl -s '${url}/api/data-manager/export?entity_type=products' -H 'Authorization: Bearer ${DEMO_API_KEY}'`,
          '',
          '  Then pay an order on the simulated Stripe Checkout page (its webhook is signed for real):',
          `    ${url}${SIMULATOR_PREFIX}/checkout?amount=4250&currency=usd`,
          `    curl -s ${url}/api/payments -H 'Authorization: Bearer ${DEMO_API_KEY}'`,
        ]
      : []),
    line,
  ].join('\n');
}

async function main() {
  const demo = process.argv.includes('--demo') || process.env.POS_DEMO === '1';
  let config: ServerConfig;
  try {
    config = readConfig(process.env, demo ? 'demo' : 'real');
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Cannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // JSON lines on stdout, at LOG_LEVEL: the SDK's entries and one per request.
  const logger = serverLogger(config.logLevel);
  const server = await createReferenceServer(config, logger, { requestLog: logger });
  const running = await server.listen();
  if (demo) {
    process.stdout.write(`${demoBanner(running.url, config)}\n`);
    if (!['127.0.0.1', 'localhost', '::1'].includes(config.host)) {
      logger.warn({ host: config.host }, 'Demo mode is listening beyond this machine with a published API key.');
    }
  } else {
    logger.info(
      {
        url: running.url,
        variant: config.variant,
        database: describeDatabase(config),
      },
      'POS Integrations reference server listening',
    );
  }
  const stop = () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
