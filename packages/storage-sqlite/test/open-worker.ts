import { serveWorker } from '@pos/test-support/worker';
import { createSqliteStorage, type SqliteStorage } from '../src/index.js';

// A process that opens an SQLite file when told to, as a second server or the CLI would.
let storage: SqliteStorage | undefined;

serveWorker({
  async open(filename: string) {
    storage = await createSqliteStorage({ filename });
    return (
      await storage.db
        .selectFrom('pos_integrations_migrations' as never)
        .selectAll()
        .execute()
    ).length;
  },
  async close() {
    await storage?.close();
  },
});
