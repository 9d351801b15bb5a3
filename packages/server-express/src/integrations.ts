import {
  ACCOUNTING_LABELS,
  type Connector,
  IntegrationError,
  MAX_LOG_PAGE,
  parseInput,
  variantHasIntegrations,
} from '@pos/integrations-core';
import type { Request } from 'express';
import { z } from 'zod';
import { bindOAuthFlow, isBoundOAuthFlow, oauthCallbackPath, unbindOAuthFlow } from './oauth-browser.js';
import { emptyBody, emptyObject, tenantOf } from './request.js';
import type { FeatureContext } from './router.js';

const logsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_LOG_PAGE).optional(),
    cursor: z.string().max(32).optional(),
    level: z.enum(['info', 'warning', 'error']).optional(),
    event: z
      .string()
      .max(64)
      .regex(/^[a-z0-9_.-]+$/, 'must be an event name such as tested')
      .optional(),
  })
  .strip();

/** Bodies that may be left out: the schema of the object when one is sent, and the body's. */
const syncFields = z.object({ retry_failed: z.boolean().optional() }).strict();
const syncBody = z.union([z.undefined(), syncFields]);
const callbackFields = z.object({ state: z.string(), code: z.string().optional(), error: z.string().optional() });

/**
 * The provider's redirect query as plain strings. A parameter repeated with one value counts
 * once (the state rides in the redirect URI and may be echoed too); differing repeats are dropped.
 */
function callbackQuery(req: Request): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query)) {
    if (typeof value === 'string') query[key] = value;
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string' && item === value[0])) {
      query[key] = value[0] as string;
    }
  }
  return query;
}

