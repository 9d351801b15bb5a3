import { randomUUID } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  type EntityImport,
  type ImportCounts,
  type ImportFinish,
  type ImportTarget,
  IntegrationError,
} from '@pos/integrations-core/storage';
import {
  type BulkLoader,
  deleteMissing,
  type EntityRow,
  type EntityTable,
  type IntegrationsDatabase,
  KyselyStorage,
  mergeStaged,
} from '@pos/storage-kysely';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { retryWhileBusy } from './busy.js';
import { createPrivateFile } from './private-file.js';
import { insertInSlices, removeFailedRows, removeSliced } from './slices.js';
import { STAGING_WORKER_SOURCE } from './staging-worker.js';
import { driverPath } from './worker-driver.js';

export interface SqliteBulkLoaderOptions {
  /** How long the final copy waits for another writer to finish, in ms (default 30000). */
  lockTimeoutMs?: number;
  /**
   * Page cache of the import connection's merge, in MiB. By default 16 for a file whose keys come
   * in order, and 48 for one whose keys do not: its rows go into the key index at random places,
   * and a million SKUs make an index of about 34 MiB. With 16 MiB such a file's merge reads and
   * writes index pages again and again (a shuffled 1M-row file: 6.0–6.6 s with 16 MiB, 4.3–5.1 s
   * with 48, peak RSS 175 → 211–218 MiB; `bench/csv-import`). Either way memory stays flat
   * whatever the file size. A value given here is used for every file.
   */
  cacheMiB?: number;
  /** Where staging files go while an import runs (default the OS temp folder). */
  stagingDir?: string;
  /**
   * Rows per slice when an import's new rows are written in slices before its merge (default
   * 5000, about 5 ms of writing each on the development machine): about the longest the
   * server's other queries wait for the import at a time.
   */
  sliceRows?: number;
}

// Rows per INSERT on the staging thread: measured there, 16 rows a statement cost about a third
// less CPU than 256 (a statement's values and program then stay in the CPU caches), while
// single-row statements pay better-sqlite3's per-call cost on every row.
const ROWS_PER_INSERT = 16;
// Rows per message to the staging worker (a multiple of ROWS_PER_INSERT, so every statement but
// the import's last is the prepared one), and messages it may have queued before `write` waits:
// enough to keep it busy, few enough that memory does not grow with a slow disk.
const ROWS_PER_MESSAGE = 1024;
const MAX_IN_FLIGHT = 4;

const STAGING_FILE = /^pos-staging-[0-9a-f-]{36}\.db$/;
// An import writes its staging file continuously: one untouched for this long was left by a
// process that died mid-import.
const ABANDONED_AFTER_MS = 6 * 60 * 60 * 1000;

/** Best effort: staging files of crashed imports would otherwise stay in the temp folder. */
async function removeAbandonedStaging(dir: string): Promise<void> {
  try {
    const cutoff = Date.now() - ABANDONED_AFTER_MS;
    for (const name of await readdir(dir)) {
      if (!STAGING_FILE.test(name)) continue;
      const path = join(dir, name);
      const { mtimeMs } = await stat(path);
      if (mtimeMs < cutoff) await rm(path, { force: true });
    }
  } catch {
    // Not ours to fail a start over: the folder may be unreadable or the file gone already.
  }
}

/**
 * The SQLite fast path. Rows are staged outside the database: a worker thread inserts them into a
 * staging file of its own while the main thread parses and validates the next ones, and no lock
 * on the database is taken, so the server's other queries (reads and writes, including the
 * import's own progress heartbeats) carry on. The commit attaches the staging file to a
 * connection of the import's own and merges it into the real table by the table's key
 * (`mergeStaged`: a few `UPDATE … FROM` and one `INSERT … SELECT`), running the batch's completion in the same transaction.
 *
 * That connection lives on the main thread beside the server's, so the commit never yields to the
 * event loop while it holds the write lock (better-sqlite3 is synchronous and Kysely only awaits
 * microtasks): no other query of this process can wait on it. Getting the lock is the one wait,
 * done with `busy_timeout = 0` and asynchronous retries, so a writer of this process holding it
 * across an `await` is never deadlocked by a synchronous busy wait.
 */
