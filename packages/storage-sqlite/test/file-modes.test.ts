import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productRow } from '@pos/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../src/index.js';

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('SQLite files are readable by their owner only', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pos-modes-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the database, its -wal and its -shm with mode 0600', async () => {
    const filename = join(dir, 'data', 'pos.db');
    const storage = await createSqliteStorage({ filename });
    try {
      storage.database.exec("INSERT INTO oauth_states VALUES ('h', 't', 'p', 'c', 'e', null)");
      expect(readdirSync(join(dir, 'data')).sort()).toEqual(['pos.db', 'pos.db-shm', 'pos.db-wal']);
      for (const suffix of ['', '-wal', '-shm']) expect(modeOf(`${filename}${suffix}`), suffix || 'db').toBe('600');
    } finally {
      await storage.close();
    }
  });

  it('stages an import in a file of mode 0600', async () => {
    const stagingDir = join(dir, 'staging');
    mkdirSync(stagingDir);
    const storage = await createSqliteStorage({ filename: join(dir, 'pos.db'), bulkImport: { stagingDir } });
    try {
      const open = await storage
        .entitySink('products')
        ?.open({ tenantId: 'tenant-a', batchId: 'batch-1', createdAt: '2026-01-01T00:00:00.000Z' });
      await open?.write([productRow('A-1')]);
      // The staging thread opens its file on its own time.
      for (let waited = 0; readdirSync(stagingDir).length === 0 && waited < 5000; waited += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const staged = readdirSync(stagingDir);
      expect(staged).toHaveLength(1);
      expect(modeOf(join(stagingDir, staged[0] as string))).toBe('600');
      await open?.commit(async () => {});
    } finally {
      await storage.close();
    }
  });

  it('leaves the mode of a database file that exists already', async () => {
    const filename = join(dir, 'shared.db');
    writeFileSync(filename, '', { mode: 0o640 });
    const storage = await createSqliteStorage({ filename });
    await storage.close();
    expect(modeOf(filename)).toBe('640');
  });
});
