/**
 * The conformance suite every connector runs (`@pos/integrations-core/testing`), over the real
 * HTTP router on a real port, against a simulation of its provider:
 *
 * ```ts
 * import { describeConnectorConformance } from '@pos/integrations-core/testing';
 * describeConnectorConformance(examplePos(), exampleSimulator, host);
 * ```
 *
 * It checks what every connector owes its merchants: connect, status, summary, test, disconnect
 * and logs; bad credentials refused with a declared code and nothing stored; a provider outage
 * answered as `PROVIDER_UNAVAILABLE` and recovered from; no secret in any response or log.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Connector } from '../connectors.js';
import { conformanceSession, connectionSteps } from './conformance-connect.js';
import {
  type ConformanceHost,
  type ConformanceRequest,
  type ConformanceServer,
  redirectParams,
} from './conformance-http.js';

export type { ConformanceHost, ConformanceServer } from './conformance-http.js';

type Awaitable<T> = T | Promise<T>;

/** What the suite needs from a simulation of the provider. */
export interface ConnectorSimulator {
  /** Puts the provider back in its first state before each test (handlers, issued tokens). */
  reset?(): Awaitable<void>;
  /** API-key connectors: credentials the provider accepts, as a merchant submits them. */
  validCredentials?(): Record<string, unknown>;
  /** API-key connectors: well-formed credentials the provider refuses. */
  invalidCredentials?(): Record<string, unknown>;
  /** OAuth connectors: the merchant approves on the consent page at `authUrl`; returns the redirect back. */
  approve?(authUrl: string): Awaitable<URL | string>;
  /** From now on the provider fails every call (a 5xx, or no answer at all). */
  down(): Awaitable<void>;
  /** The provider answers again. */
  up(): Awaitable<void>;
  /** The secrets in play: keys the merchant typed, tokens the provider issued. */
  secrets(): readonly string[];
}

const TENANT = 'tenant-a';
const OTHER_TENANT = 'tenant-b';
const UNKNOWN_CODE = 'conformance-code-the-provider-never-issued';

