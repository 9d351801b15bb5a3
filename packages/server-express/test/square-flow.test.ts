import { square } from '@pos/connector-square';
import {
  SQUARE_LOCATION_ID,
  SQUARE_PRODUCTION,
  SQUARE_TOKEN,
  squareErrorBody,
  squareHandlers,
  squareLocation,
  useProviderMock,
} from '@pos/test-support';
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { snapshot, startTestServer, type TestServer } from './harness.js';

const mock = useProviderMock(...squareHandlers());
const fastRetry = { attempts: 2, baseDelayMs: 1, maxDelayMs: 1_000 };
const validCredentials = { access_token: SQUARE_TOKEN, location_id: SQUARE_LOCATION_ID };

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({ connectors: [square({ retry: fastRetry })] });
});
afterEach(() => server.close());

describe('Square over HTTP (seed integration test 2)', () => {
  it("shows Square's location in the status, the test message and the summary", async () => {
    const api = server.as('tenant-a');
    await api('POST', '/api/integrations/square/credentials', { body: validCredentials });
    const status = await api('GET', '/api/integrations/square/status');
    expect(status.body).toMatchObject({
      location_id: SQUARE_LOCATION_ID,
      location_name: 'Main St',
      access_token_masked: '...9f2c',
    });
    const tested = await api('POST', '/api/integrations/square/test');
    expect(tested.body).toMatchObject({ success: true, message: expect.stringContaining('Main St') });
    const summary = await api('GET', '/api/integrations/square/summary');
    expect(summary.body).toMatchObject({
      location_name: 'Main St',
      address: '1 Main St, Springfield, IL 62701, US',
      capabilities: ['CREDIT_CARD_PROCESSING', 'AUTOMATIC_TRANSFERS'],
    });
  });

  it('stores nothing and logs connect_failed when Square knows no such location', async () => {
    const api = server.as('tenant-a');
    const before = snapshot(server.storage);
    const badLocation = await api('POST', '/api/integrations/square/credentials', {
      body: { ...validCredentials, location_id: 'LNOWHERE' },
    });
    expect(badLocation.status).toBe(400);
    expect(badLocation.body).toMatchObject({ success: false, error_code: 'SQUARE_LOCATION_NOT_FOUND' });
    const after = snapshot(server.storage);
    expect(after.credentials).toBe(before.credentials);
    expect(after.statuses).toBe(before.statuses);
    const logs = await api('GET', '/api/integrations/square/logs?event=connect_failed');
    expect(logs.body.logs).toHaveLength(1);
  });

  it('reports a failed test as success:false, marks the status and asks for a reconnect', async () => {
    const api = server.as('tenant-a');
    await api('POST', '/api/integrations/square/credentials', { body: validCredentials });
    mock.use(
      http.get(`${SQUARE_PRODUCTION}/v2/locations/:id`, () =>
        HttpResponse.json(squareErrorBody('AUTHENTICATION_ERROR', 'ACCESS_TOKEN_REVOKED'), { status: 401 }),
      ),
    );
    const tested = await api('POST', '/api/integrations/square/test');
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ success: false, error_code: 'SQUARE_INVALID_TOKEN' });
    expect((await api('GET', '/api/integrations/square/status')).body).toMatchObject({
      connected: true,
      status: 'error',
      needs_reconnect: true,
      last_error_code: 'SQUARE_INVALID_TOKEN',
    });

    mock.resetHandlers();
    await api('POST', '/api/integrations/square/credentials', { body: validCredentials });
    expect((await api('GET', '/api/integrations/square/status')).body).toMatchObject({
      status: 'connected',
      needs_reconnect: false,
    });
  });

  it('answers 429 with Retry-After when Square keeps rate limiting', async () => {
    const api = server.as('tenant-a');
    await api('POST', '/api/integrations/square/credentials', { body: validCredentials });
    mock.use(
      http.get(`${SQUARE_PRODUCTION}/v2/locations/:id`, () =>
        HttpResponse.json(squareErrorBody('RATE_LIMIT_ERROR', 'RATE_LIMITED'), {
          status: 429,
          headers: { 'Retry-After': '30' },
        }),
      ),
    );
    const limited = await api('GET', '/api/integrations/square/summary');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(limited.body).toMatchObject({ error_code: 'RATE_LIMITED' });
    const failures = await api('GET', '/api/integrations/square/logs?event=summary_failed');
    expect(failures.body.logs).toHaveLength(1);
  });

  it('pages logs newest first with filters', async () => {
    const api = server.as('tenant-a');
    await api('POST', '/api/integrations/square/credentials', { body: validCredentials });
    for (let i = 0; i < 4; i += 1) await api('POST', '/api/integrations/square/test');
    mock.use(
      http.get(`${SQUARE_PRODUCTION}/v2/locations/:id`, () =>
        HttpResponse.json(squareErrorBody('AUTHENTICATION_ERROR', 'UNAUTHORIZED'), { status: 401 }),
      ),
    );
    await api('POST', '/api/integrations/square/test');

    const first = await api('GET', '/api/integrations/square/logs?limit=2');
    expect(first.body.logs).toHaveLength(2);
    expect((first.body.logs as Array<{ event: string; level: string }>)[0]).toMatchObject({
      event: 'test_failed',
      level: 'error',
    });
    const cursor = first.body.next_cursor as string;
    expect(typeof cursor).toBe('string');
    const second = await api('GET', `/api/integrations/square/logs?limit=10&cursor=${cursor}`);
    expect((second.body.logs as unknown[]).length).toBe(4);
    expect(second.body.next_cursor).toBeNull();
    const errors = await api('GET', '/api/integrations/square/logs?level=error');
    expect(errors.body.logs).toHaveLength(1);
    const row = (errors.body.logs as Array<Record<string, unknown>>)[0];
    expect(Object.keys(row ?? {}).sort()).toEqual(['details', 'event', 'id', 'level', 'message', 'timestamp']);
  });
});

