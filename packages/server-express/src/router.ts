import {
  type Capabilities,
  type CapabilityFeatures,
  IntegrationError,
  type Integrations,
  type Variant,
} from '@pos/integrations-core';
import express, { type Request, type RequestHandler, Router } from 'express';
import { version } from '../package.json';
import { type CorsOptions, corsHandler } from './cors.js';
import type { DataManagerOptions } from './data-manager.js';
import { errorHandler, notFound } from './errors.js';
import { ApiDescription, type OperationDoc } from './openapi.js';

/** The same options for every variant, so switching variants only changes the import path. */
export interface IntegrationsRouterOptions {
  /** The tenant a request acts for (e.g. from its API key); nothing means 401 `UNAUTHORIZED`. */
  resolveTenant(req: Request): string | undefined | Promise<string | undefined>;
  /** Largest accepted JSON body (default `100kb`). */
  jsonLimit?: string;
  /** Where OAuth callbacks send the browser (default `/settings/integrations`). Full variant. */
  oauthReturnUrl?: string;
  /** Data Manager upload limits and background thresholds. Full variant. */
  dataManager?: DataManagerOptions;
  /**
   * What happens to a request under `/api` that no SDK route serves. `'not-found'` (default):
   * `404 NOT_FOUND` with the JSON error body, whatever the method. `'next'`: it continues to the
   * host's routes mounted after the router (the SDK's own prefixes `/api/integrations`,
   * `/api/data-manager` and `/api/payments` still answer 404 here).
   */
  unknownApiRoutes?: 'not-found' | 'next';
  /**
   * Web pages on other origins that may call the API from a browser (the web components with
   * `api-base` pointing here). Default: none, so only pages served by the same origin can.
   */
  cors?: CorsOptions;
}

/** What a variant's feature gets to mount its routes with. */
export interface FeatureContext {
  router: Router;
  integrations: Integrations;
  options: IntegrationsRouterOptions;
  /** Resolves the tenant or answers 401; the tenant is then `tenantOf(res)`. */
  authenticate: RequestHandler;
  /** The JSON body parser with the configured limit. */
  json: RequestHandler;
  /** Adds a route to the OpenAPI document (`GET /api/openapi.json`); call it beside each route mounted. */
  describe: (operation: OperationDoc) => void;
}

/** One group of routes; it checks the instance's variant and configuration itself. */
export type Feature = (context: FeatureContext) => void;

const VARIANT_RANK: Record<Variant, number> = { lite: 0, export: 1, full: 2 };

/** A build's description: its variant, its groups of routes, the flags its capabilities always list. */
export interface Build {
  variant: Variant;
  features: readonly Feature[];
  /** Flags every capabilities answer lists first, in this order, false when nothing provides one. */
  reportedFeatures?: readonly string[];
}

/** The capabilities with the build's reported flags first; the instance's other flags follow. */
function withReportedFeatures(capabilities: Capabilities, reported: readonly string[]): Capabilities {
  const { features } = capabilities;
  const listed = Object.fromEntries(reported.map((feature) => [feature, features[feature] ?? false]));
  const answered: CapabilityFeatures = { ...listed, ...features };
  return { ...capabilities, features: answered };
}

/**
 * The router every variant entry point builds: `GET /api/capabilities`, the variant's features,
 * a 404 error body for the SDK's own prefixes, and the error handler. An entry point refuses an
 * instance of a larger variant: its capabilities would advertise routes this build cannot mount.
 */
export function buildRouter(integrations: Integrations, options: IntegrationsRouterOptions, build: Build): Router {
  if (VARIANT_RANK[integrations.variant] > VARIANT_RANK[build.variant]) {
    throw new IntegrationError(
      'VALIDATION_FAILED',
      `@pos/server-express/${build.variant} serves the ${build.variant} variant, but this Integrations instance is the ${integrations.variant} variant: import integrationsRouter from @pos/server-express/${integrations.variant}.`,
    );
  }
  const router = Router();
  const authenticate: RequestHandler = async (req, res, next) => {
    const tenantId = await options.resolveTenant(req);
    if (typeof tenantId !== 'string' || tenantId.length === 0) {
      throw new IntegrationError('UNAUTHORIZED', 'A valid API key is required (Authorization: Bearer <key>).');
    }
    res.locals.tenantId = tenantId;
    next();
  };
  const json = express.json({ limit: options.jsonLimit ?? '100kb' });

  if (options.cors) router.use('/api', corsHandler(options.cors));
  // Every answer under /api is JSON or CSV as labelled; a browser must never guess otherwise.
  router.use('/api', (_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  const api = new ApiDescription();
  const describe = api.add;
  describe({
    method: 'get',
    path: '/api/capabilities',
    tag: 'Capabilities',
    summary: 'What this server offers: its variant and feature flags.',
    authenticated: false,
  });
  router.get('/api/capabilities', (_req, res) => {
    res.json(withReportedFeatures(integrations.capabilities(), build.reportedFeatures ?? []));
  });
  describe({
    method: 'get',
    path: '/api/openapi.json',
    tag: 'Capabilities',
    summary: 'This document: every route this router mounts, as OpenAPI 3.1.',
    authenticated: false,
  });
  let document: Record<string, unknown> | undefined;
  router.get('/api/openapi.json', (_req, res) => {
    document ??= api.document({
      title: `POS Integrations API (${integrations.variant})`,
      version,
    });
    res.json(document);
  });
  for (const feature of build.features) feature({ router, integrations, options, authenticate, json, describe });

  // Anything under `/api` that is not mounted (or not with this method) is a 404 with the error
  // body, never Express's HTML page. A host with routes of its own under `/api` after the router
  // keeps them with `unknownApiRoutes: 'next'`; the SDK's own prefixes stay 404 then.
  router.use(
    options.unknownApiRoutes === 'next' ? ['/api/integrations', '/api/data-manager', '/api/payments'] : '/api',
    notFound,
  );
  router.use(errorHandler(integrations.logger));
  return router;
}
