/**
 * `@pos/integrations-core/testing`: suites a storage adapter or a connector runs in its own tests
 * (vitest; `vitest` is an optional peer dependency of this package, needed only here).
 *
 * ```ts
 * import { describeStorageConformance } from '@pos/integrations-core/testing';
 * describeStorageConformance({ name: 'sqlite', create: () => createSqliteStorage({ filename: ':memory:' }) });
 * ```
 */
export { type CatalogueSimulator, describeCatalogueConformance } from './catalogue/conformance.js';
export * from './connectors/conformance.js';
export { describeStorageConformance, type StorageConformanceOptions } from './storage/conformance.js';
