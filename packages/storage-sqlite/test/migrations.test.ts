import { integrationMigrations, MIGRATION_TABLE } from '@pos/storage-kysely';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { createSqliteStorage } from '../src/index.js';

it('runs a migration that lands after a later-numbered one, and starts beside migrations of a newer release', async () => {
  const storage = await createSqliteStorage({ filename: ':memory:' });
  try {
    const history = sql.table(MIGRATION_TABLE);
    // As if every known migration arrived after 9000, which only a newer release of the SDK knows.
    await sql`delete from ${history}`.execute(storage.db);
    await sql`insert into ${history} (name, timestamp) values ('9000_from_a_newer_release', '2026-01-01T00:00:00.000Z')`.execute(
      storage.db,
    );
    await storage.migrate();
    const ran = await sql<{ name: string }>`select name from ${history} order by name`.execute(storage.db);
    expect(ran.rows.map((row) => row.name)).toEqual([
      ...Object.keys(integrationMigrations('sqlite')).sort(),
      '9000_from_a_newer_release',
    ]);
    expect(await storage.credentials.get('store-1', 'square')).toBeUndefined();
  } finally {
    await storage.close();
  }
});
