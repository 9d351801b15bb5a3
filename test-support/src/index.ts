export { CHROMIUM_PATH, launchChromium } from './browser.js';
export { ManualClock, TEST_KEY_A, TEST_KEY_B } from './clock.js';
export * from './clover.js';
export { productRow } from './data-manager.js';
export {
  type ApiRequest,
  type ApiResponse,
  apiClient,
  cookiesOf,
  type Listening,
  listen,
  type RequestOptions,
} from './http.js';
export { useProviderMock } from './msw.js';
export {
  freePort,
  type HeldMigrationLock,
  holdMigrationLock,
  KYSELY_MIGRATION_LOCK_ID,
  type PostgresCluster,
  startPostgresCluster,
} from './postgres.js';
export { type PostgrestOptions, type PostgrestServer, postgrestBinary, startPostgrest } from './postgrest.js';
export { type NodeProcess, type NodeProcessOptions, spawnNode, startWorker, type Worker } from './processes.js';
export * from './square.js';
export * from './stripe.js';
export { type GatewayRequest, type SupabaseStack, signSupabaseJwt, startSupabaseStack } from './supabase.js';
