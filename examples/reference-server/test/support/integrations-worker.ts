/**
 * The reference server's own wiring (configuration, storage choice, core services) in a process
 * of its own, without HTTP, for guarantees no route reaches yet. Started by
 * `startIntegrationsWorkers`; configured by the same environment as the server.
 */
import { serveWorker } from '@pos/test-support/worker';
import { consoleLogger, createReferenceServer, readConfig } from '../../src/index.js';

const { integrations } = await createReferenceServer(readConfig(process.env, 'real'), consoleLogger());

serveWorker({
  connect: (tenantId: string, provider: string, input: unknown) =>
    integrations.connections.connect(tenantId, provider, input),
  enqueue: (tenantId: string, entity: string, op: 'upsert' | 'delete', records: Record<string, unknown>[]) =>
    integrations.sync.enqueueMany(tenantId, entity, op, records),
  /** The report, or the error code (SYNC_IN_PROGRESS when the other instance holds the claim). */
  flush: (tenantId: string) =>
    integrations.sync.flush(tenantId).then(
      (report) => ({ delivered: report.delivered, pending: report.pending_queue_count }),
      (error: { code?: string }) => ({ error: error.code ?? 'UNKNOWN' }),
    ),
  close: () => integrations.close(),
});
