import { type EventReceiver, startEventReceiver } from '@pos/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

const SECRET = 'whsec_route_events_0123456789abcdef';

interface EventLog {
  events: Array<{ event_id: string; type: string; status: string; deliveries: Array<{ status_code: number | null }> }>;
  next_cursor: string | null;
}

describe('GET /api/integrations/events/logs', () => {
  let receiver: EventReceiver;
  let server: TestServer;
  beforeEach(async () => {
    receiver = await startEventReceiver();
    server = await startTestServer({
      outbound: { allowedPrivateHosts: [receiver.hostPort] },
      events: { delivery: { url: receiver.url, secret: SECRET } },
    });
  });
  afterEach(async () => {
    await server.close();
    await receiver.close();
  });

  const seed = async () => {
    const response = await server.as('tenant-a')('POST', '/api/data-manager/seed', {
      body: { entity_type: 'products', count: 2 },
    });
    expect(response.status).toBeLessThan(300);
  };

  it("lists the tenant's events with each delivery attempt, newest first, a page at a time", async () => {
    const capabilities = await server.anonymous<{ features: Record<string, boolean> }>('GET', '/api/capabilities');
    expect(capabilities.body.features.events).toBe(true);
    await seed();
    await seed();
    const pending = await server.as('tenant-a')<EventLog>('GET', '/api/integrations/events/logs');
    expect(pending.status).toBe(200);
    expect(pending.body.events).toHaveLength(2);
    expect(pending.body.events[0]).toMatchObject({ type: 'batch.completed', status: 'pending', deliveries: [] });

    receiver.script([500], 204);
    await server.integrations.events.delivery?.deliverDue();
    const first = await server.as('tenant-a')<EventLog>('GET', '/api/integrations/events/logs?limit=1');
    expect(first.body.events).toHaveLength(1);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await server.as('tenant-a')<EventLog>(
      'GET',
      `/api/integrations/events/logs?limit=1&cursor=${first.body.next_cursor}`,
    );
    expect(second.body.events).toHaveLength(1);
    expect(second.body.next_cursor).toBeNull();
    const entries = [...first.body.events, ...second.body.events];
    expect(new Set(entries.map((entry) => entry.event_id)).size).toBe(2);
    expect(entries.map((entry) => entry.status).sort()).toEqual(['delivered', 'pending']);
    expect(entries.flatMap((entry) => entry.deliveries.map((attempt) => attempt.status_code)).sort()).toEqual([
      204, 500,
    ]);
    expect(JSON.stringify(entries)).not.toContain(SECRET);

    const other = await server.as('tenant-b')<EventLog>('GET', '/api/integrations/events/logs');
    expect(other.body.events).toEqual([]);
  });

  it('answers bad input and a missing key with the error body', async () => {
    expect((await server.anonymous('GET', '/api/integrations/events/logs')).status).toBe(401);
    for (const query of ['limit=0', 'limit=101', 'cursor=%21%21']) {
      const response = await server.as('tenant-a')('GET', `/api/integrations/events/logs?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body).toMatchObject({ success: false, error_code: 'VALIDATION_FAILED' });
    }
  });

  it('is not mounted without event delivery', async () => {
    const plain = await startTestServer();
    try {
      const capabilities = await plain.anonymous<{ features: Record<string, boolean> }>('GET', '/api/capabilities');
      expect(capabilities.body.features.events).toBeUndefined();
      const response = await plain.as('tenant-a')('GET', '/api/integrations/events/logs');
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ success: false, error_code: 'NOT_FOUND' });
    } finally {
      await plain.close();
    }
  });
});