/** Runs the suite for one connector; `host` serves it through the HTTP router. */
export function describeConnectorConformance(
  connector: Connector,
  simulator: ConnectorSimulator,
  host: ConformanceHost,
): void {
  const base = `/api/integrations/${connector.id}`;
  const notConnectedCode = connector.notConnectedCode ?? 'NOT_CONNECTED';
  let server: ConformanceServer;
  let request: ConformanceRequest;
  /** Every response text and header block of the current test. */
  let seen: string[];
  /** Codes that went through a redirect: secrets too. */
  let codes: string[];

  const api = (method: string, path: string, body?: unknown) =>
    request(method, `${base}${path}`, { tenantId: TENANT, ...(body !== undefined ? { body } : {}) });

  const { authorize, connect: connectAs } = connectionSteps(
    connector,
    simulator,
    () => request,
    () => codes,
  );
  const connect = (tenantId = TENANT) => connectAs(tenantId);

  /** Submits credentials the provider refuses, or lands on the callback with a code it never issued. */
  async function connectBadly(): Promise<string> {
    if (connector.kind === 'api_key') {
      if (!simulator.invalidCredentials)
        throw new Error(`The simulator of ${connector.id} needs invalidCredentials().`);
      const refused = await api('POST', '/credentials', simulator.invalidCredentials());
      expect(refused.status, refused.text).toBeGreaterThanOrEqual(400);
      expect(refused.status).toBeLessThan(500);
      expect(refused.body).toMatchObject({ success: false, message: expect.any(String) });
      // The answer's status is the one the connector declared for its code.
      expect(refused.status).toBe(connector.errorCodes?.[refused.body.error_code]?.status);
      return refused.body.error_code as string;
    }
    const { callback } = await authorize(TENANT, UNKNOWN_CODE);
    const params = redirectParams(callback);
    expect(params).toMatchObject({ provider: connector.id, status: 'error' });
    return params.error_code as string;
  }

  async function events(query = ''): Promise<string[]> {
    const logs = await api('GET', `/logs${query}`);
    expect(logs.status, logs.text).toBe(200);
    return (logs.body.logs as Array<{ event: string }>).map((row) => row.event);
  }

  describe(`connector conformance: ${connector.id}`, () => {
    const { session } = conformanceSession(connector, simulator, host);
    beforeEach(() => {
      ({ server, request, seen, codes } = session);
    });

    it('is listed with its kind, and turns on its capability flags', async () => {
      const list = await request('GET', '/api/integrations', { tenantId: TENANT });
      expect(list.body.integrations).toEqual([
        expect.objectContaining({ id: connector.id, kind: connector.kind, name: connector.displayName }),
      ]);
      const capabilities = await request('GET', '/api/capabilities');
      const flags = Object.fromEntries((connector.features ?? [connector.id]).map((flag) => [flag, true]));
      expect(capabilities.body.features).toMatchObject({ integrations: true, ...flags });
    });

    it('connects, reports its status, tests, summarises, disconnects, and logs each step', async () => {
      expect((await api('GET', '/status')).body).toMatchObject({ provider: connector.id, connected: false });
      await connect();
      const status = await api('GET', '/status');
      expect(status.body).toMatchObject({
        provider: connector.id,
        connected: true,
        status: 'connected',
        last_error: null,
        last_error_code: null,
        needs_reconnect: false,
      });
      const other = await request('GET', `${base}/status`, { tenantId: OTHER_TENANT });
      expect(other.body).toMatchObject({ connected: false });

      const tested = await api('POST', '/test');
      expect(tested.status, tested.text).toBe(200);
      expect(tested.body).toMatchObject({ success: true, message: expect.stringMatching(/\S/) });
      expect((await api('GET', '/status')).body.last_tested_at).toBe(tested.body.tested_at);

      const summary = await api('GET', '/summary');
      expect(summary.status, summary.text).toBe(200);
      expect(typeof summary.body).toBe('object');
      expect(Object.keys(summary.body).length).toBeGreaterThan(0);
      expect(summary.body.success).not.toBe(false);

      const disconnected = await api('DELETE', '/disconnect');
      expect(disconnected.body).toEqual({ success: true, message: `${connector.displayName} disconnected.` });
      expect((await api('GET', '/status')).body).toMatchObject({ connected: false, status: 'disconnected' });
      const afterwards = await api('GET', '/summary');
      expect(afterwards.status).toBe(409);
      expect(afterwards.body).toMatchObject({ success: false, error_code: notConnectedCode });

      expect(await events()).toEqual(['disconnected', 'tested', 'connected']);
      const [row] = (await api('GET', '/logs?limit=1')).body.logs as Array<Record<string, unknown>>;
      expect(Object.keys(row ?? {}).sort()).toEqual(['details', 'event', 'id', 'level', 'message', 'timestamp']);
    });

    it('refuses bad credentials with a code it declares, stores nothing and logs connect_failed', async () => {
      const code = await connectBadly();
      const expected = connector.kind === 'oauth' ? connector.oauthFailedCode : code;
      expect(code).toBe(expected);
      expect(connector.errorCodes?.[code], `${code} is declared in errorCodes`).toBeDefined();
      expect((await api('GET', '/status')).body).toMatchObject({ connected: false });
      expect(await events()).toEqual(['connect_failed']);
      expect((await api('GET', '/summary')).body).toMatchObject({ error_code: notConnectedCode });
      if (connector.kind === 'oauth') {
        // A redirect whose state was spent (a reload, a replay) is refused before any exchange.
        const { back, cookie } = await authorize(TENANT);
        const replay = await request('GET', `${base}/callback${back.search}`, { cookie });
        expect(redirectParams(replay)).toMatchObject({ status: 'error', error_code: connector.stateInvalidCode });
      }
    });

    it('answers PROVIDER_UNAVAILABLE while the provider is down, and recovers when it is back', async () => {
      await connect();
      await simulator.down();
      const summary = await api('GET', '/summary');
      if (connector.sync || connector.accounting) {
        // A sync target's or the books' summary still answers from the POS's own figures (the
        // queue, the ledger), saying it is unreachable.
        expect(summary.status, summary.text).toBe(200);
        expect(summary.body).toMatchObject({ reachable: false, error_code: 'PROVIDER_UNAVAILABLE' });
      } else {
        expect(summary.status, summary.text).toBe(502);
        expect(summary.body).toMatchObject({ success: false, error_code: 'PROVIDER_UNAVAILABLE' });
      }
      const tested = await api('POST', '/test');
      expect(tested.status).toBe(200);
      expect(tested.body).toMatchObject({ success: false, error_code: 'PROVIDER_UNAVAILABLE' });
      expect((await api('GET', '/status')).body).toMatchObject({
        connected: true,
        last_error_code: 'PROVIDER_UNAVAILABLE',
        needs_reconnect: false,
      });
      if (connector.kind === 'api_key' && simulator.validCredentials) {
        const refused = await api('POST', '/credentials', simulator.validCredentials());
        expect(refused.status, refused.text).toBe(502);
        expect(refused.body).toMatchObject({ success: false, error_code: 'PROVIDER_UNAVAILABLE' });
      }
      await simulator.up();
      expect((await api('POST', '/test')).body).toMatchObject({ success: true });
      expect((await api('GET', '/status')).body).toMatchObject({ status: 'connected', last_error_code: null });
      expect(await events('?event=summary_failed')).toEqual(['summary_failed']);
    });

    it("never shows a secret in a response, a log row or the host's log", async () => {
      await connectBadly();
      await connect();
      await api('GET', '/status');
      await api('GET', '/summary');
      await api('POST', '/test');
      await simulator.down();
      await api('GET', '/summary');
      await api('POST', '/test');
      await simulator.up();
      await api('GET', '/logs');
      await api('DELETE', '/disconnect');
      await api('GET', '/logs');
      const secrets = [...simulator.secrets(), ...codes].filter((secret) => secret.length >= 8);
      expect(secrets.length).toBeGreaterThan(0);
      const everything = [...seen, ...server.loggerLines()].join('\n');
      for (const secret of secrets) expect(everything).not.toContain(secret);
    });
  });
}
