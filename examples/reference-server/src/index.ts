export {
  createReferenceServer,
  type ReferenceServer,
  type ReferenceServerOptions,
  type RunningServer,
} from './app.js';
export { ConfigError, describeDatabase, LOG_LEVELS, type LogLevel, readConfig, type ServerConfig } from './config.js';
export * from './demo/constants.js';
export { consoleLogger } from './logger.js';
export { REDACTED_PATHS, requestLogger, serverLogger } from './logging.js';
export { webComponentsBundleBuilt } from './web/assets.js';
export { type WebPagesOptions, webPages } from './web/settings-page.js';
