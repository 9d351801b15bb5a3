import { createHash, randomBytes } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { IntegrationError } from '../errors.js';

/**
 * Seals credential values at rest. Ciphertexts name the key that sealed them, so a key ring can
 * hold old keys for reading while new values are sealed with the active one.
 */
export interface Cipher {
  readonly activeKeyId: string;
  encrypt(plaintext: string, associatedData: string): Promise<string>;
  /** Throws {@link DecryptionError} when the key is unknown, the data was altered or the associated data differs. */
  decrypt(ciphertext: string, associatedData: string): Promise<string>;
  /** The key id a ciphertext names, without decrypting it. */
  keyIdOf(ciphertext: string): string;
}

export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
}

export interface KeyRingKey {
  /** Defaults to a fingerprint of the key, so operators never have to name keys. */
  id?: string;
  /** 32 bytes, raw or base64. */
  key: Uint8Array | string;
}

export interface KeyRingOptions {
  keys: KeyRingKey[];
  /** Defaults to the first key. */
  activeKeyId?: string;
}

const FORMAT = 'pos1';
const NONCE_BYTES = 24;
const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

function keyBytes(key: Uint8Array | string): Uint8Array {
  const bytes = typeof key === 'string' ? new Uint8Array(Buffer.from(key.trim(), 'base64')) : key;
  if (bytes.length !== KEY_BYTES) {
    throw new IntegrationError(
      'VALIDATION_FAILED',
      `An encryption key must be ${KEY_BYTES} bytes (base64 encoded: 44 characters). Generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`,
    );
  }
  return bytes;
}

export function keyFingerprint(key: Uint8Array): string {
  return `k${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/**
 * The default cipher: XChaCha20-Poly1305 with a random 192-bit nonce per value and the caller's
 * associated data (tenant + provider + field) bound into the tag. Format:
 * `pos1.<keyId>.<base64url(nonce || ciphertext || tag)>`.
 */
export function createKeyRing(options: KeyRingOptions): Cipher {
  if (options.keys.length === 0) {
    throw new IntegrationError('VALIDATION_FAILED', 'A key ring needs at least one key.');
  }
  const keys = new Map<string, Uint8Array>();
  for (const entry of options.keys) {
    const bytes = keyBytes(entry.key);
    const id = entry.id ?? keyFingerprint(bytes);
    if (!KEY_ID.test(id))
      throw new IntegrationError('VALIDATION_FAILED', `Key id "${id}" may only hold letters, digits, _ and -.`);
    keys.set(id, bytes);
  }
  const activeKeyId = options.activeKeyId ?? keys.keys().next().value;
  if (activeKeyId === undefined || !keys.has(activeKeyId)) {
    throw new IntegrationError(
      'VALIDATION_FAILED',
      `The active key id "${String(activeKeyId)}" is not in the key ring.`,
    );
  }
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', { fatal: true });

  function parse(ciphertext: string): { keyId: string; sealed: Uint8Array } {
    const [format, keyId, payload, ...rest] = ciphertext.split('.');
    if (format !== FORMAT || keyId === undefined || payload === undefined || rest.length > 0) {
      throw new DecryptionError('Not a ciphertext of this key ring.');
    }
    return { keyId, sealed: new Uint8Array(Buffer.from(payload, 'base64url')) };
  }

  return {
    activeKeyId,
    async encrypt(plaintext, associatedData) {
      const key = keys.get(activeKeyId) as Uint8Array;
      const nonce = new Uint8Array(randomBytes(NONCE_BYTES));
      const sealed = xchacha20poly1305(key, nonce, encoder.encode(associatedData)).encrypt(encoder.encode(plaintext));
      const payload = Buffer.concat([nonce, sealed]).toString('base64url');
      return `${FORMAT}.${activeKeyId}.${payload}`;
    },
    async decrypt(ciphertext, associatedData) {
      const { keyId, sealed } = parse(ciphertext);
      const key = keys.get(keyId);
      if (!key) throw new DecryptionError(`Key "${keyId}" is not in the key ring.`);
      if (sealed.length <= NONCE_BYTES) throw new DecryptionError('Ciphertext is truncated.');
      try {
        const opened = xchacha20poly1305(key, sealed.subarray(0, NONCE_BYTES), encoder.encode(associatedData)).decrypt(
          sealed.subarray(NONCE_BYTES),
        );
        return decoder.decode(opened);
      } catch {
        throw new DecryptionError('Ciphertext could not be opened: wrong key, altered data or other associated data.');
      }
    },
    keyIdOf(ciphertext) {
      return parse(ciphertext).keyId;
    },
  };
}

/** Generates a fresh random key, base64 encoded, for `POS_ENCRYPTION_KEY`. */
export function generateEncryptionKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/**
 * Reads `POS_ENCRYPTION_KEY` (the active key) and `POS_ENCRYPTION_PREVIOUS_KEYS` (comma list of
 * keys that may still seal stored values until `rotate` has run).
 */
export function keyRingFromEnv(env: Record<string, string | undefined> = process.env): Cipher {
  const active = env.POS_ENCRYPTION_KEY?.trim();
  if (!active) {
    throw new IntegrationError(
      'VALIDATION_FAILED',
      "POS_ENCRYPTION_KEY is not set. Generate one with: node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\"",
    );
  }
  const previous = (env.POS_ENCRYPTION_PREVIOUS_KEYS ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
  return createKeyRing({ keys: [active, ...previous].map((key) => ({ key })) });
}
