/**
 * docs/api.md cannot drift from the routers: every route a variant mounts is documented with that
 * variant, every documented route is mounted, and every `<status> <ERROR_CODE>` pair it names is
 * one the code can answer. The reference server's own routes (pages, demo simulators) are held to
 * its table the same way.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clover } from '@pos/connector-clover';
import { quickbooks } from '@pos/connector-quickbooks';
import { square } from '@pos/connector-square';
import { stripe } from '@pos/connector-stripe';
import { supabase } from '@pos/connector-supabase';
import { wooCommerce } from '@pos/connector-woocommerce';
import {
  createIntegrations,
  createKeyRing,
  ERROR_STATUS,
  type ErrorCodeRegistry,
  type Integrations,
  type Variant,
} from '@pos/integrations-core';
import { consoleLogger, createReferenceServer, readConfig } from '@pos/reference-server';
import * as exportBuild from '@pos/server-express/export';
import * as fullBuild from '@pos/server-express/full';
import * as liteBuild from '@pos/server-express/lite';
import { createSqliteStorage } from '@pos/storage-sqlite';
import { listen, TEST_KEY_A } from '@pos/test-support';
import express, { type Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const DOC = 'docs/api.md';
const doc = readFileSync(join(root, DOC), 'utf8');
const VARIANTS: readonly Variant[] = ['lite', 'export', 'full'];

interface Layer {
  rawPath?: string | string[];
  name: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[]; routes?: string[] };
}

const joinPath = (prefix: string, path: string) => (path === '/' ? prefix || '/' : `${prefix}${path}`);

/** `METHOD /path` for every route in an Express router stack, nested routers and static folders included. */
function mountedRoutes(stack: Layer[], prefix = ''): string[] {
  const routes: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) {
        routes.push(`${method === '_all' ? 'ANY' : method.toUpperCase()} ${joinPath(prefix, layer.route.path)}`);
      }
    } else if (layer.handle.stack) {
      const mount = String(layer.rawPath);
      routes.push(...mountedRoutes(layer.handle.stack, mount === '/' ? prefix : `${prefix}${mount}`));
    } else if (layer.handle.routes) {
      // A simulator of @pos/simulators (its nodeListener) lists the routes it answers.
      const mount = `${prefix}${String(layer.rawPath)}`;
      for (const route of layer.handle.routes) {
        const [method, path] = route.split(' ') as [string, string];
        routes.push(`${method} ${joinPath(mount, path)}`);
      }
    } else if (layer.name === 'serveStatic' && layer.rawPath !== '/') {
      routes.push(`GET ${joinPath(prefix, String(layer.rawPath))}/*`);
    }
  }
  return routes;
}

