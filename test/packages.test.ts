/**
 * What a stranger gets from npm: each published package packed once with `npm pack`, checked by
 * publint and Are the Types Wrong, installed from the tarballs into one scratch project outside
 * the workspace (third-party dependencies from the registry), and its README example run there.
 * Provider calls go to the demo server's simulators; nothing reaches a real provider.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import {
  freePort,
  launchChromium,
  type NodeProcess,
  type PostgresCluster,
  spawnNode,
  startPostgresCluster,
} from '@pos/test-support';
import { transform } from 'esbuild';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedWorkspaces, type Workspace } from '../scripts/workspaces.mjs';

const root = new URL('..', import.meta.url).pathname;
const execFileAsync = promisify(execFile);
const packages = publishedWorkspaces() as Array<Workspace & { manifest: Manifest }>;

interface Manifest {
  name: string;
  description?: string;
  keywords?: string[];
  license?: string;
  repository?: { type: string; url: string; directory: string };
  engines?: { node?: string };
  sideEffects?: boolean | string[];
  exports?: Record<string, unknown>;
  bin?: Record<string, string>;
  files?: string[];
}

interface Packed {
  filename: string;
  files: Array<{ path: string }>;
}

let scratch: string;
let app: string;
const tarballs = new Map<string, string>();
const packed = new Map<string, Packed>();
const children: NodeProcess[] = [];
let demoUrl: string;
let cluster: PostgresCluster;
/** scripts/check-types.mjs over every tarball: one line per package, then its problems. */
let typesReport: string;

