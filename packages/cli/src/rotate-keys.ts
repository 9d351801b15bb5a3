import type { Command } from './command.js';
import { describeLocation, openStorage, requireDatabase } from './database.js';
import { EXIT, UsageError } from './usage.js';

export const rotateKeys: Command = {
  name: 'rotate-keys',
  summary: 're-encrypt every stored credential with the active key',
  arguments: [],
  options: {},
  help: `Reads the key ring from the environment, as the servers do:

  POS_ENCRYPTION_KEY            the new active key (base64 of 32 random bytes)
  POS_ENCRYPTION_PREVIOUS_KEYS  the old keys, comma separated, so stored values can be read

Every credential sealed with another key is opened and sealed again with the active key, one
compare-and-swap write each, so servers may keep running. Credentials already under the active
key are left alone: run it again at any time. Prints the counts; exits 1 if some credential
could be opened with none of the keys (they are listed by tenant and provider and left as they
are). Once it reports none left under old keys on every database, remove the old keys from
POS_ENCRYPTION_PREVIOUS_KEYS.

Make a key with:
  node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`,
  async run({ location, env, stdout, stderr }) {
    const { createIntegrations, keyRingFromEnv } = await import('@pos/integrations-core');
    let cipher: ReturnType<typeof keyRingFromEnv>;
    try {
      cipher = keyRingFromEnv(env);
    } catch (error) {
      // A missing or malformed key: configuration, like a bad option.
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    requireDatabase(location);
    const integrations = createIntegrations({ storage: await openStorage(location, { migrate: true }), cipher });
    try {
      const report = await integrations.rotateKeys();
      stdout.write(
        `${describeLocation(location)}: ${report.total} credential${report.total === 1 ? '' : 's'}; ` +
          `${report.rotated} re-encrypted with key ${cipher.activeKeyId}, ${report.alreadyCurrent} already under it, ` +
          `${report.unreadable.length} unreadable.\n`,
      );
      if (report.unreadable.length === 0) return EXIT.ok;
      stderr.write(
        `No configured key opens these credentials (add their key to POS_ENCRYPTION_PREVIOUS_KEYS and run again, or have the merchants reconnect):\n${report.unreadable
          .map(({ tenantId, provider }) => `  tenant ${tenantId}, ${provider}\n`)
          .join('')}`,
      );
      return EXIT.failed;
    } finally {
      await integrations.close();
    }
  },
};
