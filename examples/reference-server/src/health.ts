import type { IntegrationStorage, Logger } from '@pos/integrations-core';
import { Router } from 'express';
import type { ServerConfig } from './config.js';

/**
 * `GET /healthz`: the process is up (liveness). `GET /readyz`: it can serve, because its
 * database answers (readiness); 503 while it does not, so a load balancer stops sending traffic.
 */
export function healthRoutes(parts: { config: ServerConfig; storage: IntegrationStorage; logger: Logger }): Router {
  const { config, storage, logger } = parts;
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', mode: config.mode, variant: config.variant });
  });
  router.get('/readyz', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    try {
      await (storage.ping ? storage.ping() : storage.transaction(async () => undefined));
      res.json({ status: 'ready', checks: { database: 'ok' } });
    } catch (error) {
      logger.warn(
        { error: error instanceof Error ? error.message : String(error) },
        'Not ready: the database does not answer',
      );
      res.status(503).json({
        status: 'unavailable',
        checks: { database: 'unavailable' },
        message: 'The database does not answer.',
      });
    }
  });
  return router;
}
