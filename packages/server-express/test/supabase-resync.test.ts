import type { SupabaseStack } from '@pos/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './harness.js';
import { outageSwitch, startSupabaseServer } from './supabase-harness.js';

const PRODUCTS = 1_200; // more than one page of the local table
const CUSTOMERS = 7;
const TENANT = 'tenant-a';
const PRODUCT_COLUMNS = 'sku, name, price, currency, category, stock, barcode, description, batch_id';
const CUSTOMER_COLUMNS = 'name, email, phone, company, address_line1, city, region, postal_code, country, batch_id';

let stack: SupabaseStack;
let server: TestServer;
let relay: Awaited<ReturnType<typeof outageSwitch>>;
/** The project URL the merchant connects: the project behind a relay that can go down. */
let projectUrl: string;
beforeAll(async () => {
  relay = await outageSwitch();
  ({ stack, server } = await startSupabaseServer([relay.host]));
  relay.target = Number(new URL(stack.projectUrl).port);
  projectUrl = `http://${relay.host}`;
});
afterAll(async () => {
  await server?.close();
  await relay?.down();
  await stack?.stop();
});

function local(query: string): Record<string, unknown>[] {
  return server.storage.database.prepare(query).all(TENANT) as Record<string, unknown>[];
}

/** The POS's rows and the Supabase project's rows of the tenant, in one comparable shape. */
function both() {
  return {
    pos: {
      products: local(`select ${PRODUCT_COLUMNS} from products where tenant_id = ? order by sku`),
      customers: local(
        `select customer_id as id, ${CUSTOMER_COLUMNS} from customers where tenant_id = ? order by customer_id`,
      ),
      payments: server.storage.database
        .prepare('select order_id, id, amount, currency, status from payments where tenant_id = ? order by order_id')
        .all(TENANT),
    },
    supabase: {
      products: stack.rows(
        `select ${PRODUCT_COLUMNS} from pos_products where tenant_id = '${TENANT}' order by sku collate "C"`,
      ),
      customers: stack.rows(
        `select id, ${CUSTOMER_COLUMNS} from pos_customers where tenant_id = '${TENANT}' order by id collate "C"`,
      ),
      payments: stack.rows(
        `select order_id, id, amount, currency, status from pos_payments where tenant_id = '${TENANT}' order by order_id`,
      ),
    },
  };
}

