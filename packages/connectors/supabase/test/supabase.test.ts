import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createIntegrations,
  createKeyRing,
  type Integrations,
  silentLogger,
  systemClock,
} from '@pos/integrations-core';
import { createOutboundGuard, type JsonObject } from '@pos/integrations-core/connector';
import { createSqliteStorage } from '@pos/storage-sqlite';
import { type SupabaseStack, startSupabaseStack, TEST_KEY_A, useProviderMock } from '@pos/test-support';
import { delay, HttpResponse, http, passthrough } from 'msw';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deleteFilters, supabase, supabaseCredentialsSchema } from '../src/index.js';

const SETUP_SQL = readFileSync(new URL('../sql/setup.sql', import.meta.url), 'utf8');
// Not part of the setup: a second unique key, so a test can make Postgres refuse a row (23505).
const TEST_SQL = 'create unique index pos_products_barcode on public.pos_products (tenant_id, barcode);';
const fastRetry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 50 };
// The local stack is on loopback: allowed explicitly, as a host would for a local project.
const stackHost = () => [new URL(stack.projectUrl).host];
const context = {
  tenantId: 'tenant-a',
  clock: systemClock,
  logger: silentLogger,
  outbound: createOutboundGuard({ allowedPrivateHosts: stackHost }),
};

const mock = useProviderMock();
let stack: SupabaseStack;
beforeAll(async () => {
  stack = await startSupabaseStack({ setupSql: `${SETUP_SQL}\n${TEST_SQL}` });
});
afterAll(() => stack?.stop());

const product = (sku: string, extra: JsonObject = {}) => ({
  sku,
  name: `Product ${sku}`,
  price: 450,
  currency: 'USD',
  ...extra,
});

