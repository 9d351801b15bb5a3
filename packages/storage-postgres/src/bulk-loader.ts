import type { EntityImport, ImportCounts, ImportFinish, ImportTarget } from '@pos/integrations-core/storage';
import {
  type BulkLoader,
  deleteMissing,
  type EntityRow,
  type EntityTable,
  type IntegrationsDatabase,
  KyselyStorage,
  mergeStaged,
} from '@pos/storage-kysely';
import { type ControlledTransaction, Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** A connection an import has to itself from `BEGIN` to `COMMIT`, and how to give it back. */
export interface ImportConnection {
  client: pg.ClientBase;
  /** Called once the import is over; with an error when the connection may be unusable. */
  release(error?: Error): void | Promise<void>;
}

// Bytes the COPY stream buffers before `write` waits for the socket: enough to keep the
// connection busy between writes, small enough that memory stays flat whatever the file size.
const COPY_BUFFER_BYTES = 256 * 1024;

/** `COPY … FROM STDIN` text format: a tab between columns, `\N` for null, backslash escapes. */
function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'string' ? value : String(value);
  return /[\\\n\r\t]/.test(text)
    ? text.replace(/[\\\n\r\t]/g, (char) =>
        char === '\\' ? '\\\\' : char === '\n' ? '\\n' : char === '\r' ? '\\r' : '\\t',
      )
    : text;
}

/** The temporary table an import's rows are copied into before the merge. */
const STAGED = 'pos_import';

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * The PostgreSQL fast path: each import opens a transaction on a connection of its own and
 * streams its rows into the real table with `COPY … FROM STDIN` as they are validated. PostgreSQL
 * keeps uncommitted rows invisible to everyone else and locks nothing the server's other queries
 * need (inserts take no lock that readers or other writers wait on), so the import's own progress
 * heartbeats, other imports and every request carry on. The commit runs the batch's completion on
 * the same connection and commits once: the rows and the `completed` batch appear together. If
 * the process dies mid-import its connection drops and PostgreSQL rolls everything back.
 */
export class PostgresBulkLoader implements BulkLoader {
  readonly #connect: () => Promise<ImportConnection>;

  constructor(connect: () => Promise<ImportConnection>) {
    this.#connect = connect;
  }

  async open(table: EntityTable, target: ImportTarget): Promise<EntityImport<EntityRow>> {
    const connection = await this.#connect();
    // Kysely over this one connection: the completion in `commit` runs inside the import's transaction.
    const db = new Kysely<IntegrationsDatabase>({
      dialect: new PostgresDialect({
        pool: {
          connect: async () => ({ query: connection.client.query.bind(connection.client), release: () => {} }),
          end: async () => {},
        },
      }),
    });
    let transaction: ControlledTransaction<IntegrationsDatabase> | undefined;
    try {
      transaction = await db.startTransaction().execute();
      const columns = table.columns.map(quoted).join(', ');
      // The rows wait in a temporary table with the real table's column types, in file order.
      await sql`DROP TABLE IF EXISTS pg_temp.${sql.raw(STAGED)}`.execute(transaction);
      await sql`CREATE TEMPORARY TABLE ${sql.raw(STAGED)} ON COMMIT DROP AS
        SELECT ${sql.raw(columns)} FROM ${sql.table(table.name)} WITH NO DATA`.execute(transaction);
      await sql`ALTER TABLE ${sql.raw(STAGED)} ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY`.execute(transaction);
      const copy = connection.client.query(
        copyFrom(`COPY ${STAGED} (${columns}) FROM STDIN`, { highWaterMark: COPY_BUFFER_BYTES }),
      );
      return new PostgresImport(connection, db, transaction, copy, table, target);
    } catch (error) {
      await db.destroy();
      await connection.release(error as Error);
      throw error;
    }
  }
}

type CopyStream = ReturnType<typeof copyFrom>;

class PostgresImport implements EntityImport<EntityRow> {
  #failure: Error | undefined;
  #closed = false;

  readonly #connection: ImportConnection;
  readonly #db: Kysely<IntegrationsDatabase>;
  readonly #transaction: ControlledTransaction<IntegrationsDatabase>;
  readonly #copy: CopyStream;
  readonly #table: EntityTable;
  readonly #target: ImportTarget;

  constructor(
    connection: ImportConnection,
    db: Kysely<IntegrationsDatabase>,
    transaction: ControlledTransaction<IntegrationsDatabase>,
    copy: CopyStream,
    table: EntityTable,
    target: ImportTarget,
  ) {
    this.#connection = connection;
    this.#db = db;
    this.#transaction = transaction;
    this.#copy = copy;
    this.#table = table;
    this.#target = target;
    // A refused row, a lost connection: remembered, and thrown by the next write or the commit.
    copy.on('error', (error) => {
      this.#failure ??= error;
    });
  }

  write(rows: readonly EntityRow[]): void | Promise<void> {
    if (this.#closed) throw new Error('The import is closed.');
    if (this.#failure) throw this.#failure;
    const columns = this.#table.columns;
    let text = '';
    for (const row of rows) {
      let separator = '';
      for (const column of columns) {
        text += `${separator}${copyText(row[column])}`;
        separator = '\t';
      }
      text += '\n';
    }
    if (text === '' || this.#copy.write(text)) return;
    // The buffer is full (PostgreSQL is slower than the parser, or waits on a lock): wait for it.
    return new Promise<void>((resolve, reject) => {
      const drained = () => {
        this.#copy.off('error', failed);
        resolve();
      };
      const failed = (error: Error) => {
        this.#copy.off('drain', drained);
        reject(error);
      };
      this.#copy.once('drain', drained);
      this.#copy.once('error', failed);
    });
  }

  async commit(finish: ImportFinish): Promise<ImportCounts> {
    if (this.#closed) throw new Error('The import is closed.');
    let counts: ImportCounts;
    try {
      if (this.#failure) throw this.#failure;
      await new Promise<void>((resolve, reject) => {
        this.#copy.once('error', reject);
        this.#copy.end(() => {
          this.#copy.off('error', reject);
          resolve();
        });
      });
      counts = await mergeStaged(
        this.#transaction,
        'postgres',
        this.#table,
        { table: sql.raw(STAGED), order: 'seq' },
        this.#target,
      );
      await finish(new KyselyStorage(this.#transaction, { dialect: 'postgres' }), counts);
      await deleteMissing(this.#transaction, this.#table, this.#target);
      await this.#transaction.commit().execute();
    } catch (error) {
      await this.#close(error as Error);
      throw error;
    }
    await this.#close();
    return counts;
  }

  async abort(): Promise<void> {
    await this.#close(new Error('The import was aborted.'));
  }

  /**
   * Gives the connection back. After a failure it is closed rather than rolled back over: a COPY
   * cannot be left half way without a round trip that may wait as long as the COPY itself (on a
   * lock, on a dead socket), and PostgreSQL rolls back whatever a closed connection had open.
   */
  async #close(reason?: Error): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.destroy();
    await this.#connection.release(reason ?? this.#failure);
  }
}
