import { type EntityImport, type ImportTarget, type InTransaction, IntegrationError } from '@pos/integrations-core';
import {
  type BulkLoader,
  type EntityRow,
  type EntityTable,
  type IntegrationsDatabase,
  KyselyStorage,
} from '@pos/storage-kysely';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';

export interface SqliteBulkLoaderOptions {
  /** How long the final copy waits for another writer to finish, in ms (default 30000). */
  lockTimeoutMs?: number;
  /**
   * Page cache of the import connection, in MiB (default 16): memory stays flat whatever the
   * file size. More speeds the final copy into big tables up a little.
   */
  cacheMiB?: number;
}

// SQLite accepts up to 32766 bound values per statement; a few hundred rows per INSERT amortises
// the per-statement cost without building huge parameter arrays.
const MAX_ROWS_PER_INSERT = 256;
const MAX_VARIABLES = 32_000;

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The SQLite fast path. Each import gets a connection of its own and writes its rows to a TEMP
 * staging table there, which takes no lock on the database: the server's other queries (reads
 * and writes, including the import's own progress heartbeats) carry on. The commit then copies
 * the staging table into the real one with a single `INSERT … SELECT` and runs the batch's
 * completion in the same transaction.
 *
 * Both connections live on one thread, so the commit never yields to the event loop while it
 * holds the write lock (better-sqlite3 is synchronous and Kysely only awaits microtasks): no
 * other query of this process can wait on it. Getting the lock is the one wait, done with
 * `busy_timeout = 0` and asynchronous retries, so a writer of this process holding it across an
 * `await` is never deadlocked by a synchronous busy wait.
 */
export class SqliteBulkLoader implements BulkLoader {
  constructor(
    private readonly filename: string,
    private readonly options: SqliteBulkLoaderOptions = {},
  ) {}

  async open(table: EntityTable, target: ImportTarget): Promise<EntityImport<EntityRow>> {
    const connection = new Database(this.filename);
    try {
      connection.pragma('busy_timeout = 0');
      connection.pragma('synchronous = NORMAL');
      connection.pragma(`cache_size = -${Math.trunc((this.options.cacheMiB ?? 16) * 1024)}`);
      connection.pragma('temp_store = FILE');
      connection.pragma(`temp.cache_size = -${16 * 1024}`);
      // Staging is thrown away on any failure, so it needs no rollback journal.
      connection.pragma('temp.journal_mode = OFF');
      return new SqliteImport(connection, table, target, this.options.lockTimeoutMs ?? 30_000);
    } catch (error) {
      connection.close();
      throw error;
    }
  }
}

class SqliteImport implements EntityImport<EntityRow> {
  readonly #columns: readonly string[];
  readonly #rowsPerInsert: number;
  readonly #insertMany: Database.Statement;
  #pending: unknown[] = [];
  #closed = false;

  constructor(
    private readonly connection: Database.Database,
    private readonly table: EntityTable,
    private readonly target: ImportTarget,
    private readonly lockTimeoutMs: number,
  ) {
    this.#columns = table.columns;
    // Untyped staging columns keep values exactly as bound; the copy applies the real affinities.
    connection.exec(`CREATE TEMP TABLE staging (${this.#columns.map((column) => `"${column}"`).join(', ')})`);
    this.#rowsPerInsert = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_VARIABLES / this.#columns.length)));
    this.#insertMany = this.#insertStatement(this.#rowsPerInsert);
    connection.exec('BEGIN');
  }

  #insertStatement(rows: number): Database.Statement {
    const tuple = `(${this.#columns.map(() => '?').join(', ')})`;
    return this.connection.prepare(`INSERT INTO temp.staging VALUES ${Array(rows).fill(tuple).join(', ')}`);
  }

  write(rows: readonly EntityRow[]): void {
    if (this.#closed) throw new Error('The import is closed.');
    const batchSize = this.#rowsPerInsert * this.#columns.length;
    let pending = this.#pending;
    for (const row of rows) {
      for (const column of this.#columns) pending.push(row[column] ?? null);
      if (pending.length === batchSize) {
        this.#insertMany.run(pending);
        pending = [];
      }
    }
    this.#pending = pending;
  }

  #flush(): void {
    const rows = this.#pending.length / this.#columns.length;
    if (rows > 0) this.#insertStatement(rows).run(this.#pending);
    this.#pending = [];
  }

  async commit(finish: InTransaction): Promise<void> {
    if (this.#closed) throw new Error('The import is closed.');
    const kysely = new Kysely<IntegrationsDatabase>({ dialect: new SqliteDialect({ database: this.connection }) });
    try {
      this.#flush();
      this.connection.exec('COMMIT');
      const columns = this.#columns.map((column) => `"${column}"`).join(', ');
      const copy = this.connection.prepare(
        `INSERT INTO main."${this.table.name}" (tenant_id, batch_id, created_at, ${columns})
         SELECT ?, ?, ?, ${columns} FROM temp.staging ORDER BY rowid`,
      );
      const deadline = Date.now() + this.lockTimeoutMs;
      for (let wait = 2; ; wait = Math.min(wait * 2, 100)) {
        try {
          await kysely.transaction().execute(async (trx) => {
            // The first write takes the lock; from here to COMMIT nothing yields to the event loop.
            copy.run(this.target.tenantId, this.target.batchId, this.target.createdAt);
            await finish(new KyselyStorage(trx, { dialect: 'sqlite' }));
          });
          return;
        } catch (error) {
          if (!isBusy(error)) throw error;
          if (Date.now() >= deadline) {
            throw new IntegrationError(
              'BATCH_FAILED',
              `Another writer kept the database locked for ${Math.round(this.lockTimeoutMs / 1000)} s; nothing was written.`,
            );
          }
          await sleep(wait);
        }
      }
    } finally {
      this.#closed = true;
      // Closes the connection; its TEMP staging table goes with it.
      await kysely.destroy();
    }
  }

  async abort(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = [];
    if (this.connection.inTransaction) this.connection.exec('ROLLBACK');
    this.connection.close();
  }
}
