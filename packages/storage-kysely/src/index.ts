export { integrationsSchema } from './migrations/0001_integrations.js';
export type * from './schema.js';
export { createKyselyStorage, integrationMigrations, KyselyStorage, type KyselyStorageOptions } from './storage.js';
