import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createIntegrations,
  createKeyRing,
  type Integrations,
  keyFingerprint,
  PRESET_IDS,
} from '@pos/integrations-core';
import { createPostgresStorage } from '@pos/storage-postgres';
import { createSqliteStorage } from '@pos/storage-sqlite';
import { type PostgresCluster, spawnNode, startPostgresCluster, TEST_KEY_A, TEST_KEY_B } from '@pos/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = new URL('../dist/main.js', import.meta.url).pathname;
const shopifyExport = new URL('../../core/test/fixtures/shopify-products-export.csv', import.meta.url).pathname;
const KEY_C = Buffer.alloc(32, 11).toString('base64');
const fingerprint = (key: string) => keyFingerprint(new Uint8Array(Buffer.from(key, 'base64')));

let dir: string;
beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first (npm test does).`);
  dir = mkdtempSync(join(tmpdir(), 'pos-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built command, as a shell would run it: its own process, a minimal environment, this folder. */
async function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = spawnNode(cli, { args, env, cwd: dir });
  let stdout = '';
  let stderr = '';
  child.child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await child.exited;
  return { code, stdout, stderr };
}

const productsCsv = (rows: number, prefix = 'SKU') =>
  `sku,name,price,currency,stock\n${Array.from(
    { length: rows },
    (_, index) => `${prefix}-${index},"Item ${index}, large",${(index % 900) + 1}.25,EUR,${index % 7}`,
  ).join('\n')}\n`;

describe('pos-integrations --help', () => {
  it('lists the commands, and explains each one with its options', async () => {
    const main = await run(['--help']);
    expect(main.code).toBe(0);
    for (const command of ['migrate', 'rotate-keys', 'import', 'export']) expect(main.stdout).toContain(command);
    for (const command of ['migrate', 'rotate-keys', 'import', 'export']) {
      const help = await run([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout).toContain(`Usage: pos-integrations ${command}`);
      expect(help.stdout).toContain('--database <path|url>');
    }
    // The presets the help names (without loading core) are core's.
    expect((await run(['import', '--help'])).stdout).toContain(
      `--preset <name>        the file's format: ${PRESET_IDS.join(', ')} (`,
    );
    expect((await run(['help', 'rotate-keys'])).stdout).toContain('POS_ENCRYPTION_PREVIOUS_KEYS');
    expect((await run(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('answers mistakes with exit code 2, a reason and where to look', async () => {
    const none = await run([]);
    expect(none.code).toBe(2);
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /Unknown command "frobnicate"/],
      [['migrate', '--colour'], /Unknown option '--colour'/],
      [['export', 'products', '-d', join(dir, 'missing.db'), '-t', 's'], /There is no database at .*missing\.db/],
      [['import', 'products', join(dir, 'nope.csv'), '-t', 's'], /nope\.csv is not a file/],
      [['migrate', '-d', 'mysql://localhost/pos'], /SQLite file path or a postgres:\/\/ URL/],
    ];
    for (const [args, message] of cases) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('--help" for usage');
    }
    expect((await run(['migrate'], { DATABASE_URL: 'mysql://x/y' })).stderr).toContain('DATABASE_URL must be');
  });
});

