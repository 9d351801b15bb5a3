import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { supabase } from '@pos/connector-supabase';
import { type SupabaseStack, startSupabaseStack } from '@pos/test-support';
import { startTestServer, type TestServer } from './harness.js';

const setupSql = readFileSync(createRequire(import.meta.url).resolve('@pos/connector-supabase/setup.sql'), 'utf8');

/** A local Supabase project (real PostgREST) with the setup SQL run, and a server connected to nothing yet. */
export async function startSupabaseServer(): Promise<{ stack: SupabaseStack; server: TestServer }> {
  const stack = await startSupabaseStack({ setupSql });
  const server = await startTestServer({
    connectors: [supabase({ retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 10 } })],
    // The local project listens on loopback: allowed explicitly, as for a local Supabase.
    outbound: { allowedPrivateHosts: [new URL(stack.projectUrl).host] },
  });
  return { stack, server };
}
