import { createRequire } from 'node:module';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostPage, openHostPage } from './harness.js';

// A host registers the element classes under names of its own: the class modules register
// nothing, `@pos/web-components/elements` hands out the classes, and `define/<tag>` registers one
// element under its own name. The page loads what a bundler makes of those two entry points.

const DEMO_KEY = 'pos_demo_key_not_for_production';

const HOST_PAGE = `<!doctype html>
<html lang="en">
  <body>
    <my-integrations token="${DEMO_KEY}"></my-integrations>
    <my-data-manager token="${DEMO_KEY}"></my-data-manager>
    <script type="module">
      import { PosDataManager, PosIntegrations } from '/host/elements.js';
      customElements.define('my-data-manager', PosDataManager);
      customElements.define('my-integrations', PosIntegrations);
      window.PosDataManager = PosDataManager;
    </script>
  </body>
</html>`;

/** The two entry points, resolved through the package's `exports`, bundled with Lit as a host's bundler would. */
async function hostBundle(): Promise<Map<string, string>> {
  const resolve = createRequire(import.meta.url).resolve;
  const result = await build({
    entryPoints: {
      elements: resolve('@pos/web-components/elements'),
      'define-data-manager': resolve('@pos/web-components/define/pos-data-manager'),
    },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: '/host',
    write: false,
  });
  return new Map(result.outputFiles.map((file) => [file.path, file.text]));
}

let host: HostPage;
let page: Page;

const defined = () =>
  page.evaluate(() =>
    Object.fromEntries(
      ['my-data-manager', 'my-integrations', 'pos-data-manager', 'pos-integrations', 'pos-integration-card'].map(
        (tag) => [tag, customElements.get(tag) !== undefined],
      ),
    ),
  );

beforeAll(async () => {
  const files = await hostBundle();
  host = await openHostPage('own-names.html', HOST_PAGE, (page) =>
    page.route(
      (address) => address.pathname.startsWith('/host/'),
      (route) => {
        const body = files.get(new URL(route.request().url()).pathname);
        return body === undefined
          ? route.fulfill({ status: 404 })
          : route.fulfill({ contentType: 'text/javascript', body });
      },
    ),
  );
  page = host.page;
  await page.waitForFunction(() => 'PosDataManager' in window);
});

afterAll(async () => {
  await host?.close();
});

describe('a host that registers the elements under its own names', () => {
  it('uses PosDataManager as <my-data-manager>, and nothing is registered under the package names', async () => {
    const manager = page.locator('my-data-manager');
    await manager.getByRole('button', { name: 'Generate' }).waitFor();
    await expect.poll(() => manager.locator('[part="batch"]').count()).toBeGreaterThan(0);
    expect(await defined()).toEqual({
      'my-data-manager': true,
      'my-integrations': true,
      'pos-data-manager': false,
      'pos-integrations': false,
      // What <my-integrations> renders inside itself, under the name its template uses.
      'pos-integration-card': true,
    });

    await manager.getByLabel('Rows').fill('3');
    await manager.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => manager.locator('[part="notice"]').textContent()).toContain('completed: 3 rows.');
  });

  it('gets the cards of <my-integrations>, each one working', async () => {
    const card = page.locator('my-integrations pos-integration-card[provider="square"]');
    await expect.poll(() => card.locator('[part~="badge"]').textContent()).toBe('Not connected');
    expect(await card.getByLabel('Access token').getAttribute('type')).toBe('password');
  });

  it('can still register the same class under the package name with its define module', async () => {
    // A module script, as a host page would load it (the test's own import() is rewritten by Vite).
    await page.addScriptTag({
      type: 'module',
      content: `import '/host/define-data-manager.js';
        document.body.insertAdjacentHTML('beforeend', '<pos-data-manager token="${DEMO_KEY}"></pos-data-manager>');`,
    });
    const ours = page.locator('pos-data-manager');
    await ours.getByRole('button', { name: 'Generate' }).waitFor();
    const classes = await page.evaluate(() => {
      const Manager = (window as unknown as { PosDataManager: CustomElementConstructor }).PosDataManager;
      const named = customElements.get('pos-data-manager');
      return { same: customElements.get('my-data-manager') === Manager, inherits: named?.prototype instanceof Manager };
    });
    expect(classes).toEqual({ same: true, inherits: true });
  });
});