/** The `### \`METHOD /api/…\`` sections of docs/api.md with the variants each one names. */
function documentedSdkRoutes(): Map<string, Variant[]> {
  const routes = new Map<string, Variant[]>();
  const sections = doc.split(/^(?=#{1,3} )/m);
  for (const section of sections) {
    const heading = /^### `([A-Z]+ \/api\/\S*)`\s*$/m.exec(section);
    if (!heading) continue;
    const route = heading[1] as string;
    const variants = /^\*\*Variants:\*\* (.+)$/m.exec(section)?.[1];
    if (!variants) throw new Error(`${DOC}: "${route}" has no "**Variants:** …" line.`);
    if (routes.has(route)) throw new Error(`${DOC}: "${route}" is documented twice.`);
    routes.set(
      route,
      variants.split(',').map((variant) => variant.trim() as Variant),
    );
  }
  return routes;
}

/** The reference server's table rows: `| \`METHOD\` | \`/path\` | mounted when | … |`. */
function documentedServerRoutes(): Array<{ route: string; when: string }> {
  return [...doc.matchAll(/^\| `([A-Z]+)` +\| `(\/[^`]*)` +\| ([^|]+?) +\|/gm)].map((match) => ({
    route: `${match[1]} ${match[2]}`,
    when: match[3] as string,
  }));
}

interface OpenApiOperation {
  summary?: string;
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, unknown>;
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
}

const TENANT_KEY = 'docs-key-0123456789abcdef';
let dir: string;
const closers: Array<() => Promise<void>> = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-api-docs-'));
});

afterAll(async () => {
  for (const close of closers) await close();
  rmSync(dir, { recursive: true, force: true });
});

/** An instance of the variant, the full one with every connector and checkout. */
async function instance(variant: Variant): Promise<Integrations> {
  const integrations = createIntegrations({
    storage: await createSqliteStorage({ filename: join(dir, `${variant}.db`) }),
    cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
    variant,
    connectors:
      variant === 'full'
        ? [
            square(),
            supabase(),
            stripe({
              clientId: 'ca_docs',
              secretKey: 'sk_test_docs',
              checkout: { webhookSecret: 'whsec_docs', successUrl: 'https://pos.example.com/checkout/return' },
            }),
            clover({ appId: 'DOCSAPP', appSecret: 'docs-secret', redirectUri: 'https://pos.example.com/callback' }),
            quickbooks({ clientId: 'DOCSAPP', clientSecret: 'docs-secret', redirectUri: 'https://pos.example.com/qb' }),
            wooCommerce(),
          ]
        : [],
    ...(variant === 'full'
      ? { events: { delivery: { url: 'https://pos.example.com/hooks/pos', secret: 'whsec_docs_events_0123456789' } } }
      : {}),
  });
  closers.push(() => integrations.close());
  return integrations;
}

/** Each variant's router from its own entry point, the full one with every connector and checkout. */
async function sdkRouter(variant: Variant): Promise<Router> {
  const integrations = await instance(variant);
  const build = { lite: liteBuild, export: exportBuild, full: fullBuild }[variant];
  return build.integrationsRouter(integrations, { resolveTenant: () => 'tenant' });
}

describe(`${DOC} documents every mounted route`, () => {
  const documented = documentedSdkRoutes();

  it('names only lite, export or full as variants', () => {
    for (const [route, variants] of documented) {
      for (const variant of variants)
        expect(VARIANTS, `${DOC}: "${route}" names variant "${variant}"`).toContain(variant);
    }
  });

  for (const variant of VARIANTS) {
    it(`matches the ${variant} router of @pos/server-express/${variant}`, async () => {
      const mounted = new Set(mountedRoutes((await sdkRouter(variant)).stack as unknown as Layer[]));
      const expected = new Set([...documented].filter(([, variants]) => variants.includes(variant)).map(([r]) => r));
      const undocumented = [...mounted].filter((route) => !expected.has(route));
      const notMounted = [...expected].filter((route) => !mounted.has(route));
      expect(
        undocumented,
        `mounted by @pos/server-express/${variant} but missing from ${DOC} (add a "### \`METHOD /path\`" section with "**Variants:** … ${variant}"): ${undocumented.join(', ')}`,
      ).toEqual([]);
      expect(
        notMounted,
        `documented in ${DOC} for the ${variant} variant but not mounted by @pos/server-express/${variant}: ${notMounted.join(', ')}`,
      ).toEqual([]);
    });
  }

  for (const variant of VARIANTS) {
    it(`is what GET /api/openapi.json of the ${variant} router describes, route for route`, async () => {
      const router = await sdkRouter(variant);
      const mounted = new Set(mountedRoutes(router.stack as unknown as Layer[]));
      const server = await listen(express().use(router));
      closers.push(() => server.close());
      const answer = await fetch(`${server.url}/api/openapi.json`);
      expect(answer.status).toBe(200);
      const document = (await answer.json()) as OpenApiDocument;
      expect(document.openapi).toBe('3.1.0');
      const described = new Set(
        Object.entries(document.paths).flatMap(([path, item]) =>
          Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
        ),
      );
      const missing = [...mounted].filter((route) => !described.has(route));
      const extra = [...described].filter((route) => !mounted.has(route));
      expect(
        missing,
        `mounted by the ${variant} router but missing from its OpenAPI document: ${missing.join(', ')}`,
      ).toEqual([]);
      expect(extra, `in the ${variant} router's OpenAPI document but not mounted: ${extra.join(', ')}`).toEqual([]);
      for (const [path, item] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(item)) {
          const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
          const declared = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
          expect(declared, `${method} ${path}: path parameters`).toEqual(inPath);
          expect(operation.summary, `${method} ${path}: summary`).toBeTruthy();
          expect(Object.keys(operation.responses), `${method} ${path}: responses`).toContain('4XX');
        }
      }
    });
  }

  it('describes bodies and queries with the schemas that validate them', async () => {
    const server = await listen(express().use(await sdkRouter('full')));
    closers.push(() => server.close());
    const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as OpenApiDocument;
    const seed = document.paths['/api/data-manager/seed']?.post?.requestBody?.content['application/json']?.schema;
    expect(seed).toMatchObject({
      type: 'object',
      required: ['entity_type'],
      additionalProperties: false,
      properties: { count: { type: 'integer', minimum: 1 }, mode: { enum: ['upsert', 'insert_only'] } },
    });
    const square = document.paths['/api/integrations/square/credentials']?.post?.requestBody?.content[
      'application/json'
    ]?.schema as { required?: string[] };
    expect(square.required).toEqual(expect.arrayContaining(['access_token', 'location_id']));
    const logs = document.paths['/api/integrations/square/logs']?.get?.parameters ?? [];
    expect(logs.map((parameter) => parameter.name)).toEqual(['limit', 'cursor', 'level', 'event']);
    const upload =
      document.paths['/api/data-manager/upload']?.post?.requestBody?.content['multipart/form-data']?.schema;
    expect(upload).toMatchObject({ required: ['entity_type', 'file'] });
  });

  it("matches the reference server's own routes: all of them in demo mode, the ones marked always in real mode", async () => {
    const table = documentedServerRoutes();
    expect(table.length).toBeGreaterThan(0);
    const serverRoutes = async (mode: 'demo' | 'real') => {
      const config = readConfig(
        {
          POS_DB_PATH: join(dir, `reference-${mode}`, 'pos.db'),
          POS_ENCRYPTION_KEY: TEST_KEY_A,
          POS_API_KEYS: `tenant:${TENANT_KEY}`,
        },
        mode,
      );
      const server = await createReferenceServer(
        config,
        consoleLogger(() => {}),
      );
      closers.push(() => server.integrations.close());
      return mountedRoutes(server.app.router.stack as unknown as Layer[]).filter((route) => !route.includes(' /api/'));
    };
    for (const [mode, rows] of [
      ['demo', table],
      ['real', table.filter((row) => row.when === 'always')],
    ] as const) {
      const mounted = new Set(await serverRoutes(mode));
      const expected = new Set(rows.map((row) => row.route));
      const undocumented = [...mounted].filter((route) => !expected.has(route));
      const notMounted = [...expected].filter((route) => !mounted.has(route));
      expect(
        undocumented,
        `the reference server (${mode} mode) mounts these but the table in ${DOC} does not list them: ${undocumented.join(', ')}`,
      ).toEqual([]);
      expect(
        notMounted,
        `the table in ${DOC} lists these for ${mode} mode but the reference server does not mount them: ${notMounted.join(', ')}`,
      ).toEqual([]);
    }
  });
});

