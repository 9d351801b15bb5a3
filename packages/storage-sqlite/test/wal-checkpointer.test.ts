import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSqliteStorage, type SqliteStorage } from '../src/index.js';
import { webhookEvent } from './webhook-event.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-wal-'));
  file = join(dir, 'pos.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const until = async (condition: () => boolean, timeoutMs = 5000) => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/** One commit per event; the long ids make each write a few KiB of log. */
async function writeEvents(storage: SqliteStorage, count: number) {
  for (let index = 0; index < count; index += 1) {
    await storage.transaction((tx) => tx.webhookEvents.record(webhookEvent(`evt_${index}_${'x'.repeat(200)}`)));
  }
}

it('checkpoints the log on a thread of its own once it is large, never in a commit of the server', async () => {
  const storage = await createSqliteStorage({
    filename: file,
    walCheckpoint: { thresholdBytes: 256 * 1024, intervalMs: 10 },
  });
  try {
    expect(storage.database.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    // In WAL mode only a checkpoint writes the database file itself.
    const fileSize = () => statSync(file).size;
    const before = fileSize();
    await writeEvents(storage, 40);
    await until(() => fileSize() > before);
    // Everything is in the file and a new connection reads it.
    const reader = new Database(file, { readonly: true });
    expect((reader.prepare('select count(*) as n from webhook_events').get() as { n: number }).n).toBe(40);
    reader.close();
  } finally {
    await storage.close();
  }
  // The checkpoint thread's connection closed last, checkpointed the rest and removed the log.
  expect(existsSync(`${file}-wal`)).toBe(false);
});

it('leaves a quiet database alone and still checkpoints everything on close', async () => {
  const storage = await createSqliteStorage({ filename: file });
  await writeEvents(storage, 5);
  expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
  await storage.close();
  expect(existsSync(`${file}-wal`)).toBe(false);
  const reader = new Database(file, { readonly: true });
  expect((reader.prepare('select count(*) as n from webhook_events').get() as { n: number }).n).toBe(5);
  reader.close();
});

it('lets a script that closes the storage end normally once the checkpoint thread has started', () => {
  const script = fileURLToPath(new URL('./close-script.mjs', import.meta.url));
  const run = spawnSync(process.execPath, [script, file], { encoding: 'utf8', timeout: 30_000 });
  // Node ends a script whose awaited promise can no longer settle with exit code 13.
  expect({ status: run.status, stdout: run.stdout.trim() }).toEqual({ status: 0, stdout: 'closed' });
  expect(existsSync(`${file}-wal`)).toBe(false);
});
