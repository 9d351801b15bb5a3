import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIntegrations, createKeyRing, type Variant } from '@pos/integrations-core';
import { createSqliteStorage } from '@pos/storage-sqlite';
import { apiClient, listen, ManualClock, TEST_KEY_A, useProviderMock } from '@pos/test-support';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as exportBuild from '../src/export.js';
import * as fullBuild from '../src/full.js';
import * as liteBuild from '../src/lite.js';
import type { IntegrationsRouterOptions } from '../src/router.js';
import { snapshot, startTestServer, TENANT_KEYS, type TestServer } from './harness.js';
import { type PaymentsServer, sessionEvent, startPaymentsServer } from './payments-harness.js';

const mock = useProviderMock();
const until = async (condition: () => boolean, what: string) => {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 5000) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('malformed and cut-off uploads', () => {
  let server: TestServer;
  let uploadDir: string;
  beforeAll(async () => {
    uploadDir = mkdtempSync(join(tmpdir(), 'pos-uploads-'));
    server = await startTestServer({ dataManager: { uploadDir, maxUploadBytes: 4 * 1024 * 1024 } });
  });
  afterAll(async () => {
    await server.close();
    rmSync(uploadDir, { recursive: true, force: true });
  });

  const errorLines = () => server.logger.lines.filter((line) => line.startsWith('error '));
  const upload = (body: string) =>
    server.as('tenant-a')('POST', '/api/data-manager/upload', {
      body,
      headers: { 'content-type': 'multipart/form-data; boundary=zz' },
    });

  it.each([
    ['garbage', 'garbage'],
    [
      'a form that never closes',
      `--zz\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\n\r\nsku,name,price\n${'A-1,x,1\n'.repeat(100_000)}`,
    ],
    ['a part header past the parser limit', `--zz\r\nX-Junk: ${'j'.repeat(200_000)}\r\n\r\nsku\n--zz--\r\n`],
  ])(
    '%s → 400 VALIDATION_FAILED with a message for a person; nothing kept, nothing logged as an error',
    async (_name, body) => {
      const before = snapshot(server.storage);
      const response = await upload(body);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(response.body).toEqual({
        success: false,
        error_code: 'VALIDATION_FAILED',
        message: 'The upload is not a valid multipart/form-data body: send the file as a form with a "file" field.',
      });
      expect(snapshot(server.storage)).toEqual(before);
      expect(readdirSync(uploadDir)).toEqual([]);
      expect(errorLines()).toEqual([]);
    },
  );

  it('a client that hangs up mid-file leaves no batch, no spooled file and no error line', async () => {
    const before = snapshot(server.storage);
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const head = `--zz\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\nContent-Type: text/csv\r\n\r\nsku,name,price\n`;
    socket.write(
      [
        'POST /api/data-manager/upload HTTP/1.1',
        'Host: 127.0.0.1',
        `Authorization: Bearer ${TENANT_KEYS['tenant-a']}`,
        'Content-Type: multipart/form-data; boundary=zz',
        'Content-Length: 1000000',
        '',
        head + 'A-1,x,1\n'.repeat(2000),
      ].join('\r\n'),
    );
    await until(() => readdirSync(uploadDir).length === 1, 'the spooled file');
    // Spooled for its owner only: a tenant's rows in a shared temp folder.
    expect((statSync(join(uploadDir, readdirSync(uploadDir)[0] as string)).mode & 0o777).toString(8)).toBe('600');
    socket.destroy();
    await until(() => readdirSync(uploadDir).length === 0, 'the spooled file to go');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(errorLines()).toEqual([]);
    expect(snapshot(server.storage)).toEqual(before);
    // The server carries on.
    expect((await server.as('tenant-a')('GET', '/api/data-manager/batches')).status).toBe(200);
  });
});

