import { createSqliteStorage } from '@pos/storage-sqlite';
import { TEST_KEY_A as KEY_A, TEST_KEY_B as KEY_B, ManualClock } from '@pos/test-support';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKeyRing, DecryptionError, generateEncryptionKey, keyRingFromEnv } from '../src/index.js';
import { CredentialVault, credentialAssociatedData } from '../src/vault.js';

const identifier = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,30}$/);
const secretValue = fc.string({ minLength: 1, maxLength: 200 });

describe('Property 2: credential encryption round trip', () => {
  const ring = createKeyRing({ keys: [{ key: KEY_A }] });

  it('decrypts to the original, differs from the plaintext and from every other sealing', async () => {
    await fc.assert(
      fc.asyncProperty(secretValue, identifier, identifier, async (plaintext, tenant, provider) => {
        const aad = credentialAssociatedData(tenant, provider);
        const first = await ring.encrypt(plaintext, aad);
        const second = await ring.encrypt(plaintext, aad);
        expect(await ring.decrypt(first, aad)).toBe(plaintext);
        expect(first).not.toBe(second);
        const payload = first.split('.')[2] as string;
        if (plaintext.length >= 8) expect(payload).not.toContain(plaintext);
        expect(ring.keyIdOf(first)).toBe(ring.activeKeyId);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a ciphertext moved to another tenant or provider', async () => {
    await fc.assert(
      fc.asyncProperty(
        secretValue,
        fc.tuple(identifier, identifier),
        fc.tuple(identifier, identifier),
        async (plaintext, [tenant, provider], [otherTenant, otherProvider]) => {
          fc.pre(tenant !== otherTenant || provider !== otherProvider);
          const sealed = await ring.encrypt(plaintext, credentialAssociatedData(tenant, provider));
          await expect(
            ring.decrypt(sealed, credentialAssociatedData(otherTenant, otherProvider)),
          ).rejects.toBeInstanceOf(DecryptionError);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses altered ciphertexts and unknown keys', async () => {
    const aad = credentialAssociatedData('t', 'square');
    const sealed = await ring.encrypt('sq0atp-secret-value', aad);
    const [format, keyId, payload] = sealed.split('.') as [string, string, string];
    const flipped = `${payload.slice(0, 30)}${payload[30] === 'A' ? 'B' : 'A'}${payload.slice(31)}`;
    await expect(ring.decrypt(`${format}.${keyId}.${flipped}`, aad)).rejects.toBeInstanceOf(DecryptionError);
    const other = createKeyRing({ keys: [{ key: KEY_B }] });
    await expect(other.decrypt(sealed, aad)).rejects.toThrow(/not in the key ring/);
    await expect(ring.decrypt('plain text', aad)).rejects.toBeInstanceOf(DecryptionError);
  });

  it('keeps every credential readable through a key rotation', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(identifier, fc.constantFrom('square', 'stripe', 'clover', 'supabase')), {
          minLength: 1,
          maxLength: 12,
          selector: ([tenant, provider]) => `${tenant}/${provider}`,
        }),
        fc.array(secretValue, { minLength: 12, maxLength: 12 }),
        async (rows, secrets) => {
          const storage = await createSqliteStorage({ filename: ':memory:' });
          const clock = new ManualClock();
          const oldRing = createKeyRing({ keys: [{ key: KEY_A }] });
          const oldVault = new CredentialVault(storage, oldRing, clock);
          for (const [index, [tenant, provider]] of rows.entries()) {
            await oldVault.put(tenant, provider, { token: secrets[index] as string }, { index });
          }
          const newRing = createKeyRing({ keys: [{ key: KEY_B }, { key: KEY_A }] });
          const newVault = new CredentialVault(storage, newRing, clock);
          const report = await newVault.rotate();
          expect(report).toEqual({ total: rows.length, rotated: rows.length, alreadyCurrent: 0, unreadable: [] });
          expect(await newVault.rotate()).toMatchObject({ rotated: 0, alreadyCurrent: rows.length });

          const newOnly = new CredentialVault(storage, createKeyRing({ keys: [{ key: KEY_B }] }), clock);
          for (const [index, [tenant, provider]] of rows.entries()) {
            expect((await newOnly.get(tenant, provider))?.secret).toEqual({ token: secrets[index] });
          }
          await storage.close();
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('key ring configuration', () => {
  it('reads POS_ENCRYPTION_KEY and previous keys, and explains a missing or malformed key', async () => {
    const ring = keyRingFromEnv({ POS_ENCRYPTION_KEY: KEY_B, POS_ENCRYPTION_PREVIOUS_KEYS: KEY_A });
    const legacy = await createKeyRing({ keys: [{ key: KEY_A }] }).encrypt('value', 'aad');
    expect(await ring.decrypt(legacy, 'aad')).toBe('value');
    expect(() => keyRingFromEnv({})).toThrow(/POS_ENCRYPTION_KEY is not set/);
    expect(() => keyRingFromEnv({ POS_ENCRYPTION_KEY: 'c2hvcnQ=' })).toThrow(/must be 32 bytes/);
    expect(Buffer.from(generateEncryptionKey(), 'base64')).toHaveLength(32);
  });

  it('reports credentials no key can open instead of failing the rotation', async () => {
    const storage = await createSqliteStorage({ filename: ':memory:' });
    const clock = new ManualClock();
    await new CredentialVault(storage, createKeyRing({ keys: [{ key: KEY_A }] }), clock).put(
      't1',
      'square',
      { a: 'b' },
      {},
    );
    const lost = new CredentialVault(storage, createKeyRing({ keys: [{ key: KEY_B }] }), clock);
    expect(await lost.rotate()).toEqual({
      total: 1,
      rotated: 0,
      alreadyCurrent: 0,
      unreadable: [{ tenantId: 't1', provider: 'square' }],
    });
    await expect(lost.get('t1', 'square')).rejects.toMatchObject({ code: 'CREDENTIALS_UNREADABLE' });
    await storage.close();
  });
});
