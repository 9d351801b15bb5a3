import { createRequire } from 'node:module';

/** better-sqlite3 as this package resolves it, for worker threads, whose working folder may differ. */
export const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
