import { integrationMigrations, type KyselyStorage, MIGRATION_LOCK_TABLE, MIGRATION_TABLE } from '@pos/storage-kysely';
import { Migrator } from 'kysely';

/**
 * Runs every migration named before `first` (e.g. `'0010'`), as a release without it left the
 * database, so an upgrade test can write the data that release wrote and then `migrate()`.
 */
export async function migrateBefore(storage: KyselyStorage, first: string): Promise<void> {
  const all = integrationMigrations(storage.options.dialect);
  const before = Object.fromEntries(Object.entries(all).filter(([name]) => name < first));
  const { error } = await new Migrator({
    db: storage.db,
    provider: { getMigrations: async () => before },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    allowUnorderedMigrations: true,
  }).migrateToLatest();
  if (error) throw error;
}
