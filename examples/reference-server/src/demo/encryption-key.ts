import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateEncryptionKey } from '@pos/integrations-core';

/** Demo mode keeps its own encryption key beside the database, created on first start. */
export function demoEncryptionKey(dataDir: string): string {
  const path = join(dataDir, 'demo-encryption.key');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = generateEncryptionKey();
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return key;
}