describe('on an SQLite file', () => {
  it('migrates once, then finds nothing to do', async () => {
    const database = join(dir, 'migrate.db');
    const first = await run(['migrate', '--database', database]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Migrated SQLite .*migrate\.db: applied 0001_integrations, .*0009_business_keys/);
    const again = await run(['migrate'], { POS_DB_PATH: database });
    expect(again.stdout).toMatch(/is up to date \(\d+ migrations\)/);
  });

  it('imports with a progress bar, exports the same rows back, and keeps tenants apart', async () => {
    const database = join(dir, 'data.db');
    await run(['migrate', '-d', database]);
    const file = join(dir, 'products.csv');
    writeFileSync(file, productsCsv(6000));

    const imported = await run(['import', 'products', file, '-d', database, '--tenant', 'store-1']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(
      /Imported 6000 products for tenant store-1 .* \(preset pos\) .*batch [0-9a-f-]{36}\./,
    );
    expect(imported.stdout).toContain('6000 inserted, 0 updated, 0 unchanged.');
    // Not a terminal: one line per tenth of the file, ending at 100 %.
    const lines = imported.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.at(-1)).toMatch(/^import products \[#{24}\] 100% .* of /);

    const exported = await run(['export', 'products', '-d', database, '-t', 'store-1']);
    expect(exported.code).toBe(0);
    const rows = exported.stdout
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(rows[0]).toBe('sku,name,price,currency,category,stock,barcode,description');
    expect(rows).toHaveLength(6001);
    expect(rows[1]).toBe('SKU-0,"Item 0, large",1.25,EUR,,0,,');
    expect(exported.stderr).toMatch(/export products \[#{24}\] 100% 6,000 rows of 6,000 rows/);
    expect(exported.stderr).toContain('Exported 6000 products of tenant store-1.');

    // What export writes, import reads back (into another tenant), and exports identically.
    const copy = join(dir, 'copy.csv');
    expect((await run(['export', 'products', '-d', database, '-t', 'store-1', '-o', copy, '-q'])).code).toBe(0);
    expect(readFileSync(copy, 'utf8')).toBe(exported.stdout);
    expect((await run(['import', 'products', copy, '-d', database, '-t', 'store-2', '-q'])).code).toBe(0);
    expect((await run(['export', 'products', '-d', database, '-t', 'store-2', '-q'])).stdout).toBe(exported.stdout);
    // The same file again: every SKU is there already and equal; insert-only refuses it.
    const again = await run(['import', 'products', copy, '-d', database, '-t', 'store-2', '-q']);
    expect(again.stdout).toContain('0 inserted, 0 updated, 6000 unchanged.');
    const insertOnly = await run([
      'import',
      'products',
      copy,
      '-d',
      database,
      '-t',
      'store-2',
      '-q',
      '--mode',
      'insert_only',
    ]);
    expect(insertOnly.code).toBe(1);
    expect(insertOnly.stderr).toContain('already exists');
    expect((await run(['import', 'products', copy, '-d', database, '--mode', 'sometimes'])).stderr).toContain(
      'Unknown --mode "sometimes": use upsert or insert_only.',
    );
    expect((await run(['export', 'products', '-d', database, '-t', 'store-2', '-q'])).stdout).toBe(exported.stdout);
    const other = await run(['export', 'customers', '-d', database, '-t', 'store-1', '-q']);
    expect(
      other.stdout
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n'),
    ).toHaveLength(1);
  }, 90_000); // a dozen command runs, each a Node.js process of its own

  it('reads a Shopify export with its preset, and imports nothing from a file with a bad row', async () => {
    const database = join(dir, 'presets.db');
    await run(['migrate', '-d', database]);
    const shopify = await run(['import', 'products', shopifyExport, '-d', database, '-t', 's', '--preset', 'shopify']);
    expect(shopify.code, shopify.stderr).toBe(0);
    expect(shopify.stdout).toMatch(/Imported \d+ products .*\(preset shopify\)/);
    const before = (await run(['export', 'products', '-d', database, '-t', 's', '-q'])).stdout;

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, `${productsCsv(3).trim()}\nBAD-1,No price,twelve,EUR,1\n`);
    const failed = await run(['import', 'products', bad, '-d', database, '-t', 's', '-q']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/Import failed: .*Nothing was imported\./);
    expect(failed.stderr).toMatch(/ {2}row 5, price: /);
    expect((await run(['export', 'products', '-d', database, '-t', 's', '-q'])).stdout).toBe(before);

    const unknown = await run(['import', 'suppliers', bad, '-d', database, '-t', 's']);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('use products or customers')]);
    expect((await run(['import', 'products', bad, '-d', database])).stderr).toContain('--tenant <id> is required');
    expect((await run(['import', 'products', bad, '-d', database, '-t', 's', '-p', 'csv'])).code).toBe(2);
  });

  it('reads decimal commas with --decimal comma, and by default in a file separated by semicolons', async () => {
    const database = join(dir, 'decimal.db');
    await run(['migrate', '-d', database]);
    const quoted = join(dir, 'quoted-commas.csv');
    writeFileSync(quoted, 'sku,name,price,currency\nDE-1,Tasse,"9,99",EUR\nDE-2,Kanne,"1.234,50",EUR\n');
    const asPoints = await run(['import', 'products', quoted, '-d', database, '-t', 's', '-q']);
    expect(asPoints.code).toBe(1);
    expect(asPoints.stderr).toContain(
      'row 2, price: is not an amount with a decimal point such as 1234.50: use decimal=comma',
    );
    const asCommas = await run(['import', 'products', quoted, '-d', database, '-t', 's', '-q', '--decimal', 'comma']);
    expect(asCommas.code, asCommas.stderr).toBe(0);
    const semicolons = join(dir, 'semicolons.csv');
    writeFileSync(semicolons, 'sku;name;price;currency\nDE-3;Teller;1 234,5;EUR\n');
    expect((await run(['import', 'products', semicolons, '-d', database, '-t', 's', '-q'])).code).toBe(0);
    const exported = (await run(['export', 'products', '-d', database, '-t', 's', '-q'])).stdout.split('\r\n');
    expect(exported).toEqual(
      expect.arrayContaining(['DE-1,Tasse,9.99,EUR,,,,', 'DE-2,Kanne,1234.50,EUR,,,,', 'DE-3,Teller,1234.50,EUR,,,,']),
    );
    const unknown = await run(['import', 'products', quoted, '-d', database, '-t', 's', '--decimal', 'euro']);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('use point (12.50) or comma (12,50)')]);
  });

  it('names a value core refuses as the option the person typed, in words for people', async () => {
    const database = join(dir, 'options.db');
    await run(['migrate', '-d', database]);
    const file = join(dir, 'options.csv');
    writeFileSync(file, productsCsv(2));
    const currency = await run(['import', 'products', file, '-d', database, '-t', 's', '--currency', '12']);
    expect(currency.code).toBe(2);
    expect(currency.stderr).toContain('pos-integrations: --currency must be an ISO 4217 currency code such as USD.\n');
    expect(currency.stderr).toContain('Run "pos-integrations import --help" for usage.');
    expect(currency.stderr).not.toMatch(
      /Invalid input|expected .* received|Too big|Too small|\(root\)|Unrecognized key/,
    );
    expect(
      (await run(['export', 'products', '-d', database, '-t', 's', '-q'])).stdout.trim().split('\r\n'),
    ).toHaveLength(1);
  });

  it('rotates every credential to the new key, safely again, and names what no key opens', async () => {
    const database = join(dir, 'keys.db');
    const sealWith = async (key: string, tenants: string[]) => {
      const integrations = createIntegrations({
        storage: await createSqliteStorage({ filename: database }),
        cipher: createKeyRing({ keys: [{ key }] }),
      });
      for (const tenant of tenants) {
        await integrations.vault.put(tenant, 'square', { access_token: `sq0atp-${tenant}-secret` }, { masked: 'x' });
      }
      await integrations.close();
    };
    await sealWith(TEST_KEY_A, ['store-1', 'store-2', 'store-3']);
    const env = { POS_DB_PATH: database, POS_ENCRYPTION_KEY: TEST_KEY_B, POS_ENCRYPTION_PREVIOUS_KEYS: TEST_KEY_A };

    const first = await run(['rotate-keys'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(
      `3 credentials; 3 re-encrypted with key ${fingerprint(TEST_KEY_B)}, 0 already under it, 0 unreadable.`,
    );
    const again = await run(['rotate-keys'], env);
    expect(again.stdout).toContain('3 credentials; 0 re-encrypted');
    expect(again.stdout).toContain('3 already under it');

    // The old key can go: the new one alone opens everything.
    const reader: Integrations = createIntegrations({
      storage: await createSqliteStorage({ filename: database }),
      cipher: createKeyRing({ keys: [{ key: TEST_KEY_B }] }),
    });
    expect((await reader.vault.get('store-2', 'square'))?.secret).toEqual({ access_token: 'sq0atp-store-2-secret' });
    await reader.close();

    await sealWith(KEY_C, ['store-9']);
    const stuck = await run(['rotate-keys'], env);
    expect(stuck.code).toBe(1);
    expect(stuck.stdout).toContain('4 credentials; 0 re-encrypted');
    expect(stuck.stderr).toContain('tenant store-9, square');
    for (const output of [first, again, stuck]) {
      expect(`${output.stdout}${output.stderr}`).not.toMatch(/secret|sq0atp|${TEST_KEY_A}|${TEST_KEY_B}/);
    }
    const missingKey = await run(['rotate-keys'], { POS_DB_PATH: database });
    expect([missingKey.code, missingKey.stderr]).toEqual([2, expect.stringContaining('POS_ENCRYPTION_KEY is not set')]);
  });
});

describe('on PostgreSQL (DATABASE_URL)', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
  });
  afterAll(() => cluster?.stop());

  it('migrates, rotates keys, and imports and exports through COPY', async () => {
    // The cluster trusts local connections: the password only shows that it is never printed.
    const url = cluster.freshDatabase().replace('postgres@', 'postgres:pw-never-printed@');
    const env = { DATABASE_URL: url };
    const migrated = await run(['migrate'], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(/^Migrated PostgreSQL 127\.0\.0\.1:\d+\/pos_test_\d+: applied 0001_integrations/);
    expect((await run(['migrate'], env)).stdout).toMatch(/is up to date/);

    const storage = await createPostgresStorage({ connectionString: url });
    const sealer = createIntegrations({ storage, cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }) });
    await sealer.vault.put('store-1', 'clover', { access_token: 'clover-secret-token' }, {});
    await sealer.close();
    const rotated = await run(['rotate-keys'], {
      ...env,
      POS_ENCRYPTION_KEY: TEST_KEY_B,
      POS_ENCRYPTION_PREVIOUS_KEYS: TEST_KEY_A,
    });
    expect(rotated.stdout).toContain('1 credential; 1 re-encrypted');

    const file = join(dir, 'pg-products.csv');
    writeFileSync(file, productsCsv(50, 'PG'));
    const imported = await run(['import', 'products', file, '-t', 'store-1', '-q'], env);
    expect(imported.code, imported.stderr).toBe(0);
    const exported = await run(['export', 'products', '-t', 'store-1', '-q'], env);
    expect(
      exported.stdout
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n'),
    ).toHaveLength(51);
    for (const output of [migrated, rotated, imported, exported]) {
      expect(`${output.stdout}${output.stderr}`).not.toContain('pw-never-printed');
    }
  });
});