describe('variants and capabilities', () => {
  it('advertises exactly the configured connectors in the full variant', async () => {
    const capabilities = await server.anonymous('GET', '/api/capabilities');
    expect(capabilities.body).toMatchObject({
      build_variant: 'full',
      features: { integrations: true, square: true, stripe: false, clover: false, supabase: false, export: true },
    });
    const list = await server.as('tenant-b')('GET', '/api/integrations');
    expect(list.body).toMatchObject({ integrations: [{ id: 'square', kind: 'api_key', name: 'Square' }] });
  });

  it('mounts no integration routes in the lite variant', async () => {
    const lite = await startTestServer({ variant: 'lite' });
    try {
      const capabilities = await lite.anonymous('GET', '/api/capabilities');
      expect(capabilities.body).toMatchObject({
        build_variant: 'lite',
        accounting_mode: 'disabled',
        features: { integrations: false, square: false, export: false, manual_payments: true },
      });
      const status = await lite.as('tenant-a')('GET', '/api/integrations/square/status');
      expect(status.status).toBe(404);
      expect(status.body).toMatchObject({ success: false, error_code: 'NOT_FOUND' });
    } finally {
      await lite.close();
    }
  });

  it('refuses connectors in a variant without integrations', async () => {
    await expect(startTestServer({ variant: 'export', connectors: [square()] })).rejects.toThrow(/no integrations/);
  });
});

describe('a location summary with every optional field missing', () => {
  it('still answers with the fields it has', async () => {
    mock.use(
      ...squareHandlers(SQUARE_PRODUCTION, {
        ...squareLocation(),
        address: undefined,
        capabilities: undefined,
        business_name: undefined,
      } as never),
    );
    const api = server.as('tenant-a');
    await api('POST', '/api/integrations/square/credentials', { body: validCredentials });
    const summary = await api('GET', '/api/integrations/square/summary');
    expect(summary.body).toMatchObject({ location_name: 'Main St', address: '', capabilities: [] });
  });
});
