import { afterEach, beforeEach, expect } from 'vitest';
import type { Connector } from '../connectors.js';
import type { ConnectorSimulator } from './conformance.js';
import {
  type ConformanceHost,
  type ConformanceRequest,
  type ConformanceServer,
  conformanceClient,
  cookiesOf,
  redirectParams,
} from './conformance-http.js';

/**
 * How the conformance suites connect a tenant: with the credentials the simulator accepts, or an
 * OAuth trip through its consent page. `request` is read per call (each test has its own
 * client); `codes` hears every authorization code that went through a redirect (a secret).
 */
export function connectionSteps(
  connector: Connector,
  simulator: ConnectorSimulator,
  request: () => ConformanceRequest,
  codes: () => string[],
) {
  const base = `/api/integrations/${connector.id}`;

  /** An OAuth trip: our auth URL, the provider's consent, our callback with the flow's cookie. */
  async function authorize(tenantId: string, code?: string) {
    const started = await request()('POST', `${base}/auth-url`, { tenantId });
    expect(started.status, started.text).toBe(200);
    if (!simulator.approve) throw new Error(`The simulator of ${connector.id} needs approve(authUrl).`);
    const back = new URL(await simulator.approve(started.body.auth_url as string));
    if (code !== undefined) back.searchParams.set('code', code);
    codes().push(back.searchParams.get('code') ?? '');
    const callback = await request()('GET', `${base}/callback${back.search}`, { cookie: cookiesOf(started) });
    return { back, callback, cookie: cookiesOf(started) };
  }

  async function connect(tenantId: string) {
    if (connector.kind === 'api_key') {
      if (!simulator.validCredentials) throw new Error(`The simulator of ${connector.id} needs validCredentials().`);
      const connected = await request()('POST', `${base}/credentials`, {
        tenantId,
        body: simulator.validCredentials(),
      });
      expect(connected.status, connected.text).toBe(200);
      expect(connected.body).toMatchObject({ success: true, status: { connected: true, status: 'connected' } });
      return connected;
    }
    const trip = await authorize(tenantId);
    expect(redirectParams(trip.callback)).toEqual({ provider: connector.id, status: 'connected' });
    return trip;
  }

  return { authorize, connect };
}

/**
 * One test's server and client for a conformance suite: before each test of the `describe` it is
 * called in, the simulator starts afresh and `host` serves the connector; after it, the provider
 * is up again and the server closed. `seen` holds every answer of the test, `codes` every
 * authorization code that went through a redirect (both for the secrets checks).
 */
export function conformanceSession(connector: Connector, simulator: ConnectorSimulator, host: ConformanceHost) {
  const session = {
    server: undefined as unknown as ConformanceServer,
    request: undefined as unknown as ConformanceRequest,
    seen: [] as string[],
    codes: [] as string[],
  };
  beforeEach(async () => {
    await simulator.reset?.();
    await simulator.up();
    session.server = await host.start(connector);
    session.seen = [];
    session.codes = [];
    session.request = conformanceClient(session.server, session.seen);
  });
  afterEach(async () => {
    await simulator.up();
    await session.server?.close();
  });
  const steps = connectionSteps(
    connector,
    simulator,
    () => session.request,
    () => session.codes,
  );
  return { session, ...steps };
}