describe('connecting', () => {
  it('accepts a secret key, sending it as apikey only, and keeps only the key secret', async () => {
    const seen = stack.requests.length;
    const input = supabaseCredentialsSchema.parse({
      project_url: ` ${stack.projectUrl}/rest/v1/ `,
      service_key: stack.secretKey,
      access_token: '',
    });
    const result = await supabase({ retry: fastRetry }).verify(input, context);
    expect(result.secret).toEqual({ service_key: stack.secretKey });
    expect(result.publicData).toMatchObject({
      project_url: stack.projectUrl,
      project_ref: null,
      project_name: new URL(stack.projectUrl).host,
      key_type: 'secret',
      service_key_masked: `sb_secret_...${stack.secretKey.slice(-4)}`,
    });
    expect(JSON.stringify(result.publicData)).not.toContain(stack.secretKey);
    expect(stack.requests.slice(seen)).toEqual([
      expect.objectContaining({ method: 'GET', path: '/rest/v1/', apikey: stack.secretKey, authorization: null }),
    ]);
  });

  it('accepts the legacy service_role key, sent as apikey and Bearer token', async () => {
    const seen = stack.requests.length;
    const result = await supabase().verify(
      { project_url: stack.projectUrl, service_key: stack.serviceRoleKey },
      context,
    );
    expect(result.publicData.key_type).toBe('service_role');
    expect(stack.requests.slice(seen)).toEqual([
      expect.objectContaining({ apikey: stack.serviceRoleKey, authorization: `Bearer ${stack.serviceRoleKey}` }),
    ]);
  });

  it('refuses keys Supabase rejects, and low-privilege keys before calling anyone', async () => {
    const connector = supabase({ retry: fastRetry });
    await expect(
      connector.verify({ project_url: stack.projectUrl, service_key: 'sb_secret_not-a-real-key-000000' }, context),
    ).rejects.toMatchObject({
      code: 'SUPABASE_INVALID_CREDENTIALS',
      status: 400,
      message: expect.stringContaining('Invalid API key'),
    });
    await expect(
      connector.verify({ project_url: `${stack.projectUrl}/elsewhere`, service_key: stack.secretKey }, context),
    ).rejects.toMatchObject({ code: 'SUPABASE_INVALID_CREDENTIALS', message: expect.stringContaining('HTTP 404') });

    const seen = stack.requests.length;
    for (const key of [stack.publishableKey, stack.anonKey]) {
      await expect(
        connector.verify({ project_url: stack.projectUrl, service_key: key }, context),
      ).rejects.toMatchObject({
        code: 'SUPABASE_INVALID_CREDENTIALS',
        message: expect.stringMatching(/publishable key|anon key/),
      });
    }
    expect(stack.requests.length).toBe(seen);
  });

  it('sees the gateway refuse what the connector never sends: a secret key as a Bearer token', async () => {
    const response = await fetch(`${stack.projectUrl}/rest/v1/`, {
      headers: { apikey: stack.secretKey, authorization: `Bearer ${stack.secretKey}` },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'PGRST301' });
  });

  it('summarises the project from the live schema, naming missing tables', async () => {
    const credentials = {
      secret: { service_key: stack.secretKey },
      publicData: {
        project_url: stack.projectUrl,
        project_ref: null,
        project_name: 'local',
        key_type: 'secret' as const,
        service_key_masked: 'sb_secret_...',
        access_token_masked: null,
      },
    };
    const connector = supabase({ tables: { orders: { table: 'pos_orders', key: ['order_id'] } } });
    expect(await connector.summary(credentials, context)).toEqual({
      project_name: new URL(stack.projectUrl).host,
      project_ref: null,
      project_url: stack.projectUrl,
      region: null,
      project_status: null,
      postgrest_version: expect.stringMatching(/^12\.0\.2/),
      tables: ['pos_products', 'pos_customers', 'pos_payments'],
      missing_tables: ['pos_orders'],
    });
    expect((await connector.test(credentials, context)).message).toContain('Missing tables: pos_orders');
  });

  it('reads the project name from the Management API with a personal access token', async () => {
    const ref = 'abcdefghijklmnopqrst';
    const token = 'sbp_0123456789abcdef0123456789abcdef01234567';
    let authorization: string | null = null;
    mock.use(
      // The hosted project's REST API is this machine's real PostgREST behind the gateway.
      http.get(`https://${ref}.supabase.co/rest/v1/`, ({ request }) =>
        fetch(`${stack.projectUrl}/rest/v1/`, { headers: request.headers }),
      ),
      http.get(`https://api.supabase.com/v1/projects/${ref}`, ({ request }) => {
        authorization = request.headers.get('authorization');
        return request.headers.get('authorization') === `Bearer ${token}`
          ? HttpResponse.json({
              id: ref,
              organization_id: 'org-1',
              name: 'Corner Shop Hub',
              region: 'eu-west-2',
              status: 'ACTIVE_HEALTHY',
              created_at: '2025-01-01T00:00:00Z',
            })
          : HttpResponse.json({ message: 'Unauthorized' }, { status: 401 });
      }),
    );
    const connector = supabase({ retry: fastRetry });
    const result = await connector.verify(
      { project_url: `https://${ref}.supabase.co`, service_key: stack.secretKey, access_token: token },
      context,
    );
    expect(authorization).toBe(`Bearer ${token}`);
    expect(result.secret).toEqual({ service_key: stack.secretKey, access_token: token });
    expect(result.publicData).toMatchObject({ project_ref: ref, project_name: 'Corner Shop Hub' });
    expect(await connector.summary(result, context)).toMatchObject({
      project_name: 'Corner Shop Hub',
      region: 'eu-west-2',
      project_status: 'ACTIVE_HEALTHY',
    });
    await expect(
      connector.verify(
        {
          project_url: `https://${ref}.supabase.co`,
          service_key: stack.secretKey,
          access_token: 'sbp_wrong_token_000000000000',
        },
        context,
      ),
    ).rejects.toMatchObject({ code: 'SUPABASE_INVALID_CREDENTIALS', message: expect.stringContaining('access token') });
    await expect(
      connector.verify({ project_url: stack.projectUrl, service_key: stack.secretKey, access_token: token }, context),
    ).rejects.toMatchObject({ code: 'SUPABASE_INVALID_CREDENTIALS' });
  });
});

