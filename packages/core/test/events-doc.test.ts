/**
 * The verification snippet in docs/events.md works: this test takes it from the page as written,
 * runs it as a module, and checks real deliveries with it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type EventReceiver, startEventReceiver } from '@pos/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EventHarness, eventHarness } from './event-fixtures.js';

const SECRET = 'whsec_doc_snippet_0123456789abcdef';
const doc = readFileSync(new URL('../../../docs/events.md', import.meta.url), 'utf8');

type Verify = (
  secret: string,
  rawBody: Buffer | string,
  header: string | undefined,
  toleranceSeconds?: number,
  nowSeconds?: number,
) => boolean;

/** The first `js` block under "## Verifying a delivery". */
function snippet(): string {
  const section = doc.slice(doc.indexOf('## Verifying a delivery'));
  const match = /```js\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error('docs/events.md has no js block under "Verifying a delivery"');
  return match[1];
}

describe('the verification snippet of docs/events.md', () => {
  let harness: EventHarness;
  let receiver: EventReceiver;
  let dir: string;
  beforeEach(async () => {
    harness = eventHarness();
    receiver = await startEventReceiver();
    dir = mkdtempSync(join(tmpdir(), 'pos-events-doc-'));
  });
  afterEach(async () => {
    await harness.close();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses node:crypto only, and accepts real deliveries and nothing altered', async () => {
    const code = snippet();
    const imports = [...code.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
    expect(imports).toEqual(['node:crypto']);
    const file = join(dir, 'verify.mjs');
    writeFileSync(file, code);
    const { verifyPosSignature } = (await import(pathToFileURL(file).href)) as { verifyPosSignature: Verify };

    const { integrations } = await harness.open({
      outbound: { allowedPrivateHosts: [receiver.hostPort] },
      events: { delivery: { url: receiver.url, secret: SECRET } },
    });
    await integrations.connections.connect('tenant-a', 'payco', { account: 'acct_a' });
    await integrations.connections.disconnect('tenant-a', 'payco');
    await integrations.events.delivery?.deliverDue();
    expect(receiver.received).toHaveLength(2);

    const now = Math.floor(harness.clock.now().getTime() / 1000);
    for (const { body, headers } of receiver.received) {
      const header = String(headers['pos-signature']);
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifyPosSignature(SECRET, Buffer.from(body), header, 300, now)).toBe(true);
      expect(verifyPosSignature(SECRET, body, header, 300, now)).toBe(true);
      expect(verifyPosSignature(SECRET, body.replace('tenant-a', 'tenant-b'), header, 300, now)).toBe(false);
      expect(verifyPosSignature('whsec_another_secret_0123456789', body, header, 300, now)).toBe(false);
      // A replay ten minutes later is refused.
      expect(verifyPosSignature(SECRET, body, header, 300, now + 600)).toBe(false);
      expect(verifyPosSignature(SECRET, body, undefined, 300, now)).toBe(false);
    }
  });
});