describe('Supabase holds everything the POS holds', () => {
  const api = () => server.as(TENANT);
  let lastSyncAt: string;

  it('queues every existing row when Supabase is connected after the data, and a flush makes them equal', async () => {
    for (const [entity_type, count] of [
      ['products', PRODUCTS],
      ['customers', CUSTOMERS],
    ] as const) {
      const seeded = await api()('POST', '/api/data-manager/seed', { body: { entity_type, count, seed: 3 } });
      expect(seeded.status).toBe(201);
    }
    const now = new Date().toISOString();
    await server.storage.payments.insert({
      id: 'pay_1',
      tenantId: TENANT,
      orderId: 'order-1001',
      provider: 'stripe',
      providerRef: 'cs_test_1',
      providerAccount: null,
      checkoutUrl: null,
      amount: 1250,
      currency: 'eur',
      status: 'paid',
      sessionStatus: 'complete',
      attempt: 1,
      expiresAt: null,
      events: [],
      needsReview: false,
      claimUntil: null,
      claimToken: null,
      lastErrorCode: null,
      paymentRef: null,
      refundedAmount: 0,
      dispute: null,
      createdAt: now,
    });

    const notConnected = await api()('POST', '/api/integrations/supabase/resync');
    expect(notConnected.status).toBe(409);
    expect(notConnected.body).toMatchObject({ success: false, error_code: 'SUPABASE_NOT_CONNECTED' });

    const connected = await api()('POST', '/api/integrations/supabase/credentials', {
      body: { project_url: projectUrl, service_key: stack.secretKey },
    });
    expect(connected.status).toBe(200);
    const total = PRODUCTS + CUSTOMERS + 1;
    const summary = await api()('GET', '/api/integrations/supabase/summary');
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({ reachable: true, pending_queue_count: total, last_sync_at: null });
    const logs = (await api()('GET', '/api/integrations/supabase/logs')).body as { logs: Array<{ event: string }> };
    expect(logs.logs[0]).toMatchObject({ event: 'resync_queued' });

    const flushed = await api()('POST', '/api/integrations/supabase/sync');
    expect(flushed.body).toMatchObject({ success: true, delivered: total, pending_queue_count: 0 });
    lastSyncAt = (flushed.body as { last_sync_at: string }).last_sync_at;
    const { pos, supabase: remote } = both();
    expect(pos.products).toHaveLength(PRODUCTS);
    expect(pos.customers).toHaveLength(CUSTOMERS);
    expect(remote).toEqual(pos);
  });

  it('pushes everything again after the remote tables were emptied', async () => {
    stack.sql(`delete from pos_products where tenant_id = '${TENANT}'; delete from pos_customers;`);
    // The outbox has nothing left: a plain sync cannot repair the project.
    expect((await api()('POST', '/api/integrations/supabase/sync')).body).toMatchObject({ delivered: 0 });
    expect(both().supabase.products).toEqual([]);

    const resync = await api()('POST', '/api/integrations/supabase/resync');
    expect(resync.status).toBe(202);
    expect(resync.body).toMatchObject({
      success: true,
      queued: PRODUCTS + CUSTOMERS + 1,
      entities: { products: PRODUCTS, customers: CUSTOMERS, payments: 1 },
      pending_queue_count: PRODUCTS + CUSTOMERS + 1,
    });
    expect((await api()('GET', '/api/integrations/supabase/summary')).body).toMatchObject({
      pending_queue_count: PRODUCTS + CUSTOMERS + 1,
    });
    expect((await api()('POST', '/api/integrations/supabase/sync')).body).toMatchObject({
      success: true,
      pending_queue_count: 0,
    });
    const { pos, supabase: remote } = both();
    expect(remote).toEqual(pos);
  });

  it('refuses a resync with a body, or for another tenant that has not connected, and changes nothing', async () => {
    const bad = await api()('POST', '/api/integrations/supabase/resync', { body: { everything: true } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, error_code: 'VALIDATION_FAILED' });
    const other = await server.as('tenant-b')('POST', '/api/integrations/supabase/resync');
    expect(other.status).toBe(409);
    expect((await api()('GET', '/api/integrations/supabase/summary')).body).toMatchObject({ pending_queue_count: 0 });
  });

  it('answers the summary from the POS while Supabase is down, and catches up after', async () => {
    expect((await api()('POST', '/api/integrations/supabase/resync')).status).toBe(202);
    stack.sql(`delete from pos_products where tenant_id = '${TENANT}'`);
    await relay.down();
    const summary = await api()('GET', '/api/integrations/supabase/summary');
    expect(summary.status).toBe(200);
    expect(summary.body).toEqual({
      reachable: false,
      error_code: 'PROVIDER_UNAVAILABLE',
      pending_queue_count: PRODUCTS + CUSTOMERS + 1,
      failed_queue_count: 0,
      last_sync_at: expect.any(String),
      project_url: projectUrl,
      project_ref: null,
      project_name: relay.host,
      key_type: 'secret',
      service_key_masked: expect.any(String),
    });
    expect((summary.body as { last_sync_at: string }).last_sync_at >= lastSyncAt).toBe(true);
    expect(JSON.stringify(summary.body)).not.toContain(stack.secretKey);
    // The push itself still fails honestly, and keeps every row queued.
    const flush = await api()('POST', '/api/integrations/supabase/sync');
    expect(flush.status).toBe(502);
    expect((await api()('GET', '/api/integrations/supabase/summary')).body).toMatchObject({
      reachable: false,
      pending_queue_count: PRODUCTS + CUSTOMERS + 1,
    });

    await relay.up();
    expect((await api()('POST', '/api/integrations/supabase/sync')).body).toMatchObject({
      success: true,
      pending_queue_count: 0,
    });
    expect((await api()('GET', '/api/integrations/supabase/summary')).body).toMatchObject({ reachable: true });
    const { pos, supabase: remote } = both();
    expect(remote).toEqual(pos);
  });

  it('receives exactly what re-imports and a purge of overlapping batches change', async () => {
    const upload = async (csv: string, entity_type = 'products') => {
      const form = new FormData();
      form.append('file', new Blob([csv], { type: 'text/csv' }), 'file.csv');
      form.append('entity_type', entity_type);
      const response = await api()<{ id: string }>('POST', '/api/data-manager/upload', { form });
      expect(response.status).toBe(201);
      return response.body;
    };
    const older = await upload(
      'sku,name,price\nOV-1,Overlap one,1.00\nOV-2,Overlap two,2.00\nOV-3,Overlap three,3.00\n',
    );
    // A later file holds OV-2 unchanged, reprices OV-3 and adds OV-4.
    await upload('sku,name,price\nOV-2,Overlap two,2.00\nOV-3,Overlap three,3.50\nOV-4,Overlap four,4.00\n');
    // Customers: one by e-mail without an id, which lands on the customer with that e-mail.
    const [customer] = local('select customer_id, email from customers where tenant_id = ? order by id limit 1');
    await upload(`name,email\nRenamed by e-mail,${String(customer?.email).toUpperCase()}\n`, 'customers');
    expect((await api()('POST', '/api/integrations/supabase/sync')).body).toMatchObject({ pending_queue_count: 0 });
    expect(both().supabase).toEqual(both().pos);

    const preview = await api()('GET', `/api/data-manager/batches/${older.id}/purge-preview`);
    expect(preview.body).toMatchObject({ removes: 1, keeps: 2 });
    expect((await api()('DELETE', `/api/data-manager/batches/${older.id}`)).status).toBe(200);
    // One delete (OV-1) and the two rows the later batch now owns (their batch_id changes).
    expect((await api()('GET', '/api/integrations/supabase/summary')).body).toMatchObject({ pending_queue_count: 3 });
    expect((await api()('POST', '/api/integrations/supabase/sync')).body).toMatchObject({ pending_queue_count: 0 });
    const { pos, supabase: remote } = both();
    expect(pos.products.filter((row) => String(row.sku).startsWith('OV-')).map((row) => [row.sku, row.price])).toEqual([
      ['OV-2', 200],
      ['OV-3', 350],
      ['OV-4', 400],
    ]);
    expect(pos.customers.filter((row) => row.name === 'Renamed by e-mail')).toHaveLength(1);
    expect(remote).toEqual(pos);
  });
});
