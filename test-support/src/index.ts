// The provider simulators (Stripe, Square, Clover, Supabase's gateway) come from @pos/simulators,
// shared with the reference server's demo mode; the msw ones under the names the tests know.
export * from '@pos/simulators';
export * from '@pos/simulators/msw';
export { CHROMIUM_PATH, launchChromium } from './browser.js';
export { ManualClock, TEST_KEY_A, TEST_KEY_B } from './clock.js';
export { productRow } from './data-manager.js';
export {
  type EventReceiver,
  type ReceivedEvent,
  type ReceiverAnswer,
  startEventReceiver,
} from './event-receiver.js';
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
export { signedWebhook } from './stripe.js';
export { type SupabaseStack, signSupabaseJwt, startSupabaseStack } from './supabase.js';