/** Every TypeScript source file of the published packages. */
function sources(): string[] {
  const files: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory() && !['node_modules', 'dist', 'test'].includes(entry.name)) walk(child);
      else if (entry.isFile() && child.endsWith('.ts')) files.push(readFileSync(child, 'utf8'));
    }
  };
  walk(join(root, 'packages'));
  return files;
}

describe(`${DOC} error codes`, () => {
  const code = sources().join('\n');
  /** Core's generic codes and the ones the five connectors declare, as a full instance registers them. */
  let registry: ErrorCodeRegistry;
  beforeAll(async () => {
    registry = (await instance('full')).errorCodes;
  });
  /** Statuses an IntegrationError with this code is thrown with explicitly. */
  const explicit = (errorCode: string) => {
    const statuses = new Set<number>();
    for (const call of code.split('new IntegrationError(').slice(1)) {
      const args = call.slice(0, call.indexOf(');') + 1);
      if (!args.includes(`'${errorCode}'`) && !/notConnectedCode \?\? 'NOT_CONNECTED'/.test(args)) continue;
      for (const match of args.matchAll(/status: (\d{3})/g)) statuses.add(Number(match[1]));
    }
    // Core throws a connector's not-connected and token-expired codes with 409.
    if (new RegExp(`(notConnectedCode|tokenExpiredCode): '${errorCode}'`).test(code)) statuses.add(409);
    return statuses;
  };

  it('names only codes the code throws, with a status it answers them with', () => {
    const pairs = [...doc.matchAll(/`(\d{3}) ([A-Z][A-Z0-9_]{3,})`/g)].map((match) => ({
      status: Number(match[1]),
      code: match[2] as string,
    }));
    expect(pairs.length).toBeGreaterThan(20);
    const wrong: string[] = [];
    for (const { status, code: errorCode } of new Map(
      pairs.map((pair) => [`${pair.status} ${pair.code}`, pair]),
    ).values()) {
      if (!code.includes(`'${errorCode}'`)) {
        wrong.push(`${status} ${errorCode} (no such code in packages/*/src)`);
        continue;
      }
      const known = registry.status(errorCode);
      if (status !== known && !explicit(errorCode).has(status)) {
        wrong.push(
          `${status} ${errorCode} (answered with ${[...new Set([known, ...explicit(errorCode)])].filter(Boolean).join(' or ')})`,
        );
      }
    }
    expect(wrong, `${DOC} documents error answers the code never gives: ${wrong.join('; ')}`).toEqual([]);
  });

  it("lists every generic code and every code the connectors declare in its catalogue, with the code's status", () => {
    const start = doc.indexOf('\n## Error codes');
    expect(start, `${DOC} has no "## Error codes" section`).toBeGreaterThan(-1);
    const end = doc.indexOf('\n## ', start + 1);
    const catalogue = doc.slice(start, end === -1 ? undefined : end);
    expect(registry.codes()).toEqual(expect.arrayContaining(Object.keys(ERROR_STATUS)));
    const missing = registry.codes().filter((errorCode) => !catalogue.includes(`\`${errorCode}\``));
    expect(missing, `add these codes to the "Error codes" table of ${DOC}: ${missing.join(', ')}`).toEqual([]);
    const rows = [...catalogue.matchAll(/^\| `([A-Z][A-Z0-9_]+)` +\| (\d{3}) /gm)];
    expect(rows.length).toBe(registry.codes().length);
    const wrong = rows
      .filter(([, errorCode, status]) => registry.status(errorCode as string) !== Number(status))
      .map(
        ([, errorCode, status]) => `${errorCode} (${status}, answered with ${registry.status(errorCode as string)})`,
      );
    expect(wrong, `the "Error codes" table of ${DOC} gives other statuses: ${wrong.join('; ')}`).toEqual([]);
  });
});
