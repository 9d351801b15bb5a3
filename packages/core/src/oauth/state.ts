import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
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
 * Issues and consumes OAuth `state` values (seed Property 1): 256 random bits, bound to the
 * tenant and provider that asked, stored only as a hash, usable once, for ten minutes.
 */
export class OAuthStateService {
  constructor(
    private readonly store: OAuthStateStore,
    private readonly clock: Clock,
  ) {}

  async issue(tenantId: string, provider: string, data: JsonObject | null = null): Promise<string> {
    const state = randomBytes(STATE_BYTES).toString('base64url');
    const now = this.clock.now();
    await this.store.deleteExpired(now.toISOString());
    await this.store.insert({
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
    const record = await this.store.take(hashState(state));
    if (!record || record.provider !== provider) return undefined;
    if (record.expiresAt <= this.clock.now().toISOString()) return undefined;
    return { tenantId: record.tenantId, data: record.data };
  }
}
