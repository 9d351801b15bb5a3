import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStorage } from '@pos/storage-sqlite';
import { ManualClock, TEST_KEY_A } from '@pos/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OAuthConnector } from '../src/connector.js';
import {
  createIntegrations,
  createKeyRing,
  IntegrationError,
  type IntegrationStorage,
  type Integrations,
} from '../src/index.js';
import type { CredentialStore } from '../src/storage.js';

type Secret = { access_token: string; refresh_token: string };
const HOUR = 3_600_000;

/** A provider whose refresh takes a while and counts its calls; refresh tokens are single use. */
function provider(clock: ManualClock) {
  const state = { refreshes: 0, live: new Set(['rt-0']), fail: undefined as IntegrationError | undefined };
  const connector: OAuthConnector<Secret, { merchant: string }> = {
    id: 'acme',
    displayName: 'Acme',
    kind: 'oauth',
    stateInvalidCode: 'ACME_STATE_INVALID',
    oauthFailedCode: 'ACME_OAUTH_FAILED',
    tokenExpiredCode: 'ACME_TOKEN_EXPIRED',
    authorizationUrl: (value) => `https://acme.example/authorize?state=${value}`,
    exchange: async () => {
      throw new Error('not used');
    },
    async refresh({ secret, publicData }) {
      state.refreshes += 1;
      await new Promise((resolve) => setTimeout(resolve, 30));
      if (state.fail) throw state.fail;
      if (!state.live.delete(secret.refresh_token)) {
        throw new IntegrationError('ACME_TOKEN_EXPIRED', 'refresh token refused', { needsReconnect: true });
      }
      const next = `rt-${state.refreshes}`;
      state.live.add(next);
      return {
        secret: { access_token: `at-${state.refreshes}`, refresh_token: next },
        publicData,
        expiresAt: new Date(clock.now().getTime() + HOUR).toISOString(),
      };
    },
    summary: async () => ({}),
    test: async () => ({ message: 'ok' }),
  };
  return { connector, state };
}

/** `target` with some members replaced; every other method still runs on `target` itself. */
function overriding<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(inner, key) {
      if (Object.hasOwn(overrides, key)) return overrides[key as keyof T];
      const value = Reflect.get(inner, key, inner);
      return typeof value === 'function' ? value.bind(inner) : value;
    },
  });
}

/** The storage as another process sees it, with every lease claim held until `claimants` arrive. */
function withClaimBarrier(storage: IntegrationStorage, claimants: number): IntegrationStorage {
  const waiting: Array<() => void> = [];
  const credentials = overriding<CredentialStore>(storage.credentials, {
    claimRefreshLease: async (claim) => {
      await new Promise<void>((release) => {
        waiting.push(release);
        if (waiting.length >= claimants) for (const go of waiting.splice(0)) go();
        setTimeout(release, 500);
      });
      return storage.credentials.claimRefreshLease(claim);
    },
  });
  return overriding(storage, { credentials });
}

let dir: string;
let clock: ManualClock;
const open: Integrations[] = [];

async function server(acme: OAuthConnector<Secret, { merchant: string }>, barrier = 0): Promise<Integrations> {
  const storage = await createSqliteStorage({ filename: join(dir, 'pos.db') });
  const integrations = createIntegrations({
    storage: barrier ? withClaimBarrier(storage, barrier) : storage,
    cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
    connectors: [acme],
    clock,
    tokenRefresh: { pollMs: 10 },
  });
  open.push(integrations);
  return integrations;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-refresh-'));
  clock = new ManualClock('2026-03-01T12:00:00.000Z');
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((integrations) => integrations.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function expiredConnection(integrations: Integrations) {
  await integrations.vault.put(
    'tenant-a',
    'acme',
    { access_token: 'at-0', refresh_token: 'rt-0' },
    { merchant: 'M1' },
    new Date(clock.now().getTime() - HOUR).toISOString(),
  );
}

const accessToken = (integrations: Integrations) =>
  integrations.withCredentials<string, Secret>('tenant-a', 'acme', async ({ secret }) => secret.access_token);

describe('token refresh across servers sharing one database', () => {
  it('refreshes once even when both servers read the expired row before either claims the lease', async () => {
    const { connector, state } = provider(clock);
    const first = await server(connector, 2);
    const second = await server(connector, 2);
    await expiredConnection(first);

    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, index) => accessToken(index % 2 === 0 ? first : second)),
    );
    expect(tokens).toEqual(Array(20).fill('at-1'));
    expect(state.refreshes).toBe(1);
    expect((await first.vault.get<Secret>('tenant-a', 'acme'))?.secret.refresh_token).toBe('rt-1');
  });

  it('takes over a lease whose holder died once the lease runs out', async () => {
    const { connector, state } = provider(clock);
    const integrations = await server(connector);
    await expiredConnection(integrations);
    await integrations.storage.credentials.claimRefreshLease({
      tenantId: 'tenant-a',
      provider: 'acme',
      expectedVersion: 1,
      leaseId: 'crashed-server',
      now: clock.now().toISOString(),
      until: new Date(clock.now().getTime() + 30_000).toISOString(),
    });

    const waiting = accessToken(integrations);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(state.refreshes).toBe(0);
    clock.advance(31_000);
    expect(await waiting).toBe('at-1');
    expect(state.refreshes).toBe(1);
  });

  it('does not refresh again when the server holding the lease reports the refresh refused', async () => {
    const { connector, state } = provider(clock);
    const integrations = await server(connector);
    await expiredConnection(integrations);
    const lease = {
      tenantId: 'tenant-a',
      provider: 'acme',
      expectedVersion: 1,
      leaseId: 'other-server',
      now: clock.now().toISOString(),
      until: new Date(clock.now().getTime() + 30_000).toISOString(),
    };
    await integrations.storage.credentials.claimRefreshLease(lease);

    const waiting = accessToken(integrations).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await integrations.storage.statuses.put({
      tenantId: 'tenant-a',
      provider: 'acme',
      status: 'error',
      lastTestedAt: null,
      lastError: 'Acme refused to renew the access token.',
      lastErrorCode: 'ACME_TOKEN_EXPIRED',
      needsReconnect: true,
      updatedAt: clock.now().toISOString(),
    });
    await integrations.storage.credentials.releaseRefreshLease('tenant-a', 'acme', 'other-server');
    expect(await waiting).toMatchObject({ code: 'ACME_TOKEN_EXPIRED', needsReconnect: true });
    expect(state.refreshes).toBe(0);
  });

  it('shares one failed refresh among concurrent callers and records it once', async () => {
    const { connector, state } = provider(clock);
    const integrations = await server(connector);
    await expiredConnection(integrations);
    state.live.clear();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => accessToken(integrations).catch((error: unknown) => error)),
    );
    expect(results.every((error) => error instanceof IntegrationError && error.code === 'ACME_TOKEN_EXPIRED')).toBe(
      true,
    );
    expect(state.refreshes).toBe(1);
    const logs = await integrations.logs('tenant-a', 'acme', { event: 'token_refresh_failed' });
    expect(logs.logs).toHaveLength(1);
    expect((await integrations.status('tenant-a', 'acme')).needs_reconnect).toBe(true);
    const row = await integrations.storage.credentials.get('tenant-a', 'acme');
    expect(row).toMatchObject({ version: 1, refreshLeaseUntil: null });
  });
});