function withQuery(url: string, params: Record<string, string>): string {
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}${new URLSearchParams(params).toString()}`;
}

/**
 * `GET /api/integrations`, and for each configured connector its `status`, `summary`, `test`,
 * `disconnect` and `logs`, plus `credentials` (API-key providers) or `auth-url` and `callback`
 * (OAuth providers), and `sync` and `resync` for the connector that receives the sync outbox. Full variant.
 */
export function mountIntegrations({
  router,
  integrations,
  options,
  authenticate,
  json,
  describe,
}: FeatureContext): void {
  if (!variantHasIntegrations(integrations.variant)) return;
  const returnUrl = options.oauthReturnUrl ?? '/settings/integrations';
  const connectors = integrations.connectors.list();

  describe({
    method: 'get',
    path: '/api/integrations',
    tag: 'Integrations',
    summary: 'The configured connectors, with the fields their credentials forms ask for.',
  });
  router.get('/api/integrations', authenticate, (_req, res) => {
    res.json({ integrations: connectors.map(describeConnector) });
  });

  for (const connector of connectors) {
    const base = `/api/integrations/${connector.id}`;
    const tag = connector.displayName;
    const route = (method: 'get' | 'post' | 'delete', path: string, summary: string, extra = {}) =>
      describe({ method, path: `${base}/${path}`, tag, summary, ...extra });

    if (connector.kind === 'api_key') {
      route('post', 'credentials', `Verifies ${connector.displayName} credentials and stores them sealed.`, {
        body: connector.credentialsSchema,
      });
      router.post(`${base}/credentials`, authenticate, json, async (req, res) => {
        res.json(await integrations.connections.connect(tenantOf(res), connector.id, req.body));
      });
    } else {
      route('post', 'auth-url', `Starts the ${connector.displayName} OAuth flow: the URL to send the browser to.`, {
        body: emptyObject,
        bodyRequired: false,
      });
      router.post(`${base}/auth-url`, authenticate, json, async (req, res) => {
        parseInput(emptyBody, req.body, 'request body');
        const started = await integrations.connections.authorizationUrl(tenantOf(res), connector.id);
        bindOAuthFlow(req, res, started.state, oauthCallbackPath(req.baseUrl, connector.id));
        res.json(started);
      });
      // The provider sends the browser here: it is authenticated by its single-use state, and
      // must be the browser that asked for the auth URL (it carries that flow's cookie).
      route('get', 'callback', `Where ${connector.displayName} sends the browser back; redirects to the return URL.`, {
        authenticated: false,
        query: callbackFields,
        responses: { '302': { description: 'Back to the return URL with `status` (and `error_code`).' } },
      });
      router.get(`${base}/callback`, async (req, res) => {
        // The callback URL holds a one-time code: keep it out of caches and of the next page's Referer.
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('Referrer-Policy', 'no-referrer');
        const query = callbackQuery(req);
        const back = (params: Record<string, string>) =>
          res.redirect(302, withQuery(returnUrl, { provider: connector.id, ...params }));
        if (!isBoundOAuthFlow(req, query.state)) {
          // Another browser (or none): the state is left unspent for the browser that owns it.
          integrations.logger.warn({ provider: connector.id }, 'OAuth callback without the cookie of its flow');
          back({ status: 'error', error_code: connector.stateInvalidCode });
          return;
        }
        unbindOAuthFlow(req, res, query.state as string, oauthCallbackPath(req.baseUrl, connector.id));
        try {
          await integrations.connections.completeAuthorization(connector.id, query);
          back({ status: 'connected' });
        } catch (error) {
          back({
            status: 'error',
            error_code: error instanceof IntegrationError ? error.code : connector.oauthFailedCode,
          });
        }
      });
    }

    route('get', 'status', 'Whether the tenant is connected, and the public facts kept about the connection.');
    router.get(`${base}/status`, authenticate, async (_req, res) => {
      res.json(await integrations.connections.status(tenantOf(res), connector.id));
    });
    route('get', 'summary', `What ${connector.displayName} says about the connected account now.`);
    router.get(`${base}/summary`, authenticate, async (_req, res) => {
      res.json(await integrations.connections.summary(tenantOf(res), connector.id));
    });
    route('post', 'test', 'Calls the provider with the stored credentials.', {
      body: emptyObject,
      bodyRequired: false,
    });
    router.post(`${base}/test`, authenticate, json, async (req, res) => {
      parseInput(emptyBody, req.body, 'request body');
      res.json(await integrations.connections.test(tenantOf(res), connector.id));
    });
    route('delete', 'disconnect', 'Deletes the stored credentials.');
    router.delete(`${base}/disconnect`, authenticate, async (_req, res) => {
      res.json(await integrations.connections.disconnect(tenantOf(res), connector.id));
    });
    route('get', 'logs', "The tenant's integration log for this connector, newest first.", { query: logsQuery });
    router.get(`${base}/logs`, authenticate, async (req, res) => {
      const query = parseInput(logsQuery, req.query, 'query');
      res.json(await integrations.connections.logs(tenantOf(res), connector.id, query));
    });
    if (connector.sync) {
      // Flush now; `{ "retry_failed": true }` first requeues rows the target refused before.
      route('post', 'sync', 'Pushes pending changes now.', {
        body: syncFields,
        bodyRequired: false,
      });
      router.post(`${base}/sync`, authenticate, json, async (req, res) => {
        const body = parseInput(syncBody, req.body, 'request body');
        res.json(await integrations.sync.flush(tenantOf(res), { retryFailed: body?.retry_failed === true }));
      });
      // Queues every current row again (the next flush delivers them): 202 with how many.
      route('post', 'resync', 'Queues every current row again; the next push delivers them.', {
        body: emptyObject,
        bodyRequired: false,
        responses: { '202': { description: 'How many rows were queued.' } },
      });
      router.post(`${base}/resync`, authenticate, json, async (req, res) => {
        parseInput(emptyBody, req.body, 'request body');
        res.status(202).json(await integrations.resync(tenantOf(res), connector.id));
      });
    }
  }
}

/** What a UI needs to render a connector's card and form; never any stored value. */
function describeConnector(connector: Connector) {
  return {
    id: connector.id,
    name: connector.displayName,
    kind: connector.kind,
    ...(connector.kind === 'api_key' ? { fields: connector.credentialFields } : {}),
    // The ledger figures core adds to an accounting connector's summary are labelled too.
    ...(connector.labels || connector.accounting
      ? { labels: { ...(connector.accounting ? ACCOUNTING_LABELS : {}), ...connector.labels } }
      : {}),
    ...(connector.disconnectNote ? { disconnect_note: connector.disconnectNote } : {}),
    ...(connector.sync ? { sync: true } : {}),
    // The entity types a Data Manager import can pull from the provider.
    ...(connector.catalogue ? { catalogue: [...connector.catalogue.entityTypes] } : {}),
  };
}
