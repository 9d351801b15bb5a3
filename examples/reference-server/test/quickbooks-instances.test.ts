/**
 * QuickBooks renewals across server processes: two reference servers on one PostgreSQL database
 * share one connected company, and 20 concurrent calls through both make exactly one refresh
 * request to Intuit (a rotated refresh token cannot be spent twice), with the rotated pair
 * stored for both. Intuit is simulated over real HTTP: msw does not reach into child processes.
 */
import { existsSync } from 'node:fs';
import {
  cookiesOf,
  createQuickBooksSimulator,
  type Listening,
  listen,
  nodeListener,
  type PostgresCluster,
  QUICKBOOKS_CLIENT_ID,
  QUICKBOOKS_CLIENT_SECRET,
  QUICKBOOKS_REALM_ID,
  startPostgresCluster,
} from '@pos/test-support';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServers } from './support/instances.js';

const main = new URL('../dist/main.js', import.meta.url).pathname;
const REDIRECT_URI = 'http://pos.test/api/integrations/quickbooks/callback';
const base = '/api/integrations/quickbooks';

/** Access tokens issued from now on live this long (seconds). */
let accessTtl = 3600;
const quickbooks = createQuickBooksSimulator({
  redirectUri: () => REDIRECT_URI,
  accessTtlSeconds: () => accessTtl,
  // Renewals are slowed down so that calls from both processes really overlap.
  refreshDelayMs: 300,
});
let cluster: PostgresCluster;
let intuit: Listening;

beforeAll(async () => {
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first (npm test does).`);
  cluster = await startPostgresCluster();
  intuit = await listen(express().use(nodeListener(quickbooks.simulator)));
});
afterAll(async () => {
  await intuit?.close();
  cluster?.stop();
});

describe('QuickBooks on two reference servers sharing PostgreSQL', () => {
  it('renews the token once for 20 concurrent calls through both, and both use the rotated pair', async () => {
    const servers = await startReferenceServers({
      databaseUrl: cluster.freshDatabase(),
      env: {
        QUICKBOOKS_CLIENT_ID,
        QUICKBOOKS_CLIENT_SECRET,
        QUICKBOOKS_REDIRECT_URI: REDIRECT_URI,
        QUICKBOOKS_ENVIRONMENT: 'sandbox',
        QUICKBOOKS_API_BASE: intuit.url,
        QUICKBOOKS_OAUTH_BASE: intuit.url,
      },
    });
    const [a, b] = servers.instances;
    if (!a || !b) throw new Error('two instances expected');
    try {
      // Connected through A with a token that is already inside the renewal margin (a minute
      // left), while the tokens Intuit issues next last the usual hour.
      accessTtl = 60;
      const started = await a.api('POST', `${base}/auth-url`);
      const state = new URL(started.body.auth_url as string).searchParams.get('state') as string;
      const decided = await fetch(`${intuit.url}/connect/oauth2/decision`, {
        method: 'POST',
        body: new URLSearchParams({ redirect_uri: REDIRECT_URI, state, decision: 'approve' }),
        redirect: 'manual',
      });
      const back = new URL(decided.headers.get('location') as string);
      expect(back.searchParams.get('realmId')).toBe(QUICKBOOKS_REALM_ID);
      const landed = await fetch(`${b.url}${back.pathname}${back.search}`, {
        redirect: 'manual',
        headers: { cookie: cookiesOf(started) },
      });
      expect(landed.headers.get('location')).toContain('status=connected');
      accessTtl = 3600;
      const connectedPair = quickbooks.issued.at(-1);

      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? a : b).api('GET', `${base}/summary`)),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
      expect(responses[0]?.body).toMatchObject({ realm_id: QUICKBOOKS_REALM_ID, environment: 'sandbox' });
      expect(quickbooks.calls.refresh).toBe(1);
      expect(quickbooks.issued.at(-1)?.refresh_token).not.toBe(connectedPair?.refresh_token);
      const logs = await b.api<{ logs: Array<{ event: string }> }>('GET', `${base}/logs`);
      expect(logs.body.logs.map((row) => row.event)).toEqual(['token_refreshed', 'connected']);

      // The next renewal, forced by Intuit refusing the access token, works from either server:
      // both hold the rotated refresh token (the first one is spent and would get invalid_grant).
      quickbooks.revokeAccessTokens();
      expect((await a.api('POST', `${base}/test`)).body).toMatchObject({ success: true });
      expect(quickbooks.calls.refresh).toBe(2);
      quickbooks.revokeAccessTokens();
      expect((await b.api('POST', `${base}/test`)).body).toMatchObject({ success: true });
      expect(quickbooks.calls.refresh).toBe(3);
    } finally {
      expect(await servers.stop()).toEqual([0, 0]);
    }
  });
});