export class SqliteBulkLoader implements BulkLoader {
  readonly #filename: string;
  readonly #options: SqliteBulkLoaderOptions;

  constructor(filename: string, options: SqliteBulkLoaderOptions = {}) {
    this.#filename = filename;
    this.#options = options;
    void removeAbandonedStaging(options.stagingDir ?? tmpdir());
  }

  async open(table: EntityTable, target: ImportTarget): Promise<EntityImport<EntityRow>> {
    const staging = join(this.#options.stagingDir ?? tmpdir(), `pos-staging-${randomUUID()}.db`);
    // The staged rows are a tenant's customers or catalogue, in a shared temp folder: owner only.
    createPrivateFile(staging);
    const worker = new Worker(STAGING_WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: driverPath,
        path: staging,
        columns: table.columns,
        integerColumns: table.integerColumns,
        rowsPerInsert: ROWS_PER_INSERT,
        cacheKiB: 2 * 1024,
      },
    });
    return new SqliteImport(worker, staging, this.#filename, table, target, {
      lockTimeoutMs: this.#options.lockTimeoutMs ?? 30_000,
      cacheMiB: this.#options.cacheMiB,
      sliceRows: this.#options.sliceRows ?? 5000,
    });
  }
}

class SqliteImport implements EntityImport<EntityRow> {
  readonly #columns: readonly string[];
  /** The next message's values, row after row. */
  #pending: unknown[] = [];
  #inFlight = 0;
  #waiting: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  #failure: Error | undefined;
  #finished: Promise<void>;
  #closed = false;
  /** The table's key column when it has one, and how often a row's key came before the previous row's. */
  readonly #key: string | undefined;
  #lastKey: string | undefined;
  #descents = 0;
  #rows = 0;

  readonly #worker: Worker;
  readonly #staging: string;
  readonly #filename: string;
  readonly #table: EntityTable;
  readonly #target: ImportTarget;
  readonly #options: { lockTimeoutMs: number; cacheMiB: number | undefined; sliceRows: number };

