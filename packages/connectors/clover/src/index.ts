/** Re-exported from core's connector toolkit, where it now lives. */
export type { Lazy } from '@pos/integrations-core/connector';
export {
  CLOVER_HOSTS,
  CLOVER_REGIONS,
  CLOVER_REQUIRED_ENV,
  type CloverConnector,
  type CloverOptions,
  type CloverPublicData,
  type CloverRegion,
  type CloverSecret,
  clover,
  cloverFromEnv,
} from './clover.js';
export { type CloverCall, cloverErrors, fromCloverError } from './errors.js';
