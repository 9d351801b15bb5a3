import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripe } from '@pos/connector-stripe';
import {
  cookiesOf,
  ManualClock,
  STRIPE_CLIENT_ID,
  STRIPE_REDIRECT_URI,
  STRIPE_SECRET_KEY,
  stripeSimulation,
  useProviderMock,
} from '@pos/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { snapshot, startTestServer, TENANT_KEYS, type TestServer } from './harness.js';
import { startPaymentsServer } from './payments-harness.js';

const mock = useProviderMock();
const BOUNDARY = 'pos-limits-boundary';

/** A multipart upload of `csv` as products, split where the test holds the rest back. */
function multipart(csv: string): { head: string; tail: string } {
  return {
    head:
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="entity_type"\r\n\r\nproducts\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\n` +
      `Content-Type: text/csv\r\n\r\n${csv}`,
    tail: `\r\n--${BOUNDARY}--\r\n`,
  };
}

/** A products CSV of at least `rows` rows and at least `bytes` bytes. */
function productsCsv(prefix: string, rows: number, bytes = 0): string {
  let csv = 'sku,name,price,currency\n';
  for (let i = 0; i < rows || csv.length < bytes; i++) csv += `${prefix}-${i},Item number ${i},1.00,USD\n`;
  return csv;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/**
 * An upload sent the way a slow client sends it: the headers and the first part now, the rest
 * when `finish()` is called. Until then the request is in flight on the server.
 */
function slowUpload(server: TestServer, tenantId: string, csv: string) {
  const { head, tail } = multipart(csv);
  const req = request(`${server.url}/api/data-manager/upload`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TENANT_KEYS[tenantId]}`,
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      'content-length': String(Buffer.byteLength(head) + Buffer.byteLength(tail)),
    },
  });
  const response = new Promise<RawResponse>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
  req.write(head);
  return {
    response,
    finish: () => {
      req.end(tail);
      return response;
    },
  };
}

function uploadNow(server: TestServer, tenantId: string, csv: string): Promise<RawResponse> {
  return slowUpload(server, tenantId, csv).finish();
}

function expectRateLimited(response: { status: number; body: unknown }, retryAfter: string | null, limit: string) {
  expect(response.status).toBe(429);
  expect(response.body).toMatchObject({ success: false, error_code: 'RATE_LIMITED', details: { limit } });
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect((response.body as { details: { retry_after: number } }).details.retry_after).toBe(Number(retryAfter));
}