describe('syncing to a real PostgREST', () => {
  let dir: string;
  let integrations: Integrations;
  const tenant = 'tenant-a';

  function create(filename: string, options: { timeoutMs?: number; retryAttempts?: number } = {}) {
    return createSqliteStorage({ filename }).then((storage) =>
      createIntegrations({
        storage,
        cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
        connectors: [
          supabase({
            retry: fastRetry,
            timeoutMs: options.timeoutMs ?? 5_000,
            tables: { orders: { table: 'pos_orders', key: ['order_id'] } },
          }),
        ],
        sync: { retry: { attempts: options.retryAttempts ?? 3, baseDelayMs: 1, maxDelayMs: 50 } },
        outbound: { allowedPrivateHosts: stackHost },
      }),
    );
  }

  beforeEach(async () => {
    stack.sql('truncate pos_products, pos_customers, pos_payments');
    dir = mkdtempSync(join(tmpdir(), 'pos-supabase-'));
    integrations = await create(join(dir, 'pos.db'));
    await integrations.connect(tenant, 'supabase', { project_url: stack.projectUrl, service_key: stack.secretKey });
  });
  afterEach(async () => {
    await integrations.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const products = () => stack.rows('select * from pos_products order by sku');
  const failures = async () => (await integrations.logs(tenant, 'supabase', { event: 'sync_failed' })).logs;

  it('lands rows, merges updates and deletes deletes, with the figures true', async () => {
    await integrations.sync.enqueue(tenant, 'products', 'upsert', product('LATTE', { stock: 12, barcode: '100' }));
    await integrations.sync.enqueue(tenant, 'products', 'upsert', product('MOCHA', { barcode: '200' }));
    await integrations.sync.enqueue(tenant, 'customers', 'upsert', { id: 7, name: 'Ada', email: 'ada@example.com' });
    await integrations.sync.enqueue(tenant, 'payments', 'upsert', {
      order_id: 'order-1',
      id: 'pay_1',
      provider: 'stripe',
      amount: 1299,
      currency: 'usd',
      status: 'paid',
      created_at: '2026-03-01T12:00:00.000Z',
    });
    expect((await integrations.summary(tenant, 'supabase')).pending_queue_count).toBe(4);

    const first = await integrations.sync.flush(tenant);
    expect(first).toMatchObject({ success: true, delivered: 4, rejected: 0, pending_queue_count: 0 });
    expect(products()).toEqual([
      expect.objectContaining({ tenant_id: tenant, sku: 'LATTE', name: 'Product LATTE', price: 450, stock: 12 }),
      expect.objectContaining({ tenant_id: tenant, sku: 'MOCHA', stock: null }),
    ]);
    expect(stack.rows('select tenant_id, id, name from pos_customers')).toEqual([
      { tenant_id: tenant, id: '7', name: 'Ada' },
    ]);
    expect(stack.rows('select order_id, amount, status from pos_payments')).toEqual([
      { order_id: 'order-1', amount: 1299, status: 'paid' },
    ]);

    // An update without `stock` merges: the stored stock stays. A delete removes the row.
    await integrations.sync.enqueue(tenant, 'products', 'upsert', product('LATTE', { price: 475, name: 'Oat latte' }));
    await integrations.sync.enqueue(tenant, 'products', 'delete', { sku: 'MOCHA' });
    const second = await integrations.sync.flush(tenant);
    expect(second).toMatchObject({ delivered: 2, pending_queue_count: 0 });
    expect(products()).toEqual([
      expect.objectContaining({ sku: 'LATTE', name: 'Oat latte', price: 475, stock: 12, barcode: '100' }),
    ]);
    const summary = await integrations.summary(tenant, 'supabase');
    expect(summary).toMatchObject({ pending_queue_count: 0, failed_queue_count: 0, last_sync_at: second.last_sync_at });
    expect(Date.parse(summary.last_sync_at as string)).toBeGreaterThanOrEqual(Date.parse(first.last_sync_at as string));

    // Every sync request sent the secret key as apikey only, with PostgREST's upsert preference.
    const writes = stack.requests.filter((request) => request.method !== 'GET');
    expect(writes.every((request) => request.apikey === stack.secretKey && request.authorization === null)).toBe(true);
    expect(writes.filter((request) => request.method === 'POST').map((request) => request.prefer)).toContain(
      'resolution=merge-duplicates,return=minimal',
    );
  });

  it('is idempotent: the same changes pushed twice leave the same rows', async () => {
    const rows = [product('A', { stock: 1 }), product('B', { stock: 2 })];
    await integrations.sync.enqueueMany(tenant, 'products', 'upsert', rows);
    await integrations.sync.flush(tenant);
    const once = products();
    await integrations.sync.enqueueMany(tenant, 'products', 'upsert', rows);
    await integrations.sync.enqueue(tenant, 'products', 'delete', { sku: 'GONE' });
    expect(await integrations.sync.flush(tenant)).toMatchObject({ delivered: 3, rejected: 0 });
    expect(products()).toEqual(once);
  });

  it('keeps keys with reserved characters intact, on upsert and on delete', async () => {
    const awkward = ['a,b', 'quote"d', 'paren(s)', 'back\\slash', 'dots.and:colons', 'café ☕', 'in.(x)'];
    await integrations.sync.enqueueMany(
      tenant,
      'products',
      'upsert',
      awkward.map((sku) => product(sku)),
    );
    await integrations.sync.enqueue(tenant, 'products', 'upsert', product('keep'));
    await integrations.sync.flush(tenant);
    expect(products().map((row) => row.sku)).toEqual([...awkward, 'keep'].sort());
    await integrations.sync.enqueueMany(
      tenant,
      'products',
      'delete',
      awkward.map((sku) => ({ sku })),
    );
    expect(await integrations.sync.flush(tenant)).toMatchObject({ delivered: awkward.length, rejected: 0 });
    expect(products().map((row) => row.sku)).toEqual(['keep']);
  });

  it('reports a 23505 on the offending rows only, and delivers the others', async () => {
    await integrations.sync.enqueueMany(
      tenant,
      'products',
      'upsert',
      Array.from({ length: 30 }, (_, index) => product(`P${index}`, { barcode: index === 17 ? '5' : `b${index}` })),
    );
    await integrations.sync.enqueue(tenant, 'products', 'upsert', product('DUP', { barcode: '5' }));
    const report = await integrations.sync.flush(tenant);
    expect(report).toMatchObject({ success: false, delivered: 30, rejected: 1, failed_queue_count: 1 });
    expect(products()).toHaveLength(30);
    const [failure] = await failures();
    expect(failure).toMatchObject({
      level: 'error',
      message: expect.stringContaining('duplicate key value violates unique constraint "pos_products_barcode" (23505)'),
      details: {
        error_code: 'SUPABASE_SYNC_REJECTED',
        entity: 'products',
        table: 'pos_products',
        count: 1,
        record_keys: ['DUP'],
        http_status: 409,
        provider_error: {
          code: '23505',
          details: 'Key (tenant_id, barcode)=(tenant-a, 5) already exists.',
        },
      },
    });
    expect((await integrations.summary(tenant, 'supabase')).failed_queue_count).toBe(1);
  });

  it('reports a missing table (42P01) and still delivers the other entities', async () => {
    await integrations.sync.enqueue(tenant, 'orders', 'upsert', { order_id: 'o-1', total: 990 });
    await integrations.sync.enqueue(tenant, 'orders', 'delete', { order_id: 'o-2' });
    await integrations.sync.enqueue(tenant, 'products', 'upsert', product('A'));
    expect(await integrations.sync.flush(tenant)).toMatchObject({ delivered: 1, rejected: 2, pending_queue_count: 0 });
    expect(products()).toHaveLength(1);
    const [failure] = await failures();
    expect(failure?.details).toMatchObject({
      entity: 'orders',
      table: 'pos_orders',
      count: 2,
      http_status: 404,
      provider_error: { code: '42P01', message: 'relation "public.pos_orders" does not exist' },
    });
  });

  it('sends chunks of at most 500 rows', async () => {
    const seen = stack.requests.length;
    await integrations.sync.enqueueMany(
      tenant,
      'products',
      'upsert',
      Array.from({ length: 1_201 }, (_, index) => product(`SKU-${String(index).padStart(4, '0')}`)),
    );
    expect(await integrations.sync.flush(tenant)).toMatchObject({ delivered: 1_201, pending_queue_count: 0 });
    expect(stack.sql('select count(*) from pos_products')).toBe('1201');
    expect(stack.requests.slice(seen).filter((request) => request.method === 'POST')).toHaveLength(3);
  });

  it('keeps each record’s changes in order while two servers enqueue and flush concurrently', async () => {
    const other = await create(join(dir, 'pos.db'));
    const servers = [integrations, other] as const;
    try {
      for (let version = 1; version <= 12; version += 1) {
        const writer = servers[version % 2] as Integrations;
        await writer.sync.enqueue(tenant, 'products', 'upsert', product('HOT', { stock: version }));
        await writer.sync.enqueue(tenant, 'products', 'upsert', product(`V${version}`));
        if (version % 4 === 0) await writer.sync.enqueue(tenant, 'products', 'delete', { sku: 'HOT' });
        const results = await Promise.allSettled(servers.map((server) => server.sync.flush(tenant)));
        for (const result of results) {
          if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'SYNC_IN_PROGRESS' });
        }
        expect(results.some((result) => result.status === 'fulfilled')).toBe(true);
        const hot = stack.rows<{ stock: number }>("select stock from pos_products where sku = 'HOT'");
        expect(hot).toEqual(version % 4 === 0 ? [] : [{ stock: version }]);
      }
      expect(products()).toHaveLength(12); // V1…V12; HOT was deleted last
      expect((await integrations.sync.stats(tenant)).pending_queue_count).toBe(0);
    } finally {
      await other.close();
    }
  });

  describe('when Supabase fails (failures injected with msw, the rest is the real server)', () => {
    const upsertUrl = () => `${stack.projectUrl}/rest/v1/pos_products`;

    function failFirst(count: number, answer: () => Response | Promise<Response>) {
      let calls = 0;
      mock.use(
        http.post(upsertUrl(), async () => {
          calls += 1;
          return calls <= count ? answer() : passthrough();
        }),
      );
      return () => calls;
    }

    it('retries a 500 and a 429 (honouring Retry-After), then delivers', async () => {
      const calls500 = failFirst(1, () => HttpResponse.json({ message: 'upstream error' }, { status: 500 }));
      await integrations.sync.enqueue(tenant, 'products', 'upsert', product('A'));
      expect(await integrations.sync.flush(tenant)).toMatchObject({ delivered: 1 });
      expect(calls500()).toBe(2);

      const calls429 = failFirst(2, () =>
        HttpResponse.json({ message: 'Too many requests' }, { status: 429, headers: { 'Retry-After': '0' } }),
      );
      await integrations.sync.enqueue(tenant, 'products', 'upsert', product('B'));
      expect(await integrations.sync.flush(tenant)).toMatchObject({ delivered: 1, pending_queue_count: 0 });
      expect(calls429()).toBe(3);
      expect(products().map((row) => row.sku)).toEqual(['A', 'B']);
    });

    it('retries a request that times out', async () => {
      await integrations.close();
      integrations = await create(join(dir, 'pos.db'), { timeoutMs: 150 });
      const calls = failFirst(1, async () => {
        await delay(1_000);
        return HttpResponse.json([]);
      });
      await integrations.sync.enqueue(tenant, 'products', 'upsert', product('SLOW'));
      expect(await integrations.sync.flush(tenant)).toMatchObject({ delivered: 1 });
      expect(calls()).toBe(2);
      expect(products().map((row) => row.sku)).toEqual(['SLOW']);
    });

    it('keeps the changes pending when Supabase stays down, and delivers them later', async () => {
      failFirst(3, () => HttpResponse.json({ message: 'unavailable' }, { status: 503 }));
      await integrations.sync.enqueue(tenant, 'products', 'upsert', product('LATER'));
      await expect(integrations.sync.flush(tenant)).rejects.toMatchObject({
        code: 'PROVIDER_UNAVAILABLE',
        message: expect.stringContaining('HTTP 503'),
        details: { pending_queue_count: 1 },
      });
      expect(products()).toEqual([]);
      const [failure] = await failures();
      expect(failure).toMatchObject({ details: { error_code: 'PROVIDER_UNAVAILABLE', pending_queue_count: 1 } });
      expect(await integrations.sync.flush(tenant)).toMatchObject({ delivered: 1, pending_queue_count: 0 });
      expect(products().map((row) => row.sku)).toEqual(['LATER']);
    });
  });
});

