/**
 * `@pos/integrations-core/testing`: the conformance suites, for vitest. Storage adapters run
 * `describeStorageConformance`, connectors `describeConnectorConformance`.
 */
export * from './connectors/conformance.js';
export * from './storage/conformance.js';
