// The other way to bulk-load PostgreSQL, kept here as the baseline the COPY loader is measured
// against: the same transaction on a connection of its own, rows sent as multi-row INSERTs with
// bound parameters (1000 rows a statement, one statement in flight while the next is built).
import { KyselyStorage } from '@pos/storage-kysely';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

const ROWS_PER_INSERT = 1000;

export class MultiRowInsertLoader {
  constructor(connectionString) {
    this.connectionString = connectionString;
  }

  async open(table, target) {
    const client = new pg.Client({ connectionString: this.connectionString });
    await client.connect();
    const db = new Kysely({
      dialect: new PostgresDialect({
        pool: { connect: async () => ({ query: client.query.bind(client), release() {} }), end: async () => {} },
      }),
    });
    const transaction = await db.startTransaction().execute();
    const columns = ['tenant_id', 'batch_id', 'created_at', ...table.columns];
    const width = columns.length;
    const statement = (rows) => {
      const tuples = [];
      for (let row = 0; row < rows; row++) {
        tuples.push(`(${columns.map((_, column) => `$${row * width + column + 1}`).join(', ')})`);
      }
      return `INSERT INTO "${table.name}" (${columns.map((column) => `"${column}"`).join(', ')}) VALUES ${tuples.join(', ')}`;
    };
    const full = statement(ROWS_PER_INSERT);
    let values = [];
    let inFlight = Promise.resolve();
    const send = async () => {
      const rows = values.length / width;
      const text = rows === ROWS_PER_INSERT ? full : statement(rows);
      const params = values;
      values = [];
      await inFlight;
      inFlight = client.query(text, params);
    };
    const close = async () => {
      await db.destroy();
      await client.end();
    };
    return {
      async write(rows) {
        for (const row of rows) {
          values.push(target.tenantId, target.batchId, target.createdAt);
          for (const column of table.columns) values.push(row[column] ?? null);
          if (values.length === ROWS_PER_INSERT * width) await send();
        }
      },
      async commit(finish) {
        try {
          if (values.length > 0) await send();
          await inFlight;
          await finish(new KyselyStorage(transaction, { dialect: 'postgres' }));
          await transaction.commit().execute();
        } finally {
          await close();
        }
      },
      async abort() {
        await close().catch(() => undefined);
      },
    };
  }
}
