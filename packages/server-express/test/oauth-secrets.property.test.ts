import { clover } from '@pos/connector-clover';
import { stripe } from '@pos/connector-stripe';
import {
  type ApiResponse,
  CLOVER_APP_ID,
  CLOVER_APP_SECRET,
  CLOVER_REDIRECT_URI,
  cloverSimulation,
  cookiesOf,
  ManualClock,
  STRIPE_CLIENT_ID,
  STRIPE_REDIRECT_URI,
  STRIPE_SECRET_KEY,
  stripeSimulation,
  useProviderMock,
} from '@pos/test-support';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { databaseBytes, startTestServer } from './harness.js';

const mock = useProviderMock();
const HOUR = 3_600_000;
const STEPS = [
  'connect',
  'summary',
  'test',
  'status',
  'logs',
  'expire',
  'refused',
  'dead-refresh',
  'forged-code',
  'disconnect',
] as const;

describe('Property 3 for OAuth: tokens, codes and platform secrets never leave the vault', () => {
  it('are absent from every response, log row, status row, logger line and the database file', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('stripe', 'clover'), fc.constantFrom(...STEPS)), {
          minLength: 1,
          maxLength: 12,
        }),
        async (steps) => {
          const clock = new ManualClock();
          const sims = { stripe: stripeSimulation(), clover: cloverSimulation({ clock }) };
          mock.resetHandlers(...sims.stripe.handlers, ...sims.clover.handlers);
          const server = await startTestServer({
            clock,
            connectors: [
              stripe({ clientId: STRIPE_CLIENT_ID, secretKey: STRIPE_SECRET_KEY, redirectUri: STRIPE_REDIRECT_URI }),
              clover({ appId: CLOVER_APP_ID, appSecret: CLOVER_APP_SECRET, redirectUri: CLOVER_REDIRECT_URI }),
            ],
          });
          const responses: ApiResponse[] = [];
          const codes: string[] = [];
          try {
            const api = server.as('tenant-a');
            const connect = async (provider: 'stripe' | 'clover', forged = false) => {
              const started = await api('POST', `/api/integrations/${provider}/auth-url`);
              const back = sims[provider].approve(started.body.auth_url as string);
              if (forged) back.searchParams.set('code', `ac_Forged${provider}Code0123456789`);
              codes.push(back.searchParams.get('code') as string);
              responses.push(
                started,
                await server.anonymous('GET', `/api/integrations/${provider}/callback${back.search}`, {
                  headers: { cookie: cookiesOf(started) },
                }),
              );
            };
            await connect('stripe');
            await connect('clover');
            for (const [provider, step] of steps) {
              const base = `/api/integrations/${provider}`;
              if (step === 'connect' || step === 'forged-code') await connect(provider, step === 'forged-code');
              if (step === 'summary') responses.push(await api('GET', `${base}/summary`));
              if (step === 'test') responses.push(await api('POST', `${base}/test`));
              if (step === 'status') responses.push(await api('GET', `${base}/status`));
              if (step === 'logs') responses.push(await api('GET', `${base}/logs?limit=200`));
              if (step === 'disconnect') responses.push(await api('DELETE', `${base}/disconnect`));
              if (step === 'expire') clock.advance(2 * HOUR);
              if (step === 'refused') {
                sims.clover.revokeAccessTokens();
                sims.stripe.connected.clear();
              }
              if (step === 'dead-refresh') {
                sims.clover.revokeRefreshTokens();
                clock.advance(2 * HOUR);
              }
            }
            for (const provider of ['stripe', 'clover']) {
              responses.push(await api('GET', `/api/integrations/${provider}/summary`));
              responses.push(await api('GET', `/api/integrations/${provider}/logs?limit=200`));
            }

            const secrets = [
              STRIPE_SECRET_KEY,
              CLOVER_APP_SECRET,
              ...codes,
              ...sims.stripe.issued.flatMap((tokens) => [tokens.access_token, tokens.refresh_token]),
              ...sims.clover.issued.flatMap((pair) => [pair.access_token, pair.refresh_token]),
            ];
            const tables = ['integration_logs', 'integration_status', 'provider_accounts', 'oauth_states']
              .map((table) => JSON.stringify(server.storage.database.prepare(`select * from ${table}`).all()))
              .join('\n');
            const loggerLines = server.logger.lines.join('\n');
            const disk = databaseBytes(server);
            const answers = responses.map((response) => `${response.headers.get('location') ?? ''} ${response.text}`);
            for (const secret of secrets) {
              for (const answer of answers) expect(answer).not.toContain(secret);
              expect(tables).not.toContain(secret);
              expect(loggerLines).not.toContain(secret);
              expect(disk).not.toContain(secret);
            }
          } finally {
            await server.close();
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});