describe('the setup guide', () => {
  it('holds exactly the SQL the tests run', () => {
    const guide = readFileSync(new URL('../../../../docs/integrations/supabase-setup.md', import.meta.url), 'utf8');
    expect(guide).toContain(`\`\`\`sql\n${SETUP_SQL.trim()}\n\`\`\``);
  });
});

describe('credential input', () => {
  it('takes the project URL as pasted, and refuses what cannot be a project or a key', async () => {
    const parse = (input: Record<string, unknown>) => supabaseCredentialsSchema.safeParse(input);
    const key = 'sb_secret_0123456789abcdefghij';
    expect(parse({ project_url: 'https://abcd.supabase.co/rest/v1', service_key: key }).data?.project_url).toBe(
      'https://abcd.supabase.co',
    );
    // Plain http parses; the outbound guard refuses it unless the host is allowed (nothing is sent).
    const seen = stack.requests.length;
    for (const project_url of ['http://abcd.supabase.co', 'http://localhost:54321']) {
      const input = parse({ project_url, service_key: key });
      expect(input.success).toBe(true);
      await expect(supabase().verify(input.data as never, context)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        status: 400,
        message: expect.stringContaining('The project URL must use https://'),
      });
    }
    expect(stack.requests.length).toBe(seen);
    expect(parse({ project_url: 'ftp://abcd.supabase.co', service_key: key }).success).toBe(false);
    expect(
      parse({ project_url: 'https://abcd.supabase.co', service_key: 'not a key at all, with spaces' }).success,
    ).toBe(false);
    expect(parse({ project_url: 'https://abcd.supabase.co', service_key: 'abcdefghijklmnopqrstuvwxyz' }).success).toBe(
      false,
    );
    expect(parse({ project_url: 'https://abcd.supabase.co', service_key: key, extra: 1 }).success).toBe(false);
  });
});

describe('delete filters', () => {
  it('fixes the leading key columns and lists the last, splitting long lists', () => {
    const rows = Array.from({ length: 700 }, (_, index) => ({ tenant_id: 't', sku: `SKU-${index}-${'x'.repeat(20)}` }));
    const filters = deleteFilters(['tenant_id', 'sku'], rows);
    expect(filters.length).toBeGreaterThan(1);
    for (const filter of filters) {
      expect(filter.get('tenant_id')).toBe('eq.t');
      expect(filter.toString().length).toBeLessThan(8_000);
    }
    const listed = filters.flatMap((filter) => (filter.get('sku') ?? '').slice(4, -1).split('","'));
    expect(listed).toHaveLength(700);
  });
});
