export {
  type BulkLoader,
  ENTITY_TABLES,
  type EntityRow,
  type EntityTable,
  KyselyEntitySink,
  type SinkHost,
} from './entity-sink.js';
export { type MergeTable, mergeStaged, type StagedRows } from './merge-sql.js';
export { integrationsSchema } from './migrations/0001_integrations.js';
export { deleteMissing } from './missing-sql.js';
export { readInteger } from './numbers.js';
export type * from './schema.js';
export {
  createKyselyStorage,
  integrationMigrations,
  KyselyStorage,
  type KyselyStorageOptions,
  MIGRATION_LOCK_TABLE,
  MIGRATION_TABLE,
} from './storage.js';
