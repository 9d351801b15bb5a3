// Child process: creates an empty database with the SDK's schema (for the naive loop).
import { createSqliteStorage } from '@pos/storage-sqlite';

const storage = await createSqliteStorage({ filename: process.argv[2] });
await storage.close();
console.log('{}');