  constructor(
    worker: Worker,
    staging: string,
    filename: string,
    table: EntityTable,
    target: ImportTarget,
    options: { lockTimeoutMs: number; cacheMiB: number | undefined; sliceRows: number },
  ) {
    this.#worker = worker;
    this.#staging = staging;
    this.#filename = filename;
    this.#table = table;
    this.#target = target;
    this.#options = options;
    this.#columns = table.columns;
    this.#key = table.key.length === 1 ? table.key[0] : undefined;
    this.#finished = new Promise<void>((resolve, reject) => {
      const fail = (error: Error) => {
        this.#failure ??= error;
        for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
        reject(error);
      };
      worker.on('message', (message: { type: string; message?: string }) => {
        if (message.type === 'ack') {
          this.#inFlight -= 1;
          this.#waiting.shift()?.resolve();
        } else if (message.type === 'done') {
          resolve();
        } else if (message.type === 'error') {
          fail(new Error(`Staging failed: ${message.message}`));
        }
      });
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`The staging worker stopped (exit code ${code}).`)));
    });
    this.#finished.catch(() => undefined);
  }

  write(rows: readonly EntityRow[]): void | Promise<void> {
    if (this.#closed) throw new Error('The import is closed.');
    if (this.#failure) throw this.#failure;
    const columns = this.#columns;
    const messageLength = ROWS_PER_MESSAGE * columns.length;
    const key = this.#key;
    let pending = this.#pending;
    for (const row of rows) {
      if (key !== undefined) {
        const value = row[key];
        if (typeof value === 'string') {
          if (this.#lastKey !== undefined && value < this.#lastKey) this.#descents += 1;
          this.#lastKey = value;
        }
      }
      this.#rows += 1;
      // Pushed, not preallocated: JSON.stringify is about a quarter slower on an array with holes.
      for (const column of columns) pending.push(row[column] ?? null);
      if (pending.length === messageLength) {
        this.#send(pending);
        pending = this.#pending = [];
      }
    }
    if (this.#inFlight <= MAX_IN_FLIGHT) return;
    return new Promise<void>((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #send(values: unknown[]): void {
    // One JSON string per message: a string crosses threads as a copy of its bytes. Posting the
    // array itself costs this thread less, but reading it back cost the staging thread more than
    // that saved (measured in whole imports).
    this.#worker.postMessage({ type: 'rows', json: JSON.stringify(values) });
    this.#inFlight += 1;
  }

  async commit(finish: ImportFinish): Promise<ImportCounts> {
    if (this.#closed) throw new Error('The import is closed.');
    if (this.#failure) throw this.#failure;
    if (this.#pending.length > 0) this.#send(this.#pending);
    this.#worker.postMessage({ type: 'end' });
    let connection: Database.Database | undefined;
    let kysely: Kysely<IntegrationsDatabase> | undefined;
    try {
      await this.#finished;
      connection = new Database(this.#filename);
      connection.pragma('busy_timeout = 0');
      connection.pragma('synchronous = NORMAL');
      const cacheMiB = this.#options.cacheMiB ?? (this.#inOrder() ? 16 : 48);
      connection.pragma(`cache_size = -${Math.trunc(cacheMiB * 1024)}`);
      // The commit leaves the pages it wrote in the write-ahead log for the storage's checkpoint
      // thread to copy, instead of copying them itself on this (the server's main) thread: about
      // 0.9 s per million rows during which the server would answer nothing.
      connection.pragma('wal_autocheckpoint = 0');
      connection.prepare('ATTACH DATABASE ? AS staging').run(this.#staging);
      const db = new Kysely<IntegrationsDatabase>({ dialect: new SqliteDialect({ database: connection }) });
      kysely = db;
      const lock = {
        lockTimeoutMs: this.#options.lockTimeoutMs,
        sliceRows: this.#options.sliceRows,
        timedOut: () =>
          new IntegrationError(
            'BATCH_FAILED',
            `Another writer kept the database locked for ${Math.round(this.#options.lockTimeoutMs / 1000)} s; nothing was written.`,
          ),
      };
      try {
        await removeFailedRows(db, this.#table, this.#target, lock);
        const sliced = this.#sliceable()
          ? await insertInSlices(db, this.#table, this.#target, lock)
          : { after: 0, inserted: 0 };
        return await retryWhileBusy(
          () =>
            db.transaction().execute(async (trx) => {
              // The first write takes the lock; from here to COMMIT nothing yields to the event loop.
              const counts = await mergeStaged(
                trx,
                'sqlite',
                this.#table,
                { table: sql`staging.staging`, order: 'rowid', after: sliced.after, sliced: sliced.inserted },
                this.#target,
              );
              await finish(new KyselyStorage(trx, { dialect: 'sqlite' }), counts);
              await deleteMissing(trx, this.#table, this.#target);
              return counts;
            }),
          lock.lockTimeoutMs,
          lock.timedOut,
        );
      } catch (error) {
        // Rows of slices already committed are hidden while the batch runs, and removed before its
        // failure is recorded. Should that fail too, they stay hidden (the batch is failed) until
        // the tenant's next import removes them.
        await removeSliced(db, this.#table, this.#target, lock).catch(() => undefined);
        throw error;
      }
    } finally {
      // Closes the import connection (the Kysely instance owns it once made).
      if (kysely) await kysely.destroy();
      else connection?.close();
      await this.#close();
    }
  }

  /**
   * Whether the new rows go in first, in slices (`insertInSlices`). Not for a table whose keys
   * the merge fills in from other columns (customers, by e-mail), and not for a file whose keys
   * are out of order: each slice's commit writes every index page it touched to the write-ahead
   * log, and keys in random order touch most of the key index in every slice (a shuffled 1M-row
   * file took 20–23 s instead of 8 s in slices of 5000, `bench/csv-import`). Such a file is
   * merged in one piece, during which the server waits. In order means fewer than one row in a
   * hundred whose key comes before the previous row's: a few sorted runs append to the index too.
   */
  #sliceable(): boolean {
    return this.#table.matchBy === undefined && this.#key !== undefined && this.#inOrder();
  }

  /** Whether the file's keys came in order, as `#sliceable` counts it (a file without keys is in order). */
  #inOrder(): boolean {
    return this.#descents * 100 <= this.#rows;
  }

  async abort(): Promise<void> {
    await this.#close();
  }

  async #close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = [];
    this.#worker.removeAllListeners('exit');
    await this.#worker.terminate();
    await rm(this.#staging, { force: true });
  }
}
