import type { KyselyStorage } from '@pos/storage-kysely';
import type { Command } from './command.js';
import { describeLocation, openStorage } from './database.js';
import { EXIT } from './usage.js';

export const migrate: Command = {
  name: 'migrate',
  summary: 'create or upgrade the database tables (safe to run again)',
  arguments: [],
  options: {},
  help: `Runs every pending migration of the POS Integrations schema, in one transaction. On
PostgreSQL an advisory lock makes instances that migrate at the same time take turns. Servers
migrate when they open the database too; run this as a release step of its own when they are
created with migrate: false.`,
  async run({ location, stdout }) {
    const storage = await openStorage(location, { migrate: false });
    try {
      const before = await history(storage.db);
      const notes = await storage.migrate();
      const after = await history(storage.db);
      const applied = after.filter((name) => !before.includes(name));
      stdout.write(
        applied.length === 0
          ? `${describeLocation(location)} is up to date (${after.length} migrations).\n`
          : `Migrated ${describeLocation(location)}: applied ${applied.join(', ')} (${after.length} migrations in all).\n`,
      );
      for (const note of notes) stdout.write(`${note}\n`);
      return EXIT.ok;
    } finally {
      await storage.close();
    }
  },
};

/** The migrations a database has run; none before its first. */
async function history(db: KyselyStorage['db']): Promise<string[]> {
  const [{ MIGRATION_TABLE }, { sql }] = await Promise.all([import('@pos/storage-kysely'), import('kysely')]);
  try {
    const rows = await db
      .selectFrom(sql.table(MIGRATION_TABLE).as('history'))
      .select(sql<string>`name`.as('name'))
      .execute();
    return rows.map((row) => row.name).sort();
  } catch {
    return [];
  }
}
