/**
 * The connector conformance suite (`@pos/integrations-core/testing`) for Supabase, against a
 * local project (real PostgREST) behind a relay that can go down.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { supabase } from '@pos/connector-supabase';
import { type ConnectorSimulator, describeConnectorConformance } from '@pos/integrations-core/testing';
import { type SupabaseStack, startSupabaseStack } from '@pos/test-support';
import { afterAll, beforeAll } from 'vitest';
import { testServerHost } from './conformance-host.js';
import { outageSwitch } from './supabase-harness.js';

const setupSql = readFileSync(createRequire(import.meta.url).resolve('@pos/connector-supabase/setup.sql'), 'utf8');
const WRONG_KEY = 'sb_secret_wrong-key-0123456789';

let stack: SupabaseStack;
let relay: Awaited<ReturnType<typeof outageSwitch>>;
const allowedPrivateHosts: string[] = [];
let isDown = false;
beforeAll(async () => {
  relay = await outageSwitch();
  stack = await startSupabaseStack({ setupSql });
  relay.target = Number(new URL(stack.projectUrl).port);
  allowedPrivateHosts.push(relay.host);
});
afterAll(async () => {
  await relay?.down();
  await stack?.stop();
});

const simulator: ConnectorSimulator = {
  validCredentials: () => ({ project_url: `http://${relay.host}`, service_key: stack.secretKey }),
  invalidCredentials: () => ({ project_url: `http://${relay.host}`, service_key: WRONG_KEY }),
  async down() {
    await relay.down();
    isDown = true;
  },
  async up() {
    if (!isDown) return;
    await relay.up();
    isDown = false;
  },
  secrets: () => [stack.secretKey, WRONG_KEY],
};

describeConnectorConformance(
  supabase({ retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 10 } }),
  simulator,
  testServerHost({ outbound: { allowedPrivateHosts } }),
);
