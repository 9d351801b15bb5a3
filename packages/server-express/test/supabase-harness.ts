import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { supabase } from '@pos/connector-supabase';
import type { Connector } from '@pos/integrations-core';
import { type SupabaseStack, startSupabaseStack } from '@pos/test-support';
import { startTestServer, type TestServer } from './harness.js';

const setupSql = readFileSync(createRequire(import.meta.url).resolve('@pos/connector-supabase/setup.sql'), 'utf8');

/** A local Supabase project (real PostgREST) with the setup SQL run, and a server connected to nothing yet. */
export async function startSupabaseServer(
  alsoAllowed: readonly string[] = [],
  alsoConnectors: readonly Connector[] = [],
): Promise<{ stack: SupabaseStack; server: TestServer }> {
  const stack = await startSupabaseStack({ setupSql });
  const server = await startTestServer({
    connectors: [supabase({ retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 10 } }), ...alsoConnectors],
    // The local project listens on loopback: allowed explicitly, as for a local Supabase.
    outbound: { allowedPrivateHosts: [new URL(stack.projectUrl).host, ...alsoAllowed] },
  });
  return { stack, server };
}

/**
 * A TCP relay to a local project that can go down and come back on the same port: a Supabase
 * outage and its end, as the POS sees them.
 */
export async function outageSwitch(): Promise<{
  host: string;
  target: number;
  down(): Promise<void>;
  up(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const relay = {
    host: '',
    target: 0,
    server: undefined as Server | undefined,
    async up() {
      const server = createServer((client) => {
        const upstream = createConnection(relay.target, '127.0.0.1');
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      const port = relay.host ? Number(relay.host.split(':')[1]) : 0;
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      relay.server = server;
      const address = server.address();
      if (address && typeof address === 'object') relay.host = `127.0.0.1:${address.port}`;
    },
    async down() {
      const server = relay.server;
      relay.server = undefined;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
  await relay.up();
  return relay;
}