describe('running Data Manager batches per tenant and in total', () => {
  let server: TestServer;
  let uploadDir: string;
  beforeAll(async () => {
    uploadDir = mkdtempSync(join(tmpdir(), 'pos-limits-uploads-'));
    server = await startTestServer({
      limits: { batchesPerTenant: 2, batchesTotal: 3, uploadBytesPerTenant: 256 * 1024 },
      dataManager: { uploadDir, maxUploadBytes: 1024 * 1024 },
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(uploadDir, { recursive: true, force: true });
  });

  it('refuses a tenant’s third batch and the server’s fourth with 429 and Retry-After, creating nothing', async () => {
    // Two uploads of tenant A in flight: their files are still arriving.
    const first = slowUpload(server, 'tenant-a', productsCsv('A1', 3));
    const second = slowUpload(server, 'tenant-a', productsCsv('A2', 3));
    await expect.poll(() => readdirSync(uploadDir).length).toBe(2);
    const before = snapshot(server.storage);

    const seed = await server.as('tenant-a')('POST', '/api/data-manager/seed', {
      body: { entity_type: 'products', count: 5 },
    });
    expectRateLimited(seed, seed.headers.get('retry-after'), 'batches_per_tenant');
    expect(seed.body.message).toContain('already has 2 Data Manager batches running');

    // A third upload of tenant A is read and thrown away: no spool file, no batch.
    const third = await uploadNow(server, 'tenant-a', productsCsv('A3', 3));
    expectRateLimited(third, third.headers['retry-after'] as string, 'batches_per_tenant');
    expect(readdirSync(uploadDir)).toHaveLength(2);

    // Tenant B still gets the server's third slot…
    const other = slowUpload(server, 'tenant-b', productsCsv('B1', 3));
    await expect.poll(() => readdirSync(uploadDir).length).toBe(3);
    // …and then the server is full for everyone.
    const fourth = await server.as('tenant-c')('POST', '/api/data-manager/seed', {
      body: { entity_type: 'products', count: 5 },
    });
    expectRateLimited(fourth, fourth.headers.get('retry-after'), 'batches_total');
    expect(snapshot(server.storage)).toEqual(before);

    // Once the uploads finish, their slots are free again.
    expect((await first.finish()).status).toBe(201);
    expect((await second.finish()).status).toBe(201);
    expect((await other.finish()).status).toBe(201);
    const again = await server.as('tenant-a')('POST', '/api/data-manager/seed', {
      body: { entity_type: 'products', count: 5 },
    });
    expect(again.status).toBe(201);
    expect(snapshot(server.storage)).toMatchObject({ batches: before.batches + 4, products: 3 + 3 + 3 + 5 });
  });

  it('caps the upload bytes a tenant has in flight; one upload over the cap is too large', async () => {
    const big = slowUpload(server, 'tenant-a', productsCsv('BIG', 10, 150 * 1024));
    await expect.poll(() => readdirSync(uploadDir).length).toBe(1);
    const before = snapshot(server.storage);

    const more = await uploadNow(server, 'tenant-a', productsCsv('MORE', 10, 150 * 1024));
    expectRateLimited(more, more.headers['retry-after'] as string, 'upload_bytes_per_tenant');
    expect(readdirSync(uploadDir)).toHaveLength(1);
    // A small one still fits beside it, and another tenant is not affected.
    expect((await uploadNow(server, 'tenant-a', productsCsv('SMALL', 2))).status).toBe(201);
    expect((await uploadNow(server, 'tenant-b', productsCsv('MORE', 10, 150 * 1024))).status).toBe(201);

    const tooLarge = await uploadNow(server, 'tenant-c', productsCsv('HUGE', 10, 300 * 1024));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({ error_code: 'PAYLOAD_TOO_LARGE', details: { max_bytes: 256 * 1024 } });

    expect(snapshot(server.storage).batches).toBe(before.batches + 2);
    expect((await big.finish()).status).toBe(201);
    // Each spool file goes once its batch has ended, which can be just after the answer.
    await expect.poll(() => readdirSync(uploadDir).length).toBe(0);
  });
});

describe('open OAuth states per tenant', () => {
  let server: TestServer;
  const clock = new ManualClock();
  afterEach(() => server.close());

  it('refuses a tenant’s auth URL past the cap until one of its states expires or is used', async () => {
    const sim = stripeSimulation();
    mock.use(...sim.handlers);
    server = await startTestServer({
      clock,
      limits: { oauthStatesPerTenant: 3 },
      connectors: [
        stripe({ clientId: STRIPE_CLIENT_ID, secretKey: STRIPE_SECRET_KEY, redirectUri: STRIPE_REDIRECT_URI }),
      ],
    });
    const api = server.as('tenant-a');
    const started = [];
    for (let i = 0; i < 3; i++) {
      started.push(await api('POST', '/api/integrations/stripe/auth-url'));
      clock.advance(60_000);
    }
    expect(started.map((response) => response.status)).toEqual([200, 200, 200]);
    const before = snapshot(server.storage);

    const refused = await api('POST', '/api/integrations/stripe/auth-url');
    // The first state was issued three minutes ago and lives ten: it expires in seven.
    expectRateLimited(refused, refused.headers.get('retry-after'), 'oauth_states_per_tenant');
    expect(refused.headers.get('retry-after')).toBe('420');
    expect(snapshot(server.storage)).toEqual(before);
    expect((await server.as('tenant-b')('POST', '/api/integrations/stripe/auth-url')).status).toBe(200);

    // Using a state frees its place.
    const back = sim.approve(started[1]?.body.auth_url as string);
    const used = await server.anonymous('GET', `/api/integrations/stripe/callback${back.search}`, {
      headers: { cookie: cookiesOf(started[1] as { headers: Headers }) },
    });
    expect(used.headers.get('location')).toContain('status=connected');
    expect((await api('POST', '/api/integrations/stripe/auth-url')).status).toBe(200);
    expect((await api('POST', '/api/integrations/stripe/auth-url')).status).toBe(429);
    // So does the first one expiring.
    clock.advance(7 * 60_000);
    expect((await api('POST', '/api/integrations/stripe/auth-url')).status).toBe(200);

    // A burst of requests from another tenant gets exactly the cap.
    const burst = await Promise.all(
      Array.from({ length: 6 }, () => server.as('tenant-c')('POST', '/api/integrations/stripe/auth-url')),
    );
    expect(burst.map((response) => response.status).sort()).toEqual([200, 200, 200, 429, 429, 429]);
  });
});

describe('checkout session requests per tenant', () => {
  it('refuses requests over the per-minute rate with Retry-After, creating no payment', async () => {
    const clock = new ManualClock();
    const server = await startPaymentsServer(mock, { clock, limits: { checkoutsPerMinute: 2 } });
    try {
      await server.connect('tenant-a');
      await server.connect('tenant-b', 'acct_1OtherShop0000777');
      const checkout = (tenantId: string, orderId: string) =>
        server.as(tenantId)('POST', '/api/payments/checkout-session', {
          body: { order_id: orderId, amount: 1250, currency: 'usd' },
        });
      expect((await checkout('tenant-a', 'A-1')).status).toBe(200);
      expect((await checkout('tenant-a', 'A-2')).status).toBe(200);
      const payments = () => server.storage.database.prepare('select order_id from payments order by order_id').all();
      const before = payments();

      const refused = await checkout('tenant-a', 'A-3');
      expectRateLimited(refused, refused.headers.get('retry-after'), 'checkouts_per_minute');
      // Two a minute: one more every thirty seconds.
      expect(refused.headers.get('retry-after')).toBe('30');
      expect(payments()).toEqual(before);
      expect(server.sim.calls.sessionsCreated).toBe(2);
      expect((await checkout('tenant-b', 'B-1')).status).toBe(200);

      clock.advance(30_000);
      expect((await checkout('tenant-a', 'A-3')).status).toBe(200);
      expect((await checkout('tenant-a', 'A-4')).status).toBe(429);
    } finally {
      await server.close();
    }
  });
});