function sh(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A child process's output once it has ended; rejects on a non-zero exit unless `check` is false. */
async function output(command: string, args: string[], cwd: string, check = true): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
    return `${stdout}${stderr}`;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    if (check) throw new Error(`${command} ${args.join(' ')} failed: ${failed.message}`);
    return `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
  }
}

beforeAll(async () => {
  for (const { dir, name } of packages) {
    const dist = join(root, dir, 'dist');
    if (!existsSync(dist)) throw new Error(`${name} is not built: run "npm run build" first (npm test does).`);
  }
  // Outside the workspace, so nothing resolves to the workspace's own node_modules.
  scratch = mkdtempSync(join(tmpdir(), 'pos-packages-'));
  app = join(scratch, 'app');
  mkdirSync(join(scratch, 'tarballs'), { recursive: true });
  mkdirSync(app);

  // One npm process packs every package.
  const report = JSON.parse(
    sh(
      'npm',
      ['pack', '--json', '--pack-destination', join(scratch, 'tarballs'), ...packages.flatMap((p) => ['-w', p.name])],
      root,
    ),
  ) as Array<Packed & { name: string }>;
  for (const entry of report) {
    packed.set(entry.name, entry);
    tarballs.set(entry.name, join(scratch, 'tarballs', entry.filename));
  }

  // Our packages from their tarballs (the overrides make every package's dependency on another
  // one of ours the tarball too); the rest from the registry.
  const local = Object.fromEntries([...tarballs].map(([name, path]) => [name, `file:${path}`]));
  const sqlite = JSON.parse(readFileSync(join(root, 'node_modules/better-sqlite3/package.json'), 'utf8'));
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'pos-packages-scratch',
        private: true,
        type: 'module',
        // msw: the optional peer of @pos/simulators/msw, which the every-entry-point check imports.
        dependencies: {
          ...local,
          express: '^5.1.0',
          msw: rootManifest.devDependencies.msw,
          '@types/node': rootManifest.devDependencies['@types/node'],
        },
        overrides: { ...local, 'better-sqlite3': sqlite.version },
      },
      null,
      2,
    ),
  );

  // The providers the examples talk to: the demo server's simulators, and a throwaway PostgreSQL.
  const demoDir = join(scratch, 'demo');
  mkdirSync(demoDir);
  const demo = spawnNode(join(root, 'examples/reference-server/dist/main.js'), {
    args: ['--demo'],
    cwd: demoDir,
    env: { PORT: '0', POS_SYNC_INTERVAL_MS: '0' },
  });
  children.push(demo);

  // All at once: the install (mostly waiting on the cache and the registry), Are the Types Wrong
  // over every tarball in one process (TypeScript loads once), and the simulators.
  [, typesReport, demoUrl, cluster] = await Promise.all([
    // Install scripts are skipped: the one that matters, better-sqlite3's native build, takes
    // minutes on two cores, so the workspace's build of the same version is copied in below.
    output(
      'npm',
      ['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
      app,
    ),
    output('node', ['scripts/check-types.mjs', ...tarballs.values()], root, false),
    // The install and the type checks run beside it on two cores: give it time to start.
    demo.waitForOutput(/URL\s+(http:\/\/\S+)/, 90_000).then((match) => match[1] as string),
    startPostgresCluster(),
  ]);
  const binary = 'build/Release/better_sqlite3.node';
  mkdirSync(join(app, 'node_modules/better-sqlite3/build/Release'), { recursive: true });
  copyFileSync(join(root, 'node_modules/better-sqlite3', binary), join(app, 'node_modules/better-sqlite3', binary));
}, 600_000);

afterAll(async () => {
  await Promise.all(children.map((child) => child.stop()));
  cluster?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe.each(packages)('$name', (workspace) => {
  const { manifest } = workspace;

  it('says what a stranger needs in package.json, and packs only what ships', () => {
    expect(manifest.description?.length).toBeGreaterThan(30);
    expect(manifest.keywords?.length).toBeGreaterThan(2);
    expect(manifest.license).toBe('MIT');
    expect(manifest.repository).toMatchObject({ type: 'git', directory: workspace.dir });
    expect(manifest.engines?.node).toBe('>=20.19');
    expect(typeof manifest.sideEffects === 'boolean' || Array.isArray(manifest.sideEffects)).toBe(true);
    expect(manifest.exports?.['./package.json']).toBe('./package.json');
    // Every JavaScript entry point comes with its types.
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      if (typeof target === 'string') {
        expect(target, subpath).toMatch(/\.(json|sql)$/);
        continue;
      }
      for (const conditions of [target, ...Object.values(target as object)]) {
        if (typeof conditions === 'object' && conditions && 'default' in conditions) {
          expect(Object.keys(conditions)[0], subpath).toBe('types');
        }
      }
    }
    const files = (packed.get(workspace.name)?.files ?? []).map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
    const allowed = /^(package\.json|README\.md|LICENSE|custom-elements\.json|bin\/[\w-]+\.js|dist\/.+|sql\/.+\.sql)$/;
    expect(files.filter((file) => !allowed.test(file))).toEqual([]);
  });

  it('passes publint', async () => {
    const tarball = readFileSync(tarballs.get(workspace.name) as string);
    const { messages, pkg } = await publint({
      pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
      level: 'suggestion',
    });
    expect(messages.map((message) => `${message.type}: ${formatMessage(message, pkg)}`)).toEqual([]);
  });

  it('passes Are the Types Wrong', () => {
    expect(typesReport, typesReport).toMatch(
      new RegExp(`^${workspace.name}: (no problems|no types \\(nothing to import\\))$`, 'm'),
    );
  });

  it('runs its README example from the installed tarball', async () => {
    const readme = readFileSync(join(root, workspace.dir, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map(([, lang, code]) => ({ lang, code }));
    const install = blocks.findIndex((block) => block.code?.includes(`npm install ${workspace.name}`));
    expect(install, 'an install line: npm install <package>').toBeGreaterThanOrEqual(0);
    const example = blocks.slice(install + 1).find((block) => ['ts', 'js', 'sh', 'html'].includes(block.lang ?? ''));
    expect(example, 'a runnable example after the install line').toBeDefined();
    await EXAMPLES[workspace.name]?.(example as { lang: string; code: string });
  }, 120_000);
});

it('type-checks an application that imports every entry point, with skipLibCheck off', () => {
  const entries = packages.flatMap(({ name, manifest }) =>
    Object.keys(manifest.exports ?? {})
      // Patterns (`./define/*`) name many modules; their files are type-checked by the build.
      .filter((subpath) => !/\.(json|sql|css)$/.test(subpath) && !subpath.includes('*'))
      .map((subpath) => (subpath === '.' ? name : `${name}/${subpath.slice(2)}`)),
  );
  expect(entries.length).toBeGreaterThan(10);
  writeFileSync(
    join(app, 'every-entry.ts'),
    entries.map((entry, index) => `import * as entry${index} from '${entry}';\nconsole.log(entry${index});\n`).join(''),
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        lib: ['es2022', 'dom'],
        types: ['node'],
        noEmit: true,
      },
      files: ['every-entry.ts'],
    }),
  );
  const result = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', app], {
    cwd: app,
    encoding: 'utf8',
  });
  expect(`${result.stdout}${result.stderr}`).toBe('');
  expect(result.status).toBe(0);
}, 120_000);

it('covers every published package with an example check', () => {
  expect(Object.keys(EXAMPLES).sort()).toEqual(packages.map((p) => p.name).sort());
});

it('release --dry-run versions nothing, publishes nothing, and would publish every package', () => {
  const before = sh('git', ['status', '--porcelain'], root);
  const result = spawnSync('node', ['scripts/release.mjs', '--dry-run', '--skip-build'], {
    cwd: root,
    encoding: 'utf8',
  });
  const output = `${result.stdout}${result.stderr}`;
  expect(result.status, output).toBe(0);
  for (const { name, version } of packages) expect(output).toContain(`+ ${name}@${version}`);
  expect(output).toContain('(dry-run)');
  expect(sh('git', ['status', '--porcelain'], root)).toBe(before);
}, 120_000);

// ---------------------------------------------------------------------------------------------
// How each package's example runs, and what it must show.

const KEY = Buffer.alloc(32, 5).toString('base64');

async function runScript(name: string, code: string, env: Record<string, string> = {}) {
  const file = join(app, `example-${name.replace(/\W+/g, '-')}.mjs`);
  writeFileSync(file, (await transform(code, { loader: 'ts', format: 'esm', target: 'node20' })).code);
  const child = spawnNode(file, { cwd: app, env });
  children.push(child);
  return child;
}

async function runToEnd(name: string, code: string, env: Record<string, string> = {}): Promise<string> {
  const child = await runScript(name, code, env);
  const exitCode = await child.exited;
  expect(exitCode, child.output()).toBe(0);
  return child.output();
}

/** Starts a server example, waits for `ready`, checks it, and stops it. */
async function runServer(
  name: string,
  code: string,
  env: Record<string, string>,
  ready: RegExp,
  check: (match: RegExpExecArray, port: string) => Promise<void>,
) {
  const child = await runScript(name, code, env);
  try {
    await check(await child.waitForOutput(ready, 30_000), env.PORT as string);
  } finally {
    await child.stop();
  }
}

async function capabilities(port: string) {
  return (await (await fetch(`http://127.0.0.1:${port}/api/capabilities`)).json()) as {
    build_variant: string;
    features: Record<string, boolean>;
  };
}

type Example = (example: { lang: string; code: string }) => Promise<void>;

const EXAMPLES: Record<string, Example> = {
  '@pos/integrations-core': async ({ code }) => {
    expect(await runToEnd('core', code)).toContain('full');
  },
  '@pos/storage-kysely': async ({ code }) => {
    expect(await runToEnd('kysely', code)).toContain('undefined');
  },
  '@pos/storage-sqlite': async ({ code }) => {
    expect(await runToEnd('sqlite', code)).toMatch(/store-1[\s\S]*disconnected/);
    expect(statSync(join(app, 'data/pos.db')).size).toBeGreaterThan(0);
  },
  '@pos/storage-postgres': async ({ code }) => {
    const output = await runToEnd('postgres', code, { DATABASE_URL: cluster.freshDatabase() });
    expect(output).toMatch(/store-1[\s\S]*disconnected/);
  },
  '@pos/connector-square': async ({ code }) => {
    const output = await runToEnd('square', code, {
      POS_ENCRYPTION_KEY: KEY,
      SQUARE_BASE_URL: `${demoUrl}/demo/square`,
      SQUARE_ACCESS_TOKEN: 'sq0atp-demo-square-access-token',
      SQUARE_LOCATION_ID: 'L-DEMO-MAIN',
    });
    expect(output).toContain('Demo Coffee — Main St');
  },
  '@pos/connector-supabase': async ({ code }) => {
    const output = await runToEnd('supabase', code, {
      POS_ENCRYPTION_KEY: KEY,
      SUPABASE_URL: `${demoUrl}/demo/supabase`,
      POS_ALLOWED_PRIVATE_HOSTS: new URL(demoUrl).host,
      SUPABASE_SECRET_KEY: 'sb_secret_demo_supabase_key_not_for_production',
    });
    expect(output).toMatch(/delivered: 1/);
  },
  '@pos/connector-woocommerce': async ({ code }) => {
    const output = await runToEnd('woocommerce', code, {
      POS_ENCRYPTION_KEY: KEY,
      WOOCOMMERCE_STORE_URL: `${demoUrl}/demo/woocommerce`,
      POS_ALLOWED_PRIVATE_HOSTS: new URL(demoUrl).host,
      WOOCOMMERCE_CONSUMER_KEY: 'ck_demo0woocommerce0key0not0for0production',
      WOOCOMMERCE_CONSUMER_SECRET: 'cs_demo0woocommerce0secret0not0for0production',
    });
    expect(output).toContain('Demo Coffee Shop (simulated)');
  },
  '@pos/connector-stripe': async ({ code }) => {
    const port = String(await freePort());
    const env = {
      PORT: port,
      POS_ENCRYPTION_KEY: KEY,
      STRIPE_CLIENT_ID: 'ca_DemoPlatformSimulated',
      STRIPE_SECRET_KEY: 'sk_test_DemoPlatformKeySimulated',
      STRIPE_REDIRECT_URI: `http://127.0.0.1:${port}/api/integrations/stripe/callback`,
      STRIPE_API_BASE: `${demoUrl}/demo/stripe`,
      STRIPE_CONNECT_BASE: `${demoUrl}/demo/stripe`,
    };
    await runServer('stripe', code, env, /Open (\S+) and connect/, async (match) => {
      const authorize = new URL(match[1] as string);
      expect(`${authorize.origin}${authorize.pathname}`).toBe(`${demoUrl}/demo/stripe/oauth/authorize`);
      expect(authorize.searchParams.get('client_id')).toBe('ca_DemoPlatformSimulated');
      expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{40,}$/);
      expect((await capabilities(port)).features.stripe).toBe(true);
    });
  },
  '@pos/connector-clover': async ({ code }) => {
    const port = String(await freePort());
    const env = {
      PORT: port,
      POS_ENCRYPTION_KEY: KEY,
      CLOVER_APP_ID: 'DEMOCLOVERAPP',
      CLOVER_APP_SECRET: 'demo-clover-app-secret-simulated',
      CLOVER_REDIRECT_URI: `http://127.0.0.1:${port}/api/integrations/clover/callback`,
      CLOVER_REGION: 'sandbox',
      CLOVER_API_BASE: `${demoUrl}/demo/clover`,
      CLOVER_OAUTH_BASE: `${demoUrl}/demo/clover`,
    };
    await runServer('clover', code, env, /Open (\S+), approve/, async (match) => {
      const authorize = new URL(match[1] as string);
      expect(`${authorize.origin}${authorize.pathname}`).toBe(`${demoUrl}/demo/clover/oauth/v2/authorize`);
      expect(authorize.searchParams.get('client_id')).toBe('DEMOCLOVERAPP');
      expect((await capabilities(port)).features.clover).toBe(true);
    });
  },
  '@pos/connector-quickbooks': async ({ code }) => {
    const port = String(await freePort());
    const env = {
      PORT: port,
      POS_ENCRYPTION_KEY: KEY,
      QUICKBOOKS_CLIENT_ID: 'ABdemoQuickBooksClientIdSimulated0123456789',
      QUICKBOOKS_CLIENT_SECRET: 'demo-quickbooks-client-secret-simulated',
      QUICKBOOKS_REDIRECT_URI: `http://127.0.0.1:${port}/api/integrations/quickbooks/callback`,
      QUICKBOOKS_ENVIRONMENT: 'sandbox',
      QUICKBOOKS_API_BASE: `${demoUrl}/demo/quickbooks`,
      QUICKBOOKS_OAUTH_BASE: `${demoUrl}/demo/quickbooks`,
    };
    await runServer('quickbooks', code, env, /Open (\S+), connect/, async (match) => {
      const authorize = new URL(match[1] as string);
      expect(`${authorize.origin}${authorize.pathname}`).toBe(`${demoUrl}/demo/quickbooks/connect/oauth2`);
      expect(authorize.searchParams.get('scope')).toBe('com.intuit.quickbooks.accounting');
      expect((await capabilities(port)).features.quickbooks).toBe(true);
    });
  },
  '@pos/simulators': async ({ code }) => {
    expect(await runToEnd('simulators', code)).toContain("200 square Joe's Coffee");
  },
  '@pos/server-express': async ({ code }) => {
    const port = String(await freePort());
    await runServer(
      'server-express',
      code,
      { PORT: port },
      /http:\/\/127\.0\.0\.1:\d+\/api\/capabilities/,
      async () => {
        expect(await capabilities(port)).toMatchObject({ build_variant: 'full', features: { manual_payments: true } });
      },
    );
  },
  '@pos/cli': async ({ lang, code }) => {
    expect(lang).toBe('sh');
    const result = spawnSync('bash', ['-euo', 'pipefail', '-c', code], {
      cwd: app,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('Imported 2 products for tenant store-1');
    expect(result.stdout).toContain('LATTE-12,Latte 12 oz,4.50,USD');
    expect(result.stdout).toContain('MOCHA-16,"Mocha, large",5.25,USD');
  },
  '@pos/web-components': async ({ lang, code }) => {
    expect(lang).toBe('html');
    // The README's page at the demo server's origin (so its API calls reach the demo server),
    // with the bundle it imports served from the installed package.
    const bundles = join(app, 'node_modules/@pos/web-components/dist/browser');
    expect(relative(app, bundles).startsWith('node_modules')).toBe(true);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: Error[] = [];
      page.on('pageerror', (error) => errors.push(error));
      await page.route(`${demoUrl}/readme-example`, (route) => route.fulfill({ body: code, contentType: 'text/html' }));
      // The bundle and the chunks it loads, all from the installed package.
      await page.route(`${demoUrl}/assets/*.js`, (route) =>
        route.fulfill({
          path: join(bundles, new URL(route.request().url()).pathname.slice('/assets/'.length)),
          contentType: 'text/javascript',
        }),
      );
      await page.goto(`${demoUrl}/readme-example`);
      await page
        .locator('pos-integration-card[provider="square"]')
        .getByRole('button', { name: 'Save and connect' })
        .waitFor();
      await page.getByRole('radio', { name: 'Split payment' }).check();
      expect(await page.locator('#pay').isDisabled()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  },
};
