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
  type Lazy,
} from './clover.js';
export { type CloverCall, cloverErrors, fromCloverError } from './errors.js';