describe('pos-integrations import-from', () => {
  it('is listed, says what it reads from the environment, and refuses what it cannot do', async () => {
    expect((await run(['--help'])).stdout).toContain('import-from');
    const help = await run(['import-from', '--help']);
    expect(help.code).toBe(0);
    for (const text of ['Usage: pos-integrations import-from <provider>', '--remove-missing', 'POS_ENCRYPTION_KEY']) {
      expect(help.stdout).toContain(text);
    }
    expect(help.stdout).toMatch(/clover +CLOVER_APP_ID, CLOVER_APP_SECRET, CLOVER_REDIRECT_URI/);

    const database = join(dir, 'refusals.db');
    expect((await run(['migrate', '-d', database])).code).toBe(0);
    const key = { POS_ENCRYPTION_KEY: TEST_KEY_A };
    const cases: Array<[string[], Record<string, string>, string]> = [
      [['import-from', '-d', database, '-t', 's'], key, 'Name the provider: square, clover, woocommerce.'],
      [['import-from', 'lightspeed', '-d', database, '-t', 's'], key, 'Unknown provider "lightspeed"'],
      [['import-from', 'square', '-d', database], key, '--tenant <id> is required.'],
      [['import-from', 'square', '-d', database, '-t', 's'], {}, 'POS_ENCRYPTION_KEY is not set'],
      [['import-from', 'clover', '-d', database, '-t', 's'], key, 'CLOVER_APP_ID'],
      [
        ['import-from', 'woocommerce', '-d', database, '-t', 's'],
        { ...key, POS_ALLOWED_PRIVATE_HOSTS: 'a b' },
        'POS_ALLOWED_PRIVATE_HOSTS must be',
      ],
    ];
    for (const [args, env, message] of cases) {
      const result = await run(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain('Run "pos-integrations import-from --help" for usage.');
    }
  });
});
