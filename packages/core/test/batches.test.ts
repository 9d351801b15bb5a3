import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStorage } from '@pos/storage-sqlite';
import { ManualClock, TEST_KEY_A } from '@pos/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntegrations, createKeyRing } from '../src/index.js';
import { chunked, type DataManagerHarness, startDataManager } from './data-manager-harness.js';

const T0 = '2026-03-01T12:00:00.000Z';

describe('seed', () => {
  let dm: DataManagerHarness;
  beforeEach(async () => {
    dm = await startDataManager();
  });
  afterEach(() => dm.close());

  it('writes 25 realistic rows by default, and the same rows again for the same seed', async () => {
    const first = await (await dm.batches.seed('tenant-a', { entityType: 'products', seed: 42 })).done;
    expect(first).toMatchObject({
      type: 'seed',
      status: 'completed',
      mode: 'upsert',
      record_count: 25,
      inserted_count: 25,
      updated_count: 0,
      unchanged_count: 0,
      processed_count: 25,
    });
    const rows = dm.rows('products', { batchId: first.id });
    // The same seed draws the same rows: seeding again finds every SKU unchanged.
    const again = await (await dm.batches.seed('tenant-a', { entityType: 'products', seed: 42 })).done;
    expect(again).toMatchObject({ record_count: 25, inserted_count: 0, updated_count: 0, unchanged_count: 25 });
    expect(dm.rows('products', { tenantId: 'tenant-a' })).toEqual(rows);
    const other = await (await dm.batches.seed('tenant-a', { entityType: 'products', seed: 43 })).done;
    expect(dm.rows('products', { batchId: other.id })).not.toEqual(rows);
    expect(new Set(rows.map((row) => row.sku)).size).toBe(25);
    for (const row of rows) {
      expect(row).toMatchObject({ currency: 'USD', price: expect.any(Number) });
      expect(row.name).toMatch(/\w+ \w+/);
      expect(row.price as number).toBeGreaterThan(0);
    }
    const customers = await (await dm.batches.seed('tenant-a', { entityType: 'customers', count: 300, seed: 7 })).done;
    expect(customers.record_count).toBe(300);
    expect(dm.rows('customers', { batchId: customers.id })[0]).toMatchObject({
      name: expect.stringMatching(/\w+ \w+/),
      email: expect.stringMatching(/@/),
      country: 'US',
    });
  });

  it('returns the first batch for a repeated idempotency key instead of writing the rows again', async () => {
    const first = await (
      await dm.batches.seed('tenant-a', { entityType: 'products', count: 5, idempotencyKey: 'seed-1' })
    ).done;
    const again = await (
      await dm.batches.seed('tenant-a', { entityType: 'products', count: 5, idempotencyKey: 'seed-1' })
    ).done;
    expect(again).toEqual(first);
    expect(dm.count('products')).toBe(5);
    await expect(
      dm.batches.seed('tenant-a', { entityType: 'customers', idempotencyKey: 'seed-1' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      dm.batches.seed('tenant-a', { entityType: 'products', idempotencyKey: 'a key' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const upload = () =>
      dm.batches
        .upload('tenant-a', {
          entityType: 'products',
          source: chunked('sku,name,price\nA,B,1\n'),
          idempotencyKey: 'up-1',
        })
        .then((run) => run.done);
    expect((await upload()).id).toBe((await upload()).id);
    expect(dm.count('products')).toBe(6);
  });

  it('refuses a count outside 1..100000, a bad seed and an unknown entity type, writing nothing', async () => {
    for (const options of [
      { entityType: 'products', count: 0 },
      { entityType: 'products', count: 100_001 },
      { entityType: 'products', count: 2.5 },
      { entityType: 'products', seed: -1 },
      { entityType: 'suppliers' },
    ]) {
      await expect(dm.batches.seed('tenant-a', options)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(dm.count('data_batches')).toBe(0);
  });
});

describe('export', () => {
  it('streams our own CSV, which uploads back to the same rows', async () => {
    const dm = await startDataManager();
    try {
      await (await dm.batches.seed('tenant-a', { entityType: 'products', count: 1200, seed: 3 })).done;
      const tricky = await dm.batches.upload('tenant-a', {
        entityType: 'products',
        source: chunked('sku,name,price,currency,description\n=SUM(A1),"Tricky, ""quoted""\nname",500,JPY,@home\n'),
      });
      expect(await tricky.done).toMatchObject({ status: 'completed' });
      await (await dm.batches.seed('tenant-b', { entityType: 'products', count: 5 })).done;
      let text = '';
      for await (const chunk of dm.batches.exportCsv('tenant-a', 'products').chunks) text += chunk;
      expect(text.startsWith('\uFEFFsku,name,price,currency,category,stock,barcode,description\r\n')).toBe(true);
      expect(text).toContain("'=SUM(A1)"); // formulas are defused for spreadsheets
      const back = await (await dm.batches.upload('tenant-c', { entityType: 'products', source: chunked(text, 1000) }))
        .done;
      expect(back).toMatchObject({ status: 'completed', record_count: 1201 });
      expect(dm.rows('products', { tenantId: 'tenant-c' })).toEqual(dm.rows('products', { tenantId: 'tenant-a' }));
    } finally {
      await dm.close();
    }
  });
});

describe('wiring', () => {
  it('offers the Data Manager only with a file database, and only in the export and full variants', async () => {
    const memory = createIntegrations({
      storage: await createSqliteStorage({ filename: ':memory:' }),
      cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
    });
    expect(memory.batches).toBeUndefined();
    expect(memory.capabilities().features.data_manager).toBe(false);
    await memory.close();

    const full = await startDataManager();
    expect(full.integrations.capabilities().features.data_manager).toBe(true);
    await full.close();
    const exporting = await startDataManager({ variant: 'export' });
    expect(exporting.integrations.capabilities().features).toMatchObject({ export: true, data_manager: false });
    await exporting.close();
    await expect(startDataManager({ variant: 'lite' })).rejects.toThrow('not available');
  });
});

/** A source that sends a header and one row, then waits until `release` is called. */
function stalledSource() {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  async function* source() {
    yield Buffer.from('sku,name,price\nA-1,Apron,9.50\n');
    await gate;
    yield Buffer.from('A-2,Bib,4.00\n');
  }
  return { source: source(), release };
}

describe('crash recovery', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pos-recovery-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fails a batch left processing by a dead process once its lease is over, exactly once across instances', async () => {
    const clock = new ManualClock(T0);
    const crashed = await startDataManager({ dir, clock, batches: { heartbeatMs: 60_000, leaseMs: 120_000 } });
    const stalled = stalledSource();
    const { batch } = await crashed.batches.upload('tenant-a', { entityType: 'products', source: stalled.source });
    expect(batch.status).toBe('processing');
    // `crashed` never reaches the end of its import: it stands for a process that died.

    const early = await startDataManager({ dir, clock: new ManualClock('2026-03-01T12:00:10.000Z') });
    expect(await early.batches.recover()).toEqual([]);
    await expect(early.batches.purge('tenant-a', batch.id)).rejects.toMatchObject({ code: 'CONFLICT', status: 409 });
    expect(await early.batches.get('tenant-a', batch.id)).toMatchObject({ status: 'processing' });

    const later = new ManualClock('2026-03-01T12:00:31.000Z');
    const first = await startDataManager({ dir, clock: later });
    const second = await startDataManager({ dir, clock: later });
    const recovered = await Promise.all([first.batches.recover(), second.batches.recover()]);
    expect(recovered.flat().map((item) => item.id)).toEqual([batch.id]);
    const failed = await first.batches.get('tenant-a', batch.id);
    expect(failed).toMatchObject({ status: 'failed', record_count: 0, completed_at: '2026-03-01T12:00:31.000Z' });
    expect(failed.error_message).toMatch(/stopped before it finished/);

    // The "dead" process wakes up and tries to finish: its commit is refused and nothing lands.
    stalled.release();
    const after = await (crashed.batches as unknown as { get: typeof crashed.batches.get }).get('tenant-a', batch.id);
    expect(after.status).toBe('failed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(first.count('products')).toBe(0);
    expect((await first.batches.get('tenant-a', batch.id)).error_message).toBe(failed.error_message);

    for (const harness of [crashed, early, first, second]) await harness.close();
  });

  it('recovers on its own before the first operation of a new instance', async () => {
    const crashed = await startDataManager({ dir, clock: new ManualClock(T0) });
    const { batch } = await crashed.batches.upload('tenant-a', {
      entityType: 'products',
      source: stalledSource().source,
    });
    const restarted = await startDataManager({ dir, clock: new ManualClock('2026-03-01T13:00:00.000Z') });
    expect((await restarted.batches.list('tenant-a'))[0]).toMatchObject({ id: batch.id, status: 'failed' });
    await restarted.close();
    await crashed.close();
  });

  it('fails its running batches when it closes, so nothing is left processing', async () => {
    const dm = await startDataManager({ dir });
    const { batch, done } = await dm.batches.upload('tenant-a', {
      entityType: 'products',
      source: stalledSource().source,
    });
    await dm.integrations.close();
    expect(await done).toMatchObject({ id: batch.id, status: 'failed' });
    expect((await done).error_message).toMatch(/server stopped/);
    rmSync(dir, { recursive: true, force: true });
  });
});
