/**
 * QuickBooks access tokens last an hour and every refresh rotates the refresh token: renewals
 * are made once however many calls need them, the rotated pair is stored before anyone uses it,
 * and Intuit's `invalid_grant` asks the merchant to connect again.
 */
import { quickbooks } from '@pos/connector-quickbooks';
import {
  cookiesOf,
  ManualClock,
  QUICKBOOKS_CLIENT_ID,
  QUICKBOOKS_CLIENT_SECRET,
  QUICKBOOKS_REDIRECT_URI,
  type QuickBooksSimulation,
  quickbooksSimulation,
  useProviderMock,
} from '@pos/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

const mock = useProviderMock();
const MINUTE = 60_000;
const base = '/api/integrations/quickbooks';
const connector = () =>
  quickbooks({
    clientId: QUICKBOOKS_CLIENT_ID,
    clientSecret: QUICKBOOKS_CLIENT_SECRET,
    redirectUri: QUICKBOOKS_REDIRECT_URI,
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
  });

let clock: ManualClock;
let sim: QuickBooksSimulation;
const servers: TestServer[] = [];

/** A server with tenant-a connected through the OAuth round trip; the access token lives one hour. */
async function connected(options: { refreshDelayMs?: number } = {}): Promise<TestServer> {
  clock = new ManualClock('2026-03-01T12:00:00.000Z');
  sim = quickbooksSimulation({ clock, ...options });
  mock.use(...sim.handlers);
  const server = await startTestServer({ connectors: [connector()], clock });
  servers.push(server);
  await reconnect(server);
  return server;
}

async function reconnect(server: TestServer) {
  const started = await server.as('tenant-a')('POST', `${base}/auth-url`);
  const back = sim.approve(started.body.auth_url as string);
  const callback = await server.anonymous('GET', `${base}/callback${back.search}`, {
    headers: { cookie: cookiesOf(started) },
  });
  expect(callback.headers.get('location')).toContain('status=connected');
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const storedSecret = async (server: TestServer) =>
  (await server.integrations.vault.get('tenant-a', 'quickbooks'))?.secret;
const events = async (server: TestServer) => {
  const logs = await server.as('tenant-a')('GET', `${base}/logs`);
  return (logs.body.logs as Array<{ event: string; level: string; details: Record<string, unknown> | null }>).map(
    (row) => `${row.level} ${row.event}${row.details?.reason ? ` (${row.details.reason})` : ''}`,
  );
};

describe('QuickBooks token refresh', () => {
  it('makes one refresh request for 20 concurrent calls in one process, and stores the rotated token', async () => {
    const server = await connected({ refreshDelayMs: 60 });
    const original = await storedSecret(server);
    clock.advance(61 * MINUTE); // the hour is over

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => server.as('tenant-a')('GET', `${base}/summary`)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(sim.calls.refresh).toBe(1);
    const rotated = sim.issued.at(-1);
    expect(rotated?.refresh_token).not.toBe(original?.refresh_token);
    expect(await storedSecret(server)).toEqual(rotated);
    expect((await server.as('tenant-a')('GET', `${base}/status`)).body).toMatchObject({
      status: 'connected',
      access_token_expires_at: '2026-03-01T14:01:00.000Z',
    });
    expect(await events(server)).toEqual(['info token_refreshed (expiring)', 'info connected']);

    // The next renewal uses the rotated token: the spent one would be refused.
    clock.advance(61 * MINUTE);
    expect((await server.as('tenant-a')('POST', `${base}/test`)).body).toMatchObject({ success: true });
    expect(sim.calls.refresh).toBe(2);
  });

  it('makes one refresh request for 20 concurrent calls across two servers on one database', async () => {
    const first = await connected({ refreshDelayMs: 60 });
    const second = await startTestServer({ connectors: [connector()], clock, sharing: first });
    servers.push(second);
    clock.advance(2 * 60 * MINUTE);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 === 0 ? first : second).as('tenant-a')('GET', `${base}/summary`),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(sim.calls.refresh).toBe(1);
    expect(await storedSecret(second)).toEqual(sim.issued.at(-1));
  });

  it('renews once after Intuit refuses an access token, and repeats the call', async () => {
    const server = await connected();
    sim.revokeAccessTokens(); // still valid by our clock, refused by Intuit (401, code 3200)
    const summary = await server.as('tenant-a')('GET', `${base}/summary`);
    expect(summary.status).toBe(200);
    expect(sim.calls.refresh).toBe(1);
    expect(await events(server)).toEqual(['info token_refreshed (rejected)', 'info connected']);
  });

  it('marks invalid_grant as needing a reconnect, logs it, and does not send the dead token again', async () => {
    const server = await connected();
    const api = server.as('tenant-a');
    sim.revokeRefreshTokens();
    clock.advance(61 * MINUTE);

    const summary = await api('GET', `${base}/summary`);
    expect(summary.status).toBe(409);
    expect(summary.body).toMatchObject({ success: false, error_code: 'QUICKBOOKS_TOKEN_EXPIRED' });
    expect(summary.body.message).toContain('invalid_grant');
    expect((await api('GET', `${base}/status`)).body).toMatchObject({
      connected: true,
      status: 'error',
      needs_reconnect: true,
      last_error_code: 'QUICKBOOKS_TOKEN_EXPIRED',
    });
    expect(await events(server)).toEqual([
      'error summary_failed',
      'error token_refresh_failed (expiring)',
      'info connected',
    ]);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await api('POST', `${base}/test`)).body).toMatchObject({ error_code: 'QUICKBOOKS_TOKEN_EXPIRED' });
    }
    expect(sim.calls.refresh).toBe(1);

    await reconnect(server);
    expect((await api('GET', `${base}/status`)).body).toMatchObject({ status: 'connected', needs_reconnect: false });
    expect((await api('GET', `${base}/summary`)).status).toBe(200);
  });
});
