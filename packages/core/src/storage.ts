/**
 * `@pos/integrations-core/storage`: what a storage adapter author needs. The storage port
 * (`IntegrationStorage` and its stores), the Data Manager's bulk-load contract (entity sinks and
 * imports), and the errors an adapter throws. An adapter proves itself with
 * `describeStorageConformance` from `@pos/integrations-core/testing`.
 */

export { IntegrationError } from './errors.js';
export { ExistingKeys, IMPORT_MODES, RepeatedKeys } from './storage/batches.js';
export type * from './storage/port.js';
