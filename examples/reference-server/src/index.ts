export { createReferenceServer, type ReferenceServer, type RunningServer } from './app.js';
export { ConfigError, describeDatabase, readConfig, type ServerConfig } from './config.js';
export * from './demo/constants.js';
export { consoleLogger } from './logger.js';
export { webComponentsBundleBuilt } from './web/assets.js';
export { type WebPagesOptions, webPages } from './web/settings-page.js';
