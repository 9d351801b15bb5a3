import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStorage, type SqliteStorage } from '@pos/storage-sqlite';
import { ManualClock, TEST_KEY_A } from '@pos/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntegrations, createKeyRing, type Integrations } from '../src/index.js';
import { IntegrationService } from '../src/integrations.js';
import { hub, MemoryTarget } from './memory-sync-target.js';

let dir: string;
let storage: SqliteStorage;
let integrations: Integrations;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pos-facade-'));
  storage = await createSqliteStorage({ filename: join(dir, 'pos.db') });
  integrations = createIntegrations({
    storage,
    cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
    connectors: [hub(new MemoryTarget())],
    clock: new ManualClock(),
  });
});
afterEach(async () => {
  await integrations.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Integrations facade', () => {
  it('composes its services instead of being one', () => {
    expect(integrations.connections).toBeInstanceOf(IntegrationService);
    expect(integrations).not.toBeInstanceOf(IntegrationService);
    expect(integrations.sync).toBeDefined();
    expect(integrations.batches).toBeDefined();
    expect(integrations.payments).toBeUndefined(); // no connector offers checkout
  });

  it('connects through integrations.connections with the sync target wired in', async () => {
    const seeded = await (await integrations.batches?.seed('tenant-a', { entityType: 'products', count: 3, seed: 1 }))
      ?.done;
    expect(seeded?.status).toBe('completed');
    expect((await integrations.sync.stats('tenant-a')).pending_queue_count).toBe(0); // no sync target yet
    const result = await integrations.connections.connect('tenant-a', 'hub', { url: 'https://hub.example' });
    expect(result).toMatchObject({ success: true, status: { connected: true, status: 'connected' } });
    // Connecting the sync target queued the rows the POS already held, and its summary has the figures.
    expect(await integrations.connections.summary('tenant-a', 'hub')).toEqual({
      project_name: 'Hub',
      reachable: true,
      last_sync_at: null,
      pending_queue_count: 3,
      failed_queue_count: 0,
    });
    await integrations.sync.enqueue('tenant-a', 'products', 'upsert', { sku: 'A', name: 'A', price: 1 });
    expect((await integrations.sync.stats('tenant-a')).pending_queue_count).toBe(4);
    // Disconnecting drops the undelivered changes in the same transaction.
    await integrations.connections.disconnect('tenant-a', 'hub');
    expect((await integrations.sync.stats('tenant-a')).pending_queue_count).toBe(0);
    expect((await integrations.connections.logs('tenant-a', 'hub')).logs.map((log) => log.event)).toEqual([
      'disconnected',
      'resync_queued',
      'connected',
    ]);
  });

  it('keeps the deprecated connection methods working by delegating to integrations.connections', async () => {
    await integrations.connect('tenant-b', 'hub', { url: 'https://hub.example' });
    expect(await integrations.status('tenant-b', 'hub')).toEqual(
      await integrations.connections.status('tenant-b', 'hub'),
    );
    expect(await integrations.summary('tenant-b', 'hub')).toEqual(
      await integrations.connections.summary('tenant-b', 'hub'),
    );
    expect(await integrations.test('tenant-b', 'hub')).toMatchObject({ success: true, message: 'ok' });
    expect(
      await integrations.withCredentials('tenant-b', 'hub', async (credentials) => credentials.publicData),
    ).toEqual({ url: 'https://hub.example' });
    expect(integrations.context('tenant-b').tenantId).toBe('tenant-b');
    expect(await integrations.disconnect('tenant-b', 'hub')).toEqual({ success: true, message: 'Hub disconnected.' });
    expect((await integrations.connections.status('tenant-b', 'hub')).connected).toBe(false);
  });
});
