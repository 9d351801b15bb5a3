import { closeSync, openSync } from 'node:fs';

/**
 * Creates an empty file only its owner can read and write (mode 0600), unless it exists already
 * (then it is left as it is). SQLite opens an empty file as a new database and gives the `-wal`,
 * `-shm` and journal files it creates beside it the database file's mode, so they are 0600 too;
 * left to itself SQLite would create them 0644, readable by every local user.
 */
export function createPrivateFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
