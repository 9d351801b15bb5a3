import type { ActivityLog } from '../activity.js';
import type { EntityDefinition } from '../batches/entities.js';
import { IntegrationError } from '../errors.js';
import { outboxRow } from '../payments/view.js';
import type { IntegrationStorage, JsonObject } from '../storage/port.js';
import type { SyncService } from './service.js';

/** Every current row of one entity of a tenant, as the sync target receives it, a page at a time. */
export type SyncSource = (tenantId: string) => AsyncIterable<readonly JsonObject[]>;

/** What a full resync queued. */
export interface ResyncReport {
  success: true;
  message: string;
  /** Rows queued in all. */
  queued: number;
  /** Rows queued per entity, for the entities the sync target has a table for and the POS can read. */
  entities: Record<string, number>;
  pending_queue_count: number;
}

const PAYMENT_PAGE = 500;

/** The rows of a Data Manager entity whose sink can read them all back with their ids. */
export function entitySource(entity: EntityDefinition): SyncSource | undefined {
  const { sink } = entity;
  if (!sink.readAll) return undefined;
  const readAll = sink.readAll.bind(sink);
  const toRecord = entity.syncRecord ?? ((row: Record<string, unknown>) => row);
  return async function* (tenantId) {
    for await (const rows of readAll(tenantId)) yield rows.map((row) => toRecord(row) as JsonObject);
  };
}

/** The tenant's payments, newest first, as the payment service queues them. */
export function paymentSource(storage: IntegrationStorage): SyncSource {
  return async function* (tenantId) {
    let after: { createdAt: string; id: string } | undefined;
    for (;;) {
      const page = await storage.payments.list({ tenantId, limit: PAYMENT_PAGE, ...(after ? { after } : {}) });
      if (page.length > 0) yield page.map(outboxRow);
      const last = page.at(-1);
      if (!last || page.length < PAYMENT_PAGE) return;
      after = { createdAt: last.createdAt, id: last.id };
    }
  };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * Queues every current row of every entity the sync target has a table for, so the target ends
 * up holding what the POS holds (after connecting with data already there, or after the remote
 * tables were emptied). Rows are read and queued a page at a time, each page in its own
 * transaction: memory stays flat and `pending_queue_count` grows while it runs. Delivery is
 * the outbox's usual flush; upserts are idempotent, so a resync repeated changes nothing remote.
 */
export class FullResync {
  readonly #sync: SyncService;
  readonly #sources: ReadonlyMap<string, SyncSource>;
  readonly #activity: ActivityLog;

  constructor(sync: SyncService, sources: ReadonlyMap<string, SyncSource>, activity: ActivityLog) {
    this.#sync = sync;
    this.#sources = sources;
    this.#activity = activity;
  }

  /** `onConnect`: run as part of connecting, when an account without rows logs nothing. */
  async run(tenantId: string, provider: string, options: { onConnect?: boolean } = {}): Promise<ResyncReport> {
    if (!this.#sync.supports(provider)) {
      throw new IntegrationError('NOT_FOUND', 'This integration does not receive synced rows.', { status: 404 });
    }
    await this.#sync.requireConnected(tenantId);
    const entities: Record<string, number> = {};
    let queued = 0;
    for (const entity of this.#sync.entities()) {
      const source = this.#sources.get(entity);
      if (!source) continue;
      entities[entity] = 0;
      for await (const page of source(tenantId)) {
        const count = await this.#sync.enqueueMany(tenantId, entity, 'upsert', page);
        entities[entity] += count;
        queued += count;
      }
    }
    const { pending_queue_count } = await this.#sync.stats(tenantId);
    const counts = Object.entries(entities).map(([entity, count]) => `${count} ${entity}`);
    const message =
      queued === 0
        ? 'Nothing to push again: this account has no rows yet.'
        : `${plural(queued, 'row')} queued to push again (${counts.join(', ')}).`;
    if (queued > 0 || !options.onConnect) {
      await this.#activity.record({
        tenantId,
        provider,
        level: 'info',
        event: 'resync_queued',
        message,
        details: { queued, ...entities, pending_queue_count },
      });
    }
    return { success: true, message, queued, entities, pending_queue_count };
  }
}
