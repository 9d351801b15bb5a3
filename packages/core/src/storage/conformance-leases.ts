import { describe, expect, it } from 'vitest';
import type { IntegrationStorage, RefreshLeaseClaim } from './port.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:00:10.000Z';
const T2 = '2026-01-01T00:00:40.000Z';
const T3 = '2026-01-01T00:01:00.000Z';

function clover(ciphertext: string, expiresAt: string | null = T1) {
  return { tenantId: 'tenant-a', provider: 'clover', ciphertext, publicData: { merchant_id: 'M1' }, expiresAt };
}

function claim(leaseId: string, overrides: Partial<RefreshLeaseClaim> = {}): RefreshLeaseClaim {
  return { tenantId: 'tenant-a', provider: 'clover', expectedVersion: 1, leaseId, now: T1, until: T2, ...overrides };
}

/** The refresh lease: how servers sharing one database agree that exactly one refreshes a token. */
export function describeRefreshLeaseConformance(storage: () => IntegrationStorage): void {
  describe('credential refresh leases', () => {
    it('stores the access token expiry and reports no lease on a fresh row', async () => {
      const written = await storage().credentials.put(clover('pos1.k.v1'), T0);
      expect(written).toMatchObject({ version: 1, expiresAt: T1, refreshLeaseUntil: null });
      expect(await storage().credentials.get('tenant-a', 'clover')).toMatchObject({ expiresAt: T1 });
    });

    it('grants the lease once at the read version, and not to a stale version or another tenant', async () => {
      await storage().credentials.put(clover('pos1.k.v1'), T0);
      expect(await storage().credentials.claimRefreshLease(claim('lease-stale', { expectedVersion: 7 }))).toBe(false);
      expect(await storage().credentials.claimRefreshLease(claim('lease-other', { tenantId: 'tenant-b' }))).toBe(false);
      expect(await storage().credentials.claimRefreshLease(claim('lease-1'))).toBe(true);
      expect(await storage().credentials.claimRefreshLease(claim('lease-2'))).toBe(false);
      expect(await storage().credentials.get('tenant-a', 'clover')).toMatchObject({
        version: 1,
        refreshLeaseUntil: T2,
      });
    });

    it('gives the lease to exactly one of many concurrent claimants', async () => {
      await storage().credentials.put(clover('pos1.k.v1'), T0);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, index) => storage().credentials.claimRefreshLease(claim(`lease-${index}`))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('lets a lease be claimed again once it has expired (its holder died)', async () => {
      await storage().credentials.put(clover('pos1.k.v1'), T0);
      expect(await storage().credentials.claimRefreshLease(claim('lease-dead'))).toBe(true);
      expect(await storage().credentials.claimRefreshLease(claim('lease-next', { now: T2, until: T3 }))).toBe(true);
      // The dead holder's late write no longer counts; the new holder's does.
      expect(await storage().credentials.completeRefresh(clover('pos1.k.dead'), 'lease-dead', T2)).toBeUndefined();
      expect(await storage().credentials.completeRefresh(clover('pos1.k.next', T3), 'lease-next', T2)).toMatchObject({
        ciphertext: 'pos1.k.next',
        version: 2,
      });
    });

    it('completes a refresh only for the lease holder: new version, new expiry, lease cleared, connection time kept', async () => {
      await storage().credentials.put(clover('pos1.k.v1'), T0);
      await storage().credentials.claimRefreshLease(claim('lease-1'));
      expect(await storage().credentials.completeRefresh(clover('pos1.k.intruder'), 'lease-2', T1)).toBeUndefined();
      const completed = await storage().credentials.completeRefresh(clover('pos1.k.v2', T3), 'lease-1', T1);
      expect(completed).toMatchObject({
        ciphertext: 'pos1.k.v2',
        version: 2,
        createdAt: T0,
        updatedAt: T1,
        expiresAt: T3,
        refreshLeaseUntil: null,
      });
      // The lease is spent: presenting it again writes nothing.
      expect(await storage().credentials.completeRefresh(clover('pos1.k.again'), 'lease-1', T1)).toBeUndefined();
      expect((await storage().credentials.get('tenant-a', 'clover'))?.ciphertext).toBe('pos1.k.v2');
    });

    it('keeps the lease with its holder through a key rotation', async () => {
      await storage().credentials.put(clover('pos1.k.v1'), T0);
      await storage().credentials.claimRefreshLease(claim('lease-1'));
      expect(await storage().credentials.replace(clover('pos1.k2.v1'), 1, T1)).toMatchObject({
        version: 2,
        refreshLeaseUntil: T2,
      });
      expect(await storage().credentials.completeRefresh(clover('pos1.k2.v2', T3), 'lease-1', T1)).toMatchObject({
        version: 3,
      });
    });

    it('voids a lease when the merchant reconnects or disconnects meanwhile', async () => {
      await storage().credentials.put(clover('pos1.k.v1'), T0);
      await storage().credentials.claimRefreshLease(claim('lease-1'));
      const reconnected = await storage().credentials.put(clover('pos1.k.reconnected', T3), T1);
      expect(reconnected).toMatchObject({ version: 2, refreshLeaseUntil: null });
      expect(await storage().credentials.completeRefresh(clover('pos1.k.stale'), 'lease-1', T1)).toBeUndefined();
      expect((await storage().credentials.get('tenant-a', 'clover'))?.ciphertext).toBe('pos1.k.reconnected');

      expect(await storage().credentials.claimRefreshLease(claim('lease-2', { expectedVersion: 2 }))).toBe(true);
      await storage().credentials.delete('tenant-a', 'clover');
      expect(await storage().credentials.completeRefresh(clover('pos1.k.ghost'), 'lease-2', T1)).toBeUndefined();
      expect(await storage().credentials.get('tenant-a', 'clover')).toBeUndefined();
    });

    it('releases only the lease presented, leaving the row as it was', async () => {
      await storage().credentials.put(clover('pos1.k.v1'), T0);
      await storage().credentials.claimRefreshLease(claim('lease-1'));
      await storage().credentials.releaseRefreshLease('tenant-a', 'clover', 'lease-other');
      expect((await storage().credentials.get('tenant-a', 'clover'))?.refreshLeaseUntil).toBe(T2);
      await storage().credentials.releaseRefreshLease('tenant-a', 'clover', 'lease-1');
      expect(await storage().credentials.get('tenant-a', 'clover')).toMatchObject({
        version: 1,
        ciphertext: 'pos1.k.v1',
        refreshLeaseUntil: null,
      });
      expect(await storage().credentials.claimRefreshLease(claim('lease-3'))).toBe(true);
    });
  });
}
