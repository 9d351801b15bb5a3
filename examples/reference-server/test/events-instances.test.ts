/**
 * Two reference servers (the built `dist/main.js`) on one PostgreSQL database deliver the shared
 * event outbox: every event reaches the receiver, each exactly once while it answers 2xx, whichever
 * instance made the event and however their delivery passes overlap.
 */
import { existsSync } from 'node:fs';
import { type EventReceiver, type PostgresCluster, startEventReceiver, startPostgresCluster } from '@pos/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceInstances, startReferenceServers } from './support/instances.js';

const main = new URL('../dist/main.js', import.meta.url).pathname;
let cluster: PostgresCluster;
let receiver: EventReceiver;
let servers: ReferenceInstances | undefined;

beforeAll(async () => {
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first (npm test does).`);
  cluster = await startPostgresCluster();
  receiver = await startEventReceiver();
});
afterAll(async () => {
  await servers?.stop();
  await receiver?.close();
  cluster?.stop();
});

describe('event delivery from two reference servers on one PostgreSQL database', () => {
  it('posts every event once, whichever instance made it', async () => {
    servers = await startReferenceServers({
      databaseUrl: cluster.freshDatabase(),
      env: {
        POS_ALLOWED_PRIVATE_HOSTS: receiver.hostPort,
        POS_EVENTS_URL: receiver.url,
        POS_EVENTS_SECRET: 'whsec_instances_events_0123456789',
        POS_EVENTS_INTERVAL_MS: '100',
      },
    });
    const [first, second] = servers.instances;
    if (!first || !second) throw new Error('two instances expected');
    // One seed at a time on each instance (a tenant runs few batches at once), both at once.
    const seed = (instance: typeof first) =>
      instance.api('POST', '/api/data-manager/seed', { body: { entity_type: 'products', count: 2 } });
    for (let round = 0; round < 3; round += 1) {
      for (const response of await Promise.all([seed(first), seed(second)])) expect(response.status).toBeLessThan(300);
    }
    for (let waited = 0; receiver.received.length < 6; waited += 50) {
      if (waited > 30_000) throw new Error(`Only ${receiver.received.length} of 6 events arrived`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Both instances keep polling for a while: nothing arrives a second time.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const ids = receiver.received.map((request) => String(request.headers['pos-event-id']));
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    const log = await second.api<{ events: Array<{ status: string; attempts: number }> }>(
      'GET',
      '/api/integrations/events/logs',
    );
    expect(log.body.events).toHaveLength(6);
    for (const entry of log.body.events) expect(entry).toMatchObject({ status: 'delivered', attempts: 1 });
  });
});
