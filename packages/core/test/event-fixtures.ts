import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStorage, type SqliteStorage } from '@pos/storage-sqlite';
import { ManualClock, TEST_KEY_A } from '@pos/test-support';
import { z } from 'zod';
import type { ApiKeyConnector, JsonObject } from '../src/connector.js';
import {
  type CreateIntegrationsOptions,
  createIntegrations,
  createKeyRing,
  IntegrationError,
  type Integrations,
} from '../src/index.js';
import { MemoryCheckout } from './memory-checkout.js';
import { hub, MemoryTarget } from './memory-sync-target.js';

/** The secrets the fixtures' connectors hold: none may appear in an event, a log row or a delivery. */
export const FIXTURE_SECRETS = ['payco-token-0123456789', 'hub-secret-key-0123456789', 'flaky-key-0123456789'];

/** A connector whose connection test says the key was revoked. */
export function flaky(): ApiKeyConnector<{ name: string }, { key: string }, JsonObject> {
  return {
    id: 'flaky',
    displayName: 'Flaky',
    kind: 'api_key',
    credentialsSchema: z.object({ name: z.string() }),
    credentialFields: [{ name: 'name', label: 'Name', secret: false, required: true }],
    verify: async () => ({ secret: { key: 'flaky-key-0123456789' }, publicData: {} }),
    summary: async () => ({}),
    test: async () => {
      throw new IntegrationError('PROVIDER_REJECTED', 'Flaky revoked the key flaky-key-0123456789.', {
        needsReconnect: true,
      });
    },
  };
}

/** A checkout webhook event of the in-memory provider for one order's session. */
export function sessionEvent(
  id: string,
  outcome: 'completed_paid' | 'async_failed' | 'expired',
  session: { id: string | null; orderId: string; amount: number },
  at: string,
): { body: Buffer; signature: string } {
  const types = {
    completed_paid: 'checkout.session.completed',
    async_failed: 'checkout.session.async_payment_failed',
    expired: 'checkout.session.expired',
  };
  const event = {
    kind: 'session',
    id,
    type: types[outcome],
    account: 'acct_a',
    createdAt: at,
    outcome,
    session: {
      id: session.id,
      metadata: { tenant_id: 'tenant-a', order_id: session.orderId },
      clientReferenceId: session.orderId,
      amountTotal: session.amount,
      currency: 'usd',
    },
  };
  return { body: Buffer.from(JSON.stringify(event)), signature: 'valid' };
}

export interface EventHarness {
  clock: ManualClock;
  /** The sync target `hub` pushes to; `failNext` makes its pushes fail. */
  target: MemoryTarget;
  /** The SQLite file every instance opens. */
  dbPath: string;
  /** Opens an instance on the harness's database file (several share it, like servers). */
  open(options?: Partial<CreateIntegrationsOptions>): Promise<{ integrations: Integrations; storage: SqliteStorage }>;
  close(): Promise<void>;
}

export function eventHarness(): EventHarness {
  const dir = mkdtempSync(join(tmpdir(), 'pos-events-'));
  const clock = new ManualClock();
  const target = new MemoryTarget();
  const opened: Integrations[] = [];
  return {
    clock,
    target,
    dbPath: join(dir, 'pos.db'),
    async open(options = {}) {
      const storage = await createSqliteStorage({ filename: join(dir, 'pos.db') });
      const integrations = createIntegrations({
        storage,
        cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
        connectors: [new MemoryCheckout().connector(), hub(target), flaky()],
        clock,
        ...options,
      });
      opened.push(integrations);
      return { integrations, storage };
    },
    async close() {
      for (const integrations of opened.splice(0)) await integrations.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
