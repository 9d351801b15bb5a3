import type { Clock } from './clock.js';
import type { Cipher } from './crypto/cipher.js';
import { DecryptionError } from './crypto/cipher.js';
import { IntegrationError } from './errors.js';
import type { CredentialRecord, IntegrationStorage, JsonObject } from './storage/port.js';

export type SecretValues = Record<string, string>;

export interface StoredCredentials<S extends SecretValues = SecretValues, P extends JsonObject = JsonObject> {
  secret: S;
  publicData: P;
  version: number;
  updatedAt: string;
  /** When the access token stops working; null when it does not expire. */
  expiresAt: string | null;
}

function stored<S extends SecretValues, P extends JsonObject>(
  secret: S,
  publicData: P,
  record: CredentialRecord,
): StoredCredentials<S, P> {
  return { secret, publicData, version: record.version, updatedAt: record.updatedAt, expiresAt: record.expiresAt };
}

export interface RotationReport {
  total: number;
  rotated: number;
  alreadyCurrent: number;
  /** Credentials no key in the ring can open; they are left as they are. */
  unreadable: Array<{ tenantId: string; provider: string }>;
}

const ROTATION_PAGE = 200;

/** Associated data binds a ciphertext to its row: moved to another tenant or provider, it no longer opens. */
export function credentialAssociatedData(tenantId: string, provider: string, field = 'credentials'): string {
  return JSON.stringify(['pos-integrations', tenantId, provider, field]);
}

/** Encrypted credentials per tenant and provider. The only code that sees plaintext secrets at rest. */
export class CredentialVault {
  readonly #storage: IntegrationStorage;
  readonly #cipher: Cipher;
  readonly #clock: Clock;

  constructor(storage: IntegrationStorage, cipher: Cipher, clock: Clock) {
    this.#storage = storage;
    this.#cipher = cipher;
    this.#clock = clock;
  }

  /** The same vault writing through another storage handle, e.g. inside a transaction. */
  using(storage: IntegrationStorage): CredentialVault {
    return new CredentialVault(storage, this.#cipher, this.#clock);
  }

  /** Stores a tenant's credentials, replacing any earlier ones (a new connection). */
  async put<S extends SecretValues, P extends JsonObject>(
    tenantId: string,
    provider: string,
    secret: S,
    publicData: P,
    expiresAt: string | null = null,
  ): Promise<StoredCredentials<S, P>> {
    const ciphertext = await this.#seal(tenantId, provider, secret);
    const record = await this.#storage.credentials.put(
      { tenantId, provider, ciphertext, publicData, expiresAt },
      this.#now(),
    );
    return stored(secret, publicData, record);
  }

  /** Compare-and-swap: writes only if nobody else wrote since `expectedVersion` was read. */
  async replace<S extends SecretValues, P extends JsonObject>(
    tenantId: string,
    provider: string,
    expectedVersion: number,
    secret: S,
    publicData: P,
    expiresAt: string | null = null,
  ): Promise<StoredCredentials<S, P> | undefined> {
    const ciphertext = await this.#seal(tenantId, provider, secret);
    const record = await this.#storage.credentials.replace(
      { tenantId, provider, ciphertext, publicData, expiresAt },
      expectedVersion,
      this.#now(),
    );
    return record && stored(secret, publicData, record);
  }

  /**
   * Persists refreshed credentials if `leaseId` still holds the refresh lease; undefined when the
   * merchant reconnected or disconnected meanwhile (their choice wins over the refresh).
   */
  async completeRefresh<S extends SecretValues, P extends JsonObject>(
    tenantId: string,
    provider: string,
    leaseId: string,
    secret: S,
    publicData: P,
    expiresAt: string | null,
  ): Promise<StoredCredentials<S, P> | undefined> {
    const ciphertext = await this.#seal(tenantId, provider, secret);
    const record = await this.#storage.credentials.completeRefresh(
      { tenantId, provider, ciphertext, publicData, expiresAt },
      leaseId,
      this.#now(),
    );
    return record && stored(secret, publicData, record);
  }

  async get<S extends SecretValues = SecretValues, P extends JsonObject = JsonObject>(
    tenantId: string,
    provider: string,
  ): Promise<StoredCredentials<S, P> | undefined> {
    const record = await this.#storage.credentials.get(tenantId, provider);
    if (!record) return undefined;
    return stored((await this.#open(record)) as S, record.publicData as P, record);
  }

  async delete(tenantId: string, provider: string): Promise<boolean> {
    return this.#storage.credentials.delete(tenantId, provider);
  }

  /** Re-seals every stored credential with the cipher's active key. Safe to run again. */
  async rotate(): Promise<RotationReport> {
    const report: RotationReport = { total: 0, rotated: 0, alreadyCurrent: 0, unreadable: [] };
    let after: { tenantId: string; provider: string } | undefined;
    for (;;) {
      const page = await this.#storage.credentials.listPage(after, ROTATION_PAGE);
      for (const record of page) {
        report.total += 1;
        if (this.#cipher.keyIdOf(record.ciphertext) === this.#cipher.activeKeyId) {
          report.alreadyCurrent += 1;
          continue;
        }
        const aad = credentialAssociatedData(record.tenantId, record.provider);
        let plaintext: string;
        try {
          plaintext = await this.#cipher.decrypt(record.ciphertext, aad);
        } catch {
          report.unreadable.push({ tenantId: record.tenantId, provider: record.provider });
          continue;
        }
        const ciphertext = await this.#cipher.encrypt(plaintext, aad);
        const written = await this.#storage.credentials.replace(
          {
            tenantId: record.tenantId,
            provider: record.provider,
            ciphertext,
            publicData: record.publicData,
            expiresAt: record.expiresAt,
          },
          record.version,
          this.#now(),
        );
        // A concurrent write already sealed fresh credentials with the active key.
        if (written) report.rotated += 1;
        else report.alreadyCurrent += 1;
      }
      const last = page.at(-1);
      if (page.length < ROTATION_PAGE || !last) break;
      after = { tenantId: last.tenantId, provider: last.provider };
    }
    return report;
  }

  #seal(tenantId: string, provider: string, secret: SecretValues): Promise<string> {
    return this.#cipher.encrypt(JSON.stringify(secret), credentialAssociatedData(tenantId, provider));
  }

  async #open(record: CredentialRecord): Promise<SecretValues> {
    try {
      const plaintext = await this.#cipher.decrypt(
        record.ciphertext,
        credentialAssociatedData(record.tenantId, record.provider),
      );
      return JSON.parse(plaintext) as SecretValues;
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      throw new IntegrationError(
        'CREDENTIALS_UNREADABLE',
        `The stored ${record.provider} credentials cannot be decrypted with the configured keys. Restore the previous encryption key or reconnect ${record.provider}.`,
        { status: 500 },
      );
    }
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}
