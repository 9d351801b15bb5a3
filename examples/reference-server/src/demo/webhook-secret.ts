import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Demo mode's own Stripe webhook signing secret, kept beside the database and created on first
 * start: the simulated checkout page signs its webhooks with it, the server verifies them.
 */
export function demoWebhookSecret(dataDir: string): string {
  const path = join(dataDir, 'demo-stripe-webhook.secret');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = `whsec_demo${randomBytes(24).toString('base64url').replace(/[-_]/g, 'x')}`;
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}
