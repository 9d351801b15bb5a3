import { square } from '@pos/connector-square';
import { stripe } from '@pos/connector-stripe';
import { supabase } from '@pos/connector-supabase';
import {
  type ApiResponse,
  STRIPE_CLIENT_ID,
  STRIPE_REDIRECT_URI,
  STRIPE_SECRET_KEY,
  STRIPE_WEBHOOK_SECRET,
  useProviderMock,
} from '@pos/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrationsRouter } from '../src/index.js';
import { startTestServer, type TestServer } from './harness.js';

useProviderMock();

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    connectors: [
      square(),
      supabase(),
      stripe({
        clientId: STRIPE_CLIENT_ID,
        secretKey: STRIPE_SECRET_KEY,
        redirectUri: STRIPE_REDIRECT_URI,
        checkout: {
          webhookSecret: STRIPE_WEBHOOK_SECRET,
          successUrl: 'https://pos.example.com/done?order={ORDER_ID}',
          cancelUrl: 'https://pos.example.com/cancelled?order={ORDER_ID}',
        },
      }),
    ],
  });
});
afterAll(() => server.close());

interface Route {
  method: string;
  path: string;
}

/** Every route the router mounts, read from its stack (so a new route is covered without listing it here). */
function mountedRoutes(): Route[] {
  const router = integrationsRouter(server.integrations, { resolveTenant: () => undefined });
  const routes: Route[] = [];
  for (const layer of (
    router as unknown as { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> }
  ).stack) {
    if (!layer.route) continue;
    for (const method of Object.keys(layer.route.methods))
      routes.push({ method: method.toUpperCase(), path: layer.route.path });
  }
  return routes;
}

/** zod's own phrasings: none of them may reach a response. */
const ZOD_PHRASES = /Invalid input|expected .* received|Too big|Too small|\(root\)|Unrecognized key|Invalid option/i;

interface ErrorBody {
  message: string;
  error_code: string;
  details?: { issues?: Array<{ field: string; message: string }> };
}

/** A 400 `VALIDATION_FAILED` whose message is written for people and names `named`. */
function expectPersonMessage(res: ApiResponse, named: string, context: string): void {
  const body = res.body as unknown as ErrorBody;
  expect(res.status, `${context}: ${res.text}`).toBe(400);
  expect(body.error_code, context).toBe('VALIDATION_FAILED');
  expect(body.message, context).not.toMatch(ZOD_PHRASES);
  expect(body.message, context).toContain(named);
  for (const issue of body.details?.issues ?? []) {
    expect(`${issue.field} ${issue.message}`, context).not.toMatch(ZOD_PHRASES);
  }
}

/** Routes whose body is not the caller's JSON: a provider's signed webhook, a multipart upload. */
const notJson = (route: Route) => route.path.includes('/webhooks/') || route.path.endsWith('/upload');

