import { readFileSync } from 'node:fs';
import type { SupabaseStack } from '@pos/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshot, type TestServer } from './harness.js';
import { startSupabaseServer } from './supabase-harness.js';

let stack: SupabaseStack;
let server: TestServer;
beforeAll(async () => {
  ({ stack, server } = await startSupabaseServer());
});
afterAll(async () => {
  await server?.close();
  await stack?.stop();
});

describe('the Supabase hub over HTTP', () => {
  it('connects, pushes queued changes on request, and reports true figures', async () => {
    const api = server.as('tenant-a');
    expect((await api('GET', '/api/capabilities')).body).toMatchObject({
      features: { supabase: true, sync: true, integrations: true },
    });
    expect((await api('GET', '/api/integrations')).body).toMatchObject({
      integrations: [{ id: 'supabase', kind: 'api_key', fields: expect.any(Array) }],
    });

    const before = snapshot(server.storage);
    const refused = await api('POST', '/api/integrations/supabase/credentials', {
      body: { project_url: stack.projectUrl, service_key: 'sb_secret_wrong-key-0123456789' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ success: false, error_code: 'SUPABASE_INVALID_CREDENTIALS' });
    const invalid = await api('POST', '/api/integrations/supabase/credentials', {
      body: { project_url: 'not a url', service_key: stack.secretKey },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ error_code: 'VALIDATION_FAILED' });
    const after = snapshot(server.storage);
    expect({ ...after, logs: before.logs }).toEqual(before);

    const notYet = await api('POST', '/api/integrations/supabase/sync');
    expect(notYet.status).toBe(409);
    expect(notYet.body).toMatchObject({ error_code: 'SUPABASE_NOT_CONNECTED' });

    const connected = await api('POST', '/api/integrations/supabase/credentials', {
      body: { project_url: stack.projectUrl, service_key: stack.secretKey },
    });
    expect(connected.status).toBe(200);
    expect(connected.body).toMatchObject({
      success: true,
      status: { connected: true, key_type: 'secret', project_url: stack.projectUrl },
    });
    expect((await api('POST', '/api/integrations/supabase/test')).body).toMatchObject({ success: true });

    expect(
      await server.integrations.sync.enqueueMany('tenant-a', 'products', 'upsert', [
        { sku: 'ESP', name: 'Espresso', price: 300, currency: 'EUR' },
        { sku: 'CAP', name: 'Cappuccino', price: 380, currency: 'EUR' },
      ]),
    ).toBe(2);
    expect((await api('GET', '/api/integrations/supabase/summary')).body).toMatchObject({
      project_name: new URL(stack.projectUrl).host,
      tables: ['pos_products', 'pos_customers', 'pos_payments'],
      missing_tables: [],
      last_sync_at: null,
      pending_queue_count: 2,
    });

    const flushed = await api('POST', '/api/integrations/supabase/sync', { body: {} });
    expect(flushed.status).toBe(200);
    expect(flushed.body).toMatchObject({ success: true, delivered: 2, rejected: 0, pending_queue_count: 0 });
    expect(stack.rows('select tenant_id, sku, price from pos_products order by sku')).toEqual([
      { tenant_id: 'tenant-a', sku: 'CAP', price: 380 },
      { tenant_id: 'tenant-a', sku: 'ESP', price: 300 },
    ]);
    const summary = (await api('GET', '/api/integrations/supabase/summary')).body;
    expect(summary).toMatchObject({ pending_queue_count: 0, failed_queue_count: 0 });
    expect(summary.last_sync_at).toBe((flushed.body as { last_sync_at: string }).last_sync_at);

    const logs = (await api('GET', '/api/integrations/supabase/logs')).body as { logs: Array<{ event: string }> };
    expect(logs.logs.map((log) => log.event).slice(0, 3)).toEqual(['sync_completed', 'sync_started', 'tested']);

    // Tenants stay apart: tenant-b is not connected and sees none of tenant-a's queue.
    expect((await server.as('tenant-b')('POST', '/api/integrations/supabase/sync')).status).toBe(409);
    expect((await server.as('tenant-b')('GET', '/api/integrations/supabase/logs')).body).toEqual({
      logs: [],
      next_cursor: null,
    });

    const bad = await api('POST', '/api/integrations/supabase/sync', { body: { retry_failed: 'yes' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error_code: 'VALIDATION_FAILED' });

    // The key never comes back: not in a response, a log row or the database file.
    const everything = JSON.stringify([
      connected.body,
      summary,
      logs,
      (await api('GET', '/api/integrations/supabase/status')).body,
    ]);
    expect(everything).not.toContain(stack.secretKey);
    expect(JSON.stringify(server.storage.database.prepare('select * from integration_logs').all())).not.toContain(
      stack.secretKey,
    );
    expect(readFileSync(server.dbPath).toString('latin1')).not.toContain(stack.secretKey);

    expect((await api('DELETE', '/api/integrations/supabase/disconnect')).body).toMatchObject({ success: true });
    expect(await server.integrations.sync.enqueue('tenant-a', 'products', 'delete', { sku: 'ESP' })).toBe(false);
    expect((await api('POST', '/api/integrations/supabase/sync')).status).toBe(409);
  });
});

describe('Data Manager changes reach the Supabase project', () => {
  it('pushes seeded and uploaded products, and removes a purged batch’s rows', async () => {
    const api = server.as('tenant-c');
    await api('POST', '/api/integrations/supabase/credentials', {
      body: { project_url: stack.projectUrl, service_key: stack.secretKey },
    });

    const seeded = await api('POST', '/api/data-manager/seed', {
      body: { entity_type: 'products', count: 5, seed: 7 },
    });
    expect(seeded.status).toBe(201);
    const form = new FormData();
    form.append('entity_type', 'products');
    form.append(
      'file',
      new Blob(['sku,name,price,currency\nTEA-1,Green tea,2.50,EUR\nTEA-2,"Chai, spiced",3.10,EUR\n']),
      'teas.csv',
    );
    const uploaded = await fetch(`${server.url}/api/data-manager/upload`, {
      method: 'POST',
      headers: { authorization: 'Bearer key-tenant-c-0123456789abcdef' },
      body: form,
    });
    expect(uploaded.status).toBe(201);

    const firstPush = await api('POST', '/api/integrations/supabase/sync');
    expect(firstPush.body).toMatchObject({ success: true, delivered: 7, pending_queue_count: 0 });
    const remote = () =>
      stack.rows(`select sku, name, price from pos_products where tenant_id = 'tenant-c' order by sku`);
    expect(remote()).toHaveLength(7);
    expect(remote()).toEqual(
      expect.arrayContaining([
        { sku: 'TEA-1', name: 'Green tea', price: 250 },
        { sku: 'TEA-2', name: 'Chai, spiced', price: 310 },
      ]),
    );

    const purged = await api('DELETE', `/api/data-manager/batches/${(seeded.body as { id: string }).id}`);
    expect(purged.status).toBe(200);
    expect((await api('POST', '/api/integrations/supabase/sync')).body).toMatchObject({ success: true });
    expect(remote()).toEqual([
      { sku: 'TEA-1', name: 'Green tea', price: 250 },
      { sku: 'TEA-2', name: 'Chai, spiced', price: 310 },
    ]);
  });
});
