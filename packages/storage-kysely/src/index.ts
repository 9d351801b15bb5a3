export {
  type BulkLoader,
  ENTITY_TABLES,
  type EntityRow,
  type EntityTable,
  KyselyEntitySink,
  type SinkHost,
} from './entity-sink.js';
export { integrationsSchema } from './migrations/0001_integrations.js';
export type * from './schema.js';
export { createKyselyStorage, integrationMigrations, KyselyStorage, type KyselyStorageOptions } from './storage.js';