describe('validation messages over HTTP', () => {
  it('finds the routes to try in the router', () => {
    const routes = mountedRoutes().map((route) => `${route.method} ${route.path}`);
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/integrations/square/credentials',
        'POST /api/integrations/supabase/sync',
        'POST /api/integrations/stripe/auth-url',
        'POST /api/data-manager/seed',
        'POST /api/payments/checkout-session',
        'GET /api/data-manager/export',
        'GET /api/data-manager/batches/:id',
      ]),
    );
  });

  it('answers every JSON body route, sent an empty or a wrong-typed body, in words that name the field', async () => {
    const call = server.as('tenant-a');
    const bodyRoutes = mountedRoutes().filter((route) => route.method !== 'GET' && route.method !== 'DELETE');
    const requiring: string[] = [];
    for (const mounted of bodyRoutes.filter((candidate) => !notJson(candidate))) {
      const name = `${mounted.method} ${mounted.path}`;
      // A well-formed id in the path, so the body is what is checked.
      const route = { ...mounted, path: mounted.path.replace(/:\w+/g, 'order-1') };
      // A list, or a field the route does not have (with a number for a value), is never a body.
      expectPersonMessage(await call(route.method, route.path, { body: [] }), 'The request body', `${name} []`);
      const unexpected = await call(route.method, route.path, { body: { unexpected_field: 12345 } });
      expectPersonMessage(unexpected, 'is', `${name} unexpected_field`);
      expect((unexpected.body as unknown as ErrorBody).details?.issues, name).toContainEqual({
        field: 'unexpected_field',
        message: 'is not a field this accepts',
      });
      // No body at all, and an empty object: a route that needs fields names each one.
      const none = await call(route.method, route.path);
      if (none.status === 400) expectPersonMessage(none, 'The request body is required', `${name} no body`);
      const empty = await call(route.method, route.path, { body: {} });
      if (empty.status !== 400) continue;
      requiring.push(name);
      const issues = (empty.body as unknown as ErrorBody).details?.issues ?? [];
      expect(issues.length, name).toBeGreaterThan(0);
      for (const issue of issues) {
        expectPersonMessage(empty, `${issue.field} is required`, `${name} {}`);
        // The same field with a value of the wrong type: a list, where text or a number belongs.
        const wrong = await call(route.method, route.path, { body: { [issue.field]: ['x'] } });
        expectPersonMessage(wrong, `${issue.field} must be`, `${name} ${issue.field}: ['x']`);
        const typed = (wrong.body as unknown as ErrorBody).details?.issues?.find(
          (entry) => entry.field === issue.field,
        );
        expect(typed?.message, name).toMatch(/^must be (text|a number|a whole number|true or false|a JSON object)/);
      }
    }
    expect(requiring).toEqual(
      expect.arrayContaining([
        'POST /api/integrations/square/credentials',
        'POST /api/integrations/supabase/credentials',
        'POST /api/data-manager/seed',
        'POST /api/payments/checkout-session',
      ]),
    );
  });

  it('answers wrong-typed query parameters and malformed ids in the path the same way', async () => {
    const call = server.as('tenant-a');
    const gets = mountedRoutes().filter((route) => route.method === 'GET' || route.method === 'DELETE');
    const checked: string[] = [];
    for (const route of gets) {
      const name = `${route.method} ${route.path}`;
      if (route.path.includes('/:')) {
        const res = await call(route.method, route.path.replace(/:[A-Za-z]+/g, 'not an id!'));
        expectPersonMessage(res, 'in the path', name);
        checked.push(name);
        continue;
      }
      const res = await call(route.method, `${route.path}?limit=abc`);
      if (res.status !== 400) continue;
      const first = (res.body as unknown as ErrorBody).details?.issues?.[0];
      expectPersonMessage(res, `${first?.field} ${first?.message}`, name);
      const limit = (res.body as unknown as ErrorBody).details?.issues?.find((issue) => issue.field === 'limit');
      expect(limit?.message, name).toMatch(/^(must be a number|is not a field this accepts)$/);
      checked.push(name);
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        'GET /api/integrations/square/logs',
        'GET /api/data-manager/batches',
        'GET /api/data-manager/batches/:id',
        'DELETE /api/data-manager/batches/:id',
        'GET /api/data-manager/export',
        'GET /api/payments',
        'GET /api/payments/orders/:orderId/payment',
      ]),
    );
    expectPersonMessage(
      await call('GET', '/api/data-manager/batches?limit=100000'),
      'limit must be at most 200',
      'batches limit',
    );
  });

  it('names the upload form fields that are missing or wrong', async () => {
    const form = new FormData();
    form.set('currency', '12');
    form.set('file', new Blob(['sku,name,price\nA-1,Mug,4.50\n'], { type: 'text/csv' }), 'products.csv');
    const res = await server.as('tenant-a')('POST', '/api/data-manager/upload', { form });
    expectPersonMessage(res, 'entity_type is required; currency must be a currency code such as USD', 'upload');
  });

  it('says how big a seed may be with thousands separators, and logs no zod wording', async () => {
    const res = await server.as('tenant-a')('POST', '/api/data-manager/seed', {
      body: { entity_type: 'products', count: 100_001 },
    });
    expectPersonMessage(res, 'count must be at most 100,000', 'seed count');
    expect(server.logger.lines.join('\n')).not.toMatch(ZOD_PHRASES);
  });
});
