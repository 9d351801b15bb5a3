/**
 * A provider import reaches the merchant's Supabase project like an upload does: the rows it
 * inserts or changes are pushed, and the rows it removes (`remove_missing`) are deleted there too,
 * so the project equals the POS row for row (real PostgREST).
 */
import { type SupabaseStack, useProviderMock } from '@pos/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplePosWithCatalogue } from '../../../test/fixtures/example-catalogue.js';
import { EXAMPLE_POS_KEY, examplePosSimulation } from '../../../test/fixtures/example-pos-simulator.js';
import type { TestServer } from './harness.js';
import { startSupabaseServer } from './supabase-harness.js';

const TENANT = 'tenant-a';
const COLUMNS = 'sku, name, price, currency, stock, batch_id';
const mock = useProviderMock();
const sim = examplePosSimulation();

let stack: SupabaseStack;
let server: TestServer;
beforeAll(async () => {
  ({ stack, server } = await startSupabaseServer(
    [],
    [examplePosWithCatalogue({ retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 10 } })],
  ));
});
afterAll(async () => {
  await server?.close();
  await stack?.stop();
});

function both() {
  return {
    pos: server.storage.database
      .prepare(`select ${COLUMNS} from products where tenant_id = ? order by sku`)
      .all(TENANT),
    supabase: stack.rows(`select ${COLUMNS} from pos_products where tenant_id = '${TENANT}' order by sku collate "C"`),
  };
}

describe('a provider import and Supabase', () => {
  const api = () => server.as(TENANT);

  async function importProducts(body: Record<string, unknown> = {}) {
    const started = await api()<{ id: string }>('POST', '/api/data-manager/import-from/example', {
      body: { entity_type: 'products', ...body },
    });
    expect(started.status, started.text).toBe(202);
    for (;;) {
      const batch = await api()<{ status: string }>('GET', `/api/data-manager/batches/${started.body.id}`);
      if (batch.body.status !== 'processing') return batch.body;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it('pushes what an import writes, and deletes what it removes', async () => {
    mock.resetHandlers(...sim.handlers);
    for (let index = 1; index <= 40; index++) {
      sim.products.push({
        id: `prod_${index}`,
        sku: `EX-${String(index).padStart(3, '0')}`,
        name: `Example ${index}`,
        price_cents: 100 * index,
        currency: 'USD',
        stock: index % 2 ? index : null,
      });
    }
    const supabase = await api()('POST', '/api/integrations/supabase/credentials', {
      body: { project_url: stack.projectUrl, service_key: stack.secretKey },
    });
    expect(supabase.status, supabase.text).toBe(200);
    const example = await api()('POST', '/api/integrations/example/credentials', {
      body: { api_key: EXAMPLE_POS_KEY },
    });
    expect(example.status, example.text).toBe(200);

    expect(await importProducts()).toMatchObject({ status: 'completed', inserted_count: 40 });
    expect((await api()('POST', '/api/integrations/supabase/sync')).body).toMatchObject({
      success: true,
      delivered: 40,
    });
    expect(both().supabase).toEqual(both().pos);

    // Two price changes and two deletions at the provider; the deletions are removed on request.
    (sim.products[0] as { price_cents: number }).price_cents = 999;
    (sim.products[1] as { price_cents: number }).price_cents = 1999;
    sim.products.splice(10, 2);
    expect(await importProducts({ remove_missing: true })).toMatchObject({
      status: 'completed',
      updated_count: 2,
      unchanged_count: 36,
      missing_count: 2,
      remove_missing: true,
    });
    expect((await api()('POST', '/api/integrations/supabase/sync')).body).toMatchObject({
      success: true,
      delivered: 4,
    });
    const { pos, supabase: remote } = both();
    expect(pos).toHaveLength(38);
    expect(remote).toEqual(pos);
  });
});
