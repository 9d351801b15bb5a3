import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunked, type DataManagerHarness, startDataManager } from './data-manager-harness.js';
import { hub, MemoryTarget } from './memory-sync-target.js';

describe('Data Manager and the sync outbox', () => {
  let dm: DataManagerHarness;
  let target: MemoryTarget;
  beforeEach(async () => {
    target = new MemoryTarget();
    dm = await startDataManager({ connectors: [hub(target)] });
    await dm.integrations.connect('tenant-a', 'hub', { url: 'https://hub.example' });
  });
  afterEach(() => dm.close());

  const upload = async (tenantId: string, text: string, entityType = 'products') =>
    (await dm.batches.upload(tenantId, { entityType, source: chunked(text) })).done;

  it('queues the rows a batch wrote in its own transaction, and their deletion with the purge', async () => {
    const batch = await upload('tenant-a', 'sku,name,price\nA-1,Apron,9.50\nB-2,Bib,4\n');
    expect(batch.status).toBe('completed');
    expect((await dm.integrations.sync.stats('tenant-a')).pending_queue_count).toBe(2);
    await dm.integrations.sync.flush('tenant-a');
    expect(target.rows('pos_products')).toEqual([
      expect.objectContaining({ tenant_id: 'tenant-a', sku: 'A-1', name: 'Apron', price: 950, batch_id: batch.id }),
      expect.objectContaining({ tenant_id: 'tenant-a', sku: 'B-2', price: 400, currency: 'USD' }),
    ]);
    expect(target.rows('pos_products')[0]).not.toHaveProperty('id');

    await dm.batches.purge('tenant-a', batch.id);
    expect((await dm.integrations.sync.stats('tenant-a')).pending_queue_count).toBe(2);
    await dm.integrations.sync.flush('tenant-a');
    expect(target.rows('pos_products')).toEqual([]);
  });

  it('sends a purge exactly its deletes: a row the purged batch only updated stays, here and there', async () => {
    const older = await upload('tenant-a', 'sku,name,price\nA-1,Apron,9.50\nC-3,Cap,2\n');
    const newer = await upload('tenant-a', 'sku,name,price\nA-1,Apron (new),12.00\nB-2,Bib,4\n');
    expect(newer).toMatchObject({ inserted_count: 1, updated_count: 1, unchanged_count: 0 });
    await dm.integrations.sync.flush('tenant-a');
    expect(target.rows('pos_products').find((row) => row.sku === 'A-1')).toMatchObject({ price: 1200 });

    await dm.batches.purge('tenant-a', newer.id);
    await dm.integrations.sync.flush('tenant-a');
    const local = dm.rows('products', { tenantId: 'tenant-a' }).map((row) => [row.sku, row.price]);
    expect(local).toEqual([
      ['A-1', 1200],
      ['C-3', 200],
    ]);
    expect(
      target
        .rows('pos_products')
        .map((row) => [row.sku, row.price, row.batch_id])
        .sort(),
    ).toEqual([
      ['A-1', 1200, older.id],
      ['C-3', 200, older.id],
    ]);
  });

  it('queues only the rows a re-import inserted or changed', async () => {
    await upload('tenant-a', 'sku,name,price\nA-1,Apron,9.50\nC-3,Cap,2\n');
    await dm.integrations.sync.flush('tenant-a');
    const queued = dm.count('sync_queue');
    const again = await upload('tenant-a', 'sku,name,price\nA-1,Apron,9.50\nC-3,Cap,2.50\nD-4,Dish,1\n');
    expect(again).toMatchObject({ inserted_count: 1, updated_count: 1, unchanged_count: 1 });
    expect(dm.count('sync_queue') - queued).toBe(2);
    await dm.integrations.sync.flush('tenant-a');
    expect(
      target
        .rows('pos_products')
        .map((row) => [row.sku, row.price])
        .sort(),
    ).toEqual([
      ['A-1', 950],
      ['C-3', 250],
      ['D-4', 100],
    ]);
  });

  it('queues customers by their id, and nothing for a failed batch or a tenant without a sync target', async () => {
    const customers = await upload('tenant-a', 'name,email\nAda,ada@example.com\n', 'customers');
    await dm.integrations.sync.flush('tenant-a');
    expect(target.rows('pos_customers')).toEqual([
      expect.objectContaining({ id: expect.any(String), name: 'Ada', batch_id: customers.id }),
    ]);
    expect((await upload('tenant-a', 'sku,name,price\nA-1,,x\n')).status).toBe('failed');
    expect((await upload('tenant-b', 'sku,name,price\nA-1,Apron,1\n')).status).toBe('completed');
    expect(dm.count('sync_queue')).toBe(1);
  });
});
