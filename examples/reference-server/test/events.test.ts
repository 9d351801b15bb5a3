/**
 * Host events from the built reference server (`dist/main.js`, run as `npm start` runs it) to a
 * real receiving server that fails, times out and recovers, across a restart of the server: every
 * event arrives, and an event that arrives twice has the same id and body.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyEventSignature } from '@pos/integrations-core';
import {
  apiClient,
  type EventReceiver,
  type NodeProcess,
  spawnNode,
  startEventReceiver,
  TEST_KEY_A,
} from '@pos/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../src/index.js';
import { LISTENING_LINE } from './support/instances.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const API_KEY = 'store-1-key-0123456789abcdef';
const SECRET = 'whsec_reference_events_0123456789';

interface EventEntry {
  event_id: string;
  type: string;
  status: string;
  deliveries: Array<{ status_code: number | null; error: string | null }>;
}

describe('event delivery from the reference server', () => {
  let dir: string;
  let receiver: EventReceiver;
  const running: NodeProcess[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pos-ref-events-'));
    receiver = await startEventReceiver();
  });
  afterEach(async () => {
    for (const server of running.splice(0)) await server.stop();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start() {
    const server = spawnNode(MAIN, {
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        POS_ENCRYPTION_KEY: TEST_KEY_A,
        POS_API_KEYS: `store-1:${API_KEY}`,
        POS_DB_PATH: join(dir, 'pos.db'),
        POS_ALLOWED_PRIVATE_HOSTS: receiver.hostPort,
        POS_EVENTS_URL: receiver.url,
        POS_EVENTS_SECRET: SECRET,
        POS_EVENTS_INTERVAL_MS: '100',
        POS_EVENTS_RETRY_BASE_MS: '100',
        POS_EVENTS_TIMEOUT_MS: '500',
      },
    });
    running.push(server);
    const [, url] = await server.waitForOutput(LISTENING_LINE, 30_000);
    return { server, api: apiClient(url as string, { token: API_KEY }) };
  }

  async function until(check: () => boolean, what: string) {
    for (let waited = 0; !check(); waited += 50) {
      if (waited > 30_000) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const seed = async (api: ReturnType<typeof apiClient>) => {
    const response = await api('POST', '/api/data-manager/seed', { body: { entity_type: 'products', count: 2 } });
    expect(response.status).toBeLessThan(300);
  };

  it('delivers every event through failures, a timeout and a restart, signed, duplicates only with the same id', async () => {
    // Down at first: every attempt gets a 500.
    receiver.script([], 500);
    const first = await start();
    const capabilities = await first.api<{ features: Record<string, boolean> }>('GET', '/api/capabilities');
    expect(capabilities.body.features.events).toBe(true);
    for (let index = 0; index < 3; index += 1) await seed(first.api);
    const idsOf = (answer?: number | 'hang') =>
      new Set(
        receiver.received
          .filter((request) => answer === undefined || request.answer === answer)
          .map((request) => String(request.headers['pos-event-id'])),
      );
    await until(() => idsOf(500).size === 3, 'three failed attempts');
    expect(await first.server.stop()).toBe(0);

    // Back after the restart, but the first answer never comes.
    receiver.script(['hang'], 204);
    const second = await start();
    await seed(second.api);
    await until(() => idsOf(204).size === 4, 'four delivered events');

    const log = await second.api<{ events: EventEntry[] }>('GET', '/api/integrations/events/logs');
    expect(log.status).toBe(200);
    expect(log.body.events).toHaveLength(4);
    expect(new Set(log.body.events.map((entry) => entry.event_id))).toEqual(idsOf(204));
    for (const entry of log.body.events) {
      expect(entry).toMatchObject({ type: 'batch.completed', status: 'delivered' });
      expect(entry.deliveries.at(-1)).toMatchObject({ status_code: 204, error: null });
    }
    const codes = log.body.events.flatMap((entry) => entry.deliveries.map((attempt) => attempt.status_code));
    expect(codes).toContain(500);
    expect(codes).toContain(null);

    const bodies = new Map<string, Set<string>>();
    for (const request of receiver.received) {
      const id = String(request.headers['pos-event-id']);
      expect(JSON.parse(request.body)).toMatchObject({ id, type: 'batch.completed', tenant_id: 'store-1' });
      expect(verifyEventSignature(SECRET, request.body, String(request.headers['pos-signature']))).toBe(true);
      bodies.set(id, (bodies.get(id) ?? new Set()).add(request.body));
    }
    for (const sent of bodies.values()) expect(sent.size).toBe(1);
    for (const server of [first.server, second.server]) expect(server.output()).not.toContain(SECRET);
    expect(JSON.stringify(log.body)).not.toContain(SECRET);
  });

  it('refuses to start with only one of POS_EVENTS_URL and POS_EVENTS_SECRET', () => {
    const base = { POS_ENCRYPTION_KEY: TEST_KEY_A, POS_API_KEYS: `store-1:${API_KEY}` };
    expect(() => readConfig({ ...base, POS_EVENTS_URL: 'https://pos.example.com/hooks' }, 'real')).toThrow(
      /POS_EVENTS_URL is set but POS_EVENTS_SECRET is not/,
    );
    expect(() => readConfig({ ...base, POS_EVENTS_SECRET: SECRET }, 'real')).toThrow(ConfigError);
    let message = '';
    try {
      readConfig({ ...base, POS_EVENTS_SECRET: SECRET }, 'real');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/POS_EVENTS_SECRET is set but POS_EVENTS_URL is not/);
    expect(message).not.toContain(SECRET);
    expect(readConfig(base, 'real').events).toBeUndefined();
    expect(
      readConfig({ ...base, POS_EVENTS_URL: 'https://pos.example.com/hooks', POS_EVENTS_SECRET: SECRET }, 'real')
        .events,
    ).toMatchObject({ url: 'https://pos.example.com/hooks', intervalMs: 5000, retryBaseMs: 10_000, timeoutMs: 10_000 });
  });
});