describe('unknown routes and bodies under /api', () => {
  const builds = { lite: liteBuild, export: exportBuild, full: fullBuild } as const;
  const KEY = 'error-key-0123456789abcdef';
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pos-errors-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function serve(variant: Variant, options: Partial<IntegrationsRouterOptions> = {}, after?: express.Router) {
    const integrations = createIntegrations({
      storage: await createSqliteStorage({ filename: join(dir, `${variant}-${Math.random()}.db`) }),
      cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
      variant,
    });
    const app = express();
    app.use(
      builds[variant].integrationsRouter(integrations, {
        resolveTenant: (req) => (req.get('authorization') === `Bearer ${KEY}` ? 'store-1' : undefined),
        ...options,
      }),
    );
    if (after) app.use(after);
    const server = await listen(app);
    return {
      api: apiClient(server.url, { token: KEY }),
      close: async () => {
        await server.close();
        await integrations.close();
      },
    };
  }

  it.each(['lite', 'export', 'full'] as const)(
    '%s: any unknown /api route or method answers the JSON 404, with or without a key',
    async (variant) => {
      const { api, close } = await serve(variant);
      try {
        for (const [method, path] of [
          ['GET', '/api/x'],
          ['GET', '/api'],
          ['POST', '/api/x/y?z=1'],
          ['GET', '/api/integrations/nope/status'],
          ['GET', '/api/payments/nope'],
          ['PUT', '/api/data-manager/seed'],
          ['DELETE', '/api/capabilities'],
          ['PATCH', '/api/capabilities'],
        ] as const) {
          for (const token of [KEY, '']) {
            const response = await api(method, path, { token, ...(method === 'GET' ? {} : { body: '{"a":' }) });
            expect(response.status, `${method} ${path}`).toBe(404);
            expect(response.headers.get('content-type')).toContain('application/json');
            expect(response.body).toEqual({
              success: false,
              error_code: 'NOT_FOUND',
              message: `No route for ${method} ${path.split('?')[0]}.`,
            });
          }
        }
        // Paths that only start like the API are the host's: Express answers them, not the SDK.
        expect((await api('GET', '/apix')).text).not.toContain('NOT_FOUND');
      } finally {
        await close();
      }
    },
  );

  it('a malformed JSON body gets 400 VALIDATION_FAILED as JSON, not an HTML page', async () => {
    const { api, close } = await serve('full');
    try {
      const response = await api('POST', '/api/data-manager/seed', { body: '{"entity_type": "products",' });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(response.body).toEqual({
        success: false,
        error_code: 'VALIDATION_FAILED',
        message: 'The request body is not valid JSON.',
      });
    } finally {
      await close();
    }
  });

  it("unknownApiRoutes: 'next' hands other /api paths to the host's routes; the SDK's prefixes stay JSON 404s", async () => {
    const host = express.Router();
    host.get('/api/orders', (_req, res) => {
      res.json({ orders: [] });
    });
    const { api, close } = await serve('full', { unknownApiRoutes: 'next' }, host);
    try {
      expect((await api('GET', '/api/orders')).body).toEqual({ orders: [] });
      const sdk = await api('GET', '/api/payments/nope');
      expect(sdk.status).toBe(404);
      expect(sdk.body).toMatchObject({ error_code: 'NOT_FOUND' });
    } finally {
      await close();
    }
  });
});

describe('rejected webhooks in the log', () => {
  let server: PaymentsServer | undefined;
  afterEach(() => server?.close());

  it('are logged at most once a minute on the clock, with how many were refused since the last line', async () => {
    const clock = new ManualClock('2026-03-01T12:00:00.000Z');
    server = await startPaymentsServer(mock, { clock });
    await server.connect();
    const created = await server.as('tenant-a')('POST', '/api/payments/checkout-session', {
      body: { order_id: 'W-1', amount: 2500, currency: 'usd' },
    });
    const event = sessionEvent(server.sim, 'checkout.session.expired', created.body.session_id as string);
    const refused = async (count: number, options: { secret?: string; signature?: null }) => {
      for (let i = 0; i < count; i += 1) {
        expect((await server?.deliver(event, options))?.body).toMatchObject({
          error_code: 'WEBHOOK_SIGNATURE_INVALID',
        });
      }
    };
    const lines = () =>
      (server?.logger.lines ?? [])
        .filter((line) => line.startsWith('warn Webhook rejected'))
        .map((line) => JSON.parse(line.slice(line.indexOf('{'))));

    await refused(5, { secret: 'whsec_someoneElse000000000000000' });
    expect(lines()).toEqual([
      {
        provider: 'stripe',
        reason: 'no_match',
        count: 1,
        since: '2026-03-01T12:00:00.000Z',
        by_reason: { no_match: 1 },
      },
    ]);
    clock.advance(30_000);
    await refused(3, { signature: null });
    expect(lines()).toHaveLength(1);
    clock.advance(30_000);
    await refused(1, { signature: null });
    expect(lines()).toHaveLength(2);
    expect(lines()[1]).toEqual({
      provider: 'stripe',
      reason: 'missing_header',
      count: 8,
      since: '2026-03-01T12:00:00.000Z',
      by_reason: { no_match: 4, missing_header: 4 },
    });
    // A valid delivery is applied as before.
    expect((await server.deliver(event)).body).toMatchObject({ outcome: 'applied' });
  });
});
