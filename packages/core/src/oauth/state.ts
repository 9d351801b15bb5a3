import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { rateLimited } from '../limits/rate-limited.js';
import type { JsonObject, OAuthStateStore } from '../storage/port.js';

/** States live ten minutes: long enough to sign in at a provider, short enough to be useless if leaked later. */
export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;
const STATE_BYTES = 32;
const STATE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface ConsumedState {
  tenantId: string;
  data: JsonObject | null;
}

function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

/**
 * Issues and consumes OAuth `state` values (property 1, docs/properties.md): 256 random bits, bound to the
 * tenant and provider that asked, stored only as a hash, usable once, for ten minutes.
 */
export class OAuthStateService {
  /** Issues in progress per tenant, so concurrent requests cannot all pass the open-state count. */
  readonly #issuing = new Map<string, Promise<unknown>>();

  /** `maxOpenPerTenant`: how many unused, unexpired states one tenant may hold (default: no limit). */
  readonly #store: OAuthStateStore;
  readonly #clock: Clock;
  readonly #maxOpenPerTenant: number;

  constructor(store: OAuthStateStore, clock: Clock, maxOpenPerTenant = Number.POSITIVE_INFINITY) {
    this.#store = store;
    this.#clock = clock;
    this.#maxOpenPerTenant = maxOpenPerTenant;
  }

  /**
   * A new state for the tenant and provider. Throws `RATE_LIMITED` (429) when the tenant already
   * holds `maxOpenPerTenant` open states; `retryAfter` is when the first of them expires.
   */
  issue(tenantId: string, provider: string, data: JsonObject | null = null): Promise<string> {
    const previous = this.#issuing.get(tenantId) ?? Promise.resolve();
    const issued = previous.catch(() => undefined).then(() => this.#issue(tenantId, provider, data));
    this.#issuing.set(tenantId, issued);
    const forget = () => {
      if (this.#issuing.get(tenantId) === issued) this.#issuing.delete(tenantId);
    };
    issued.then(forget, forget);
    return issued;
  }

  async #issue(tenantId: string, provider: string, data: JsonObject | null): Promise<string> {
    const state = randomBytes(STATE_BYTES).toString('base64url');
    const now = this.#clock.now();
    await this.#store.deleteExpired(now.toISOString());
    if (Number.isFinite(this.#maxOpenPerTenant)) {
      const open = await this.#store.countOpen(tenantId, now.toISOString());
      if (open.count >= this.#maxOpenPerTenant) {
        const firstExpiry = open.firstExpiresAt ? Date.parse(open.firstExpiresAt) : now.getTime();
        throw rateLimited(
          `This account has ${open.count} connections waiting for their provider's authorization, the most it may have: finish one, or try again once the oldest link expires.`,
          (firstExpiry - now.getTime()) / 1000,
          { limit: 'oauth_states_per_tenant', max: this.#maxOpenPerTenant },
        );
      }
    }
    await this.#store.insert({
      stateHash: hashState(state),
      tenantId,
      provider,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + OAUTH_STATE_TTL_MS).toISOString(),
      data,
    });
    return state;
  }

  /**
   * Returns the tenant the state was issued to, or undefined when the state is unknown, used,
   * expired or was issued for another provider. Presenting a state uses it up either way.
   */
  async consume(provider: string, state: unknown): Promise<ConsumedState | undefined> {
    if (typeof state !== 'string' || !STATE_SHAPE.test(state)) return undefined;
    const record = await this.#store.take(hashState(state));
    if (!record || record.provider !== provider) return undefined;
    if (record.expiresAt <= this.#clock.now().toISOString()) return undefined;
    return { tenantId: record.tenantId, data: record.data };
  }
}
