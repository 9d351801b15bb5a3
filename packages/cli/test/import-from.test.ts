/**
 * `pos-integrations import-from`'s import against a real SQLite database and core's provider
 * import, with Example POS (docs/architecture.md's connector) offering a catalogue the test
 * controls: what it prints (the progress bar, the counts, the rows the provider no longer has,
 * the problems). What the command line refuses is in cli.test.ts, as a shell runs it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createIntegrations, createKeyRing, type Integrations } from '@pos/integrations-core';
import { createSqliteStorage } from '@pos/storage-sqlite';
import { TEST_KEY_A } from '@pos/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplePos } from '../../../test/fixtures/example-pos.js';
import { ExampleCatalogue, stockProducts } from '../../../test/fixtures/example-pos-catalogue.js';
import type { CommandContext } from '../src/command.js';
import { importCatalogue } from '../src/import-from.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-cli-import-from-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('importing a catalogue', () => {
  const catalogue = new ExampleCatalogue();
  let integrations: Integrations;

  beforeAll(async () => {
    integrations = createIntegrations({
      storage: await createSqliteStorage({ filename: join(dir, 'catalogue.db') }),
      cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
      connectors: [{ ...examplePos(), catalogue: catalogue.capability }],
    });
    await integrations.vault.put(
      'store-1',
      'example',
      { api_key: 'ex_live_0123456789abcdefghij' },
      { account: 'acc_42', api_key_masked: 'ex_live_…ghij' },
    );
  });

  afterAll(async () => {
    await integrations?.close();
  });

  /** Starts the command's import for `tenant` with `values`; `out` fills with what it prints. */
  function start(values: CommandContext['values'] = {}, tenant = 'store-1') {
    const out = { stdout: '', stderr: '', progress: '' };
    const stdout = new PassThrough();
    stdout.on('data', (chunk) => {
      out.stdout += chunk;
    });
    const context: CommandContext = {
      location: { kind: 'sqlite', path: join(dir, 'catalogue.db') },
      env: {},
      stdout,
      stderr: { write: (text: string) => (out.stderr += text) },
      progress: { write: (text: string) => (out.progress += text), isTTY: false },
      values: { tenant, ...values },
      positionals: ['example'],
    };
    const batches = integrations.batches;
    if (!batches) throw new Error('SQLite offers the Data Manager');
    return { out, done: importCatalogue(context, { integrations, batches, tenant }, 'example') };
  }

  async function importFrom(values: CommandContext['values'] = {}, tenant = 'store-1') {
    const { out, done } = start(values, tenant);
    const code = await done;
    return { code, ...out };
  }

  it('imports with a progress bar of the provider’s total, and says nothing is missing', async () => {
    stockProducts(catalogue, 15);
    catalogue.hold();
    const running = start();
    // The first page is in and the rest held back: the bar shows 2 of 15 before the import ends.
    try {
      // Core stores the progress with each heartbeat (about a second).
      await expect
        .poll(() => running.out.progress, { timeout: 10_000 })
        .toBe('import products from Example POS [###---------------------]  13% 2 rows of 15 rows\n');
    } finally {
      catalogue.release();
    }
    const first = { code: await running.done, ...running.out };
    expect(first.code, first.stderr).toBe(0);
    expect(first.progress.trim().split('\n').at(-1)).toMatch(/\[#{24}\] 100% 15 rows of 15 rows$/);
    expect(first.stdout).toMatch(
      /^Imported 15 products for tenant store-1 from Example POS in \d+\.\d s: batch [0-9a-f-]{36}\.\n15 inserted, 0 updated, 0 unchanged\.\nNothing imported from Example POS before is missing there\.\n$/,
    );
  });

  it('lists the first ten rows the provider no longer has and keeps them, or removes them when asked', async () => {
    for (let index = 3; index <= 14; index++) catalogue.products.delete(`item-${index}`);
    const kept = await importFrom({ 'remove-missing': false });
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain('0 inserted, 0 updated, 3 unchanged.\n');
    const lines = kept.stdout.trim().split('\n').slice(2);
    expect(lines[0]).toBe('No longer at Example POS: 12, kept (--remove-missing deletes them):');
    expect(lines.slice(1, 11)).toHaveLength(10);
    expect(lines[1]).toMatch(/^ {2}P-\d+ +Product \d+$/);
    expect(lines.at(-1)).toBe('  … and 2 more');

    const removed = await importFrom({ 'remove-missing': true });
    expect(removed.stdout).toContain('No longer at Example POS: 12, removed:\n');
    let exported = '';
    for await (const chunk of integrations.batches?.exportCsv('store-1', 'products').chunks ?? []) exported += chunk;
    expect(exported.trim().split('\r\n')).toHaveLength(4);
  });

  it('names each problem by the provider’s id, writes nothing, and exits 1', async () => {
    catalogue.products.set('item-99', { sku: 'P-99', name: 'Product 99', price: 'ninety-nine', currency: 'USD' });
    const failed = await importFrom({ entity: 'products' });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^Import from Example POS failed: .*nothing was imported\..*\n/i);
    expect(failed.stderr.match(/nothing was imported/gi)).toHaveLength(1);
    expect(failed.stderr).toMatch(/\n {2}Example POS item-99, price: .+\n/);
    expect(failed.stderr).toMatch(/Batch [0-9a-f-]{36} \(failed\)\.\n$/);
    catalogue.products.delete('item-99');
  });

  it('imports the other entity type it offers, and refuses one it does not', async () => {
    catalogue.customers.set('c-1', { id: 'c-1', name: 'Ada Lovelace', email: 'ada@example.com' });
    const customers = await importFrom({ entity: 'customers' });
    expect(customers.stdout).toContain('Imported 1 customers for tenant store-1 from Example POS');
    await expect(importFrom({ entity: 'orders' })).rejects.toThrow(
      'Example POS offers products and customers to import, not "orders": use --entity products or customers.',
    );
  });

  it('refuses a tenant that has not connected the provider', async () => {
    await expect(importFrom({}, 'store-2')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
