/**
 * The lite and export builds are separate bundles, not flags: what `npm run build` wrote for them
 * (each entry file and every chunk it imports) holds no connector, payment, upload or sync code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

/** The newest modification time under a folder. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

/** An entry file and every local module it imports, statically or dynamically, as one text. */
function bundleText(packageDir: string, entry: string): { files: string[]; text: string } {
  const dist = join(root, packageDir, 'dist');
  const entryPath = join(dist, entry);
  const built = statSync(entryPath, { throwIfNoEntry: false });
  if (!built) throw new Error(`${relative(root, entryPath)} is missing: run "npm run build" first (npm test does).`);
  if (newest(join(root, packageDir, 'src')) > built.mtimeMs) {
    throw new Error(`${relative(root, entryPath)} is older than its sources: run "npm run build" first.`);
  }
  const seen = new Set<string>();
  const queue = [entryPath];
  let text = '';
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    text += code;
    for (const match of code.matchAll(/(?:from|import|require)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      queue.push(join(dirname(file), match[1] as string));
    }
  }
  return { files: [...seen].map((file) => relative(dist, file)), text };
}

/** What only connectors, payments, uploads and sync bring: provider names and hosts, SDKs, routes. */
const CONNECTOR_CODE = [
  /stripe/i,
  /square/i,
  /clover/i,
  /supabase/i,
  /postgrest/i,
  /@pos\/connector-/,
  /busboy/,
  /webhook/i,
  /checkout/i,
  /\/api\/integrations\/[a-z{:]/,
  /\/api\/payments\//,
  /\/api\/data-manager\/(seed|upload|batches)/,
];

/**
 * An import of a package name rather than a file: a browser cannot resolve it. The name starts
 * at the quote (a text that ends in "import" or "from", like the route `import-from`, is none).
 */
const BARE_IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*["'](?![./])[\w@]/;

function expectNoConnectorCode(text: string) {
  for (const pattern of CONNECTOR_CODE) expect(text, `found ${pattern}`).not.toMatch(pattern);
}

describe('@pos/server-express variant bundles', () => {
  for (const entry of ['lite.js', 'lite.cjs']) {
    it(`${entry} mounts capabilities and nothing of connectors, payments, the Data Manager or sync`, () => {
      const { text } = bundleText('packages/server-express', entry);
      expect(text).toContain('/api/capabilities');
      expectNoConnectorCode(text);
      expect(text).not.toContain('/api/data-manager/export');
    });
  }

  for (const entry of ['export.js', 'export.cjs']) {
    it(`${entry} adds the CSV export and still no connector code`, () => {
      const { text } = bundleText('packages/server-express', entry);
      expect(text).toContain('/api/data-manager/export');
      expectNoConnectorCode(text);
    });
  }

  it('full.js has the rest (so the checks above can fail)', () => {
    const { text } = bundleText('packages/server-express', 'full.js');
    for (const route of ['/api/payments/checkout-session', '/api/data-manager/upload', '/api/integrations']) {
      expect(text).toContain(route);
    }
    expect(text).toMatch(/busboy/);
    // The webhook route, and the seed's provider flags the full capabilities list (the signature
    // header's name comes from the checkout connector, not from this package).
    expect(text).toMatch(/\/api\/payments\/webhooks\//);
    expect(text).toMatch(/stripe/i);
  });
});

describe('@pos/web-components variant bundles', () => {
  for (const entry of ['lite.js', 'browser/pos-web-components-lite.js']) {
    it(`${entry} defines the payment selection only and never calls the API`, () => {
      const { text } = bundleText('packages/web-components', entry);
      expect(text).toContain('pos-payment-method-select');
      expectNoConnectorCode(text);
      expect(text).not.toContain('/api/');
      expect(text).not.toMatch(/pos-integration|pos-data-export|pos-data-manager|pos-stripe-checkout-button/);
    });
  }

  for (const entry of ['export.js', 'browser/pos-web-components-export.js']) {
    it(`${entry} adds <pos-data-export> and no integration, Data Manager or checkout element`, () => {
      const { text } = bundleText('packages/web-components', entry);
      expect(text).toContain('pos-data-export');
      expect(text).toContain('pos-payment-method-select');
      expectNoConnectorCode(text);
      expect(text).not.toMatch(/pos-integration|pos-data-manager|pos-stripe-checkout-button/);
      // Nor the Data Manager's texts or the QR encoder the checkout button draws with.
      expect(text).not.toMatch(/Generate sample data|getModuleCount/);
    });
  }

  for (const entry of ['browser/pos-web-components-lite.js', 'browser/pos-web-components-export.js']) {
    it(`${entry} is one self-contained file, Lit included`, () => {
      const { files, text } = bundleText('packages/web-components', entry);
      expect(files).toEqual([entry]);
      expect(text).not.toMatch(BARE_IMPORT);
    });
  }

  it('the full browser bundle has every element (so the checks above can fail), Lit included', () => {
    const { files, text } = bundleText('packages/web-components', 'browser/pos-web-components.js');
    // Its chunks (shared code, and what loads on first use) sit beside it; nothing outside.
    for (const file of files) expect(file).toMatch(/^browser\/pos-web-components(-chunk-[A-Z0-9]+)?\.js$/);
    expect(text).not.toMatch(BARE_IMPORT);
    for (const tag of ['pos-integration-card', 'pos-data-export', 'pos-data-manager', 'pos-stripe-checkout-button']) {
      expect(text).toContain(tag);
    }
    expect(text).toMatch(/Generate sample data/);
    expect(text).toMatch(/getModuleCount/);
  });
});
