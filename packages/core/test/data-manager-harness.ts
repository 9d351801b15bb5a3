import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStorage, type SqliteStorage } from '@pos/storage-sqlite';
import { TEST_KEY_A } from '@pos/test-support';
import {
  type Batches,
  type Clock,
  type CreateIntegrationsOptions,
  createIntegrations,
  createKeyRing,
  type EntityDefinition,
  type Integrations,
} from '../src/index.js';

export interface DataManagerHarness {
  dir: string;
  dbPath: string;
  storage: SqliteStorage;
  integrations: Integrations;
  batches: Batches;
  /** Rows of a Data Manager table, in insertion order, without the bookkeeping columns. */
  rows(table: 'products' | 'customers', where?: { tenantId?: string; batchId?: string }): Record<string, unknown>[];
  count(table: string): number;
  close(): Promise<void>;
}

/** A real SQLite file (the Data Manager imports on a second connection) and the SDK over it. */
export async function startDataManager(
  options: {
    clock?: Clock;
    dir?: string;
    /** Entity types to register, given the storage (to wrap its sinks). */
    entities?: (storage: SqliteStorage) => EntityDefinition[];
  } & Partial<Pick<CreateIntegrationsOptions, 'batches' | 'variant' | 'connectors'>> = {},
): Promise<DataManagerHarness> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'pos-batches-'));
  const dbPath = join(dir, 'pos.db');
  const storage = await createSqliteStorage({ filename: dbPath });
  const integrations = createIntegrations({
    storage,
    cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.entities ? { entities: options.entities(storage) } : {}),
    ...(options.batches ? { batches: options.batches } : {}),
    ...(options.variant ? { variant: options.variant } : {}),
    ...(options.connectors ? { connectors: options.connectors } : {}),
  });
  const batches = integrations.batches;
  if (!batches) throw new Error('The Data Manager is not available');
  return {
    dir,
    dbPath,
    storage,
    integrations,
    batches,
    rows(table, where = {}) {
      const clauses: string[] = [];
      const params: string[] = [];
      if (where.tenantId) {
        clauses.push('tenant_id = ?');
        params.push(where.tenantId);
      }
      if (where.batchId) {
        clauses.push('batch_id = ?');
        params.push(where.batchId);
      }
      const rows = storage.database
        .prepare(`select * from ${table} ${clauses.length ? `where ${clauses.join(' and ')}` : ''} order by id`)
        .all(...params) as Record<string, unknown>[];
      return rows.map(
        ({
          id: _id,
          tenant_id: _tenant,
          batch_id: _batch,
          changed_batch_id: _changed,
          seen_batch_id: _seen,
          created_at: _created,
          ...row
        }) => row,
      );
    },
    count(table) {
      return (storage.database.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    },
    async close() {
      await integrations.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Bytes in chunks of `size`, to cut multi-byte characters and quoted cells at every position. */
export async function* chunked(text: string | Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  for (let offset = 0; offset < bytes.length; offset += size) {
    yield bytes.subarray(offset, offset + size);
  }
}
