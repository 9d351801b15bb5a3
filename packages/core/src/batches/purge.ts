import type { Clock } from '../clock.js';
import { IntegrationError, isIntegrationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { BatchRecord, PurgePreview } from '../storage/batches.js';
import type { IntegrationStorage } from '../storage/port.js';
import type { EntityDefinition, EntityRegistry } from './entities.js';
import { timeOrderedId } from './ids.js';
import { type BatchOutbox, queueBatchRows } from './outbox.js';
import type { BatchRunner } from './runner.js';
import { type DataBatch, toDataBatch } from './view.js';

/** What purging a batch would do now: see `docs/data-manager.md` for which rows a batch owns. */
export interface PurgePlan extends PurgePreview {
  batch_id: string;
  entity_type: string;
}

export interface PurgeResult {
  /** The purge batch (the first one when the batch had been purged already). */
  purge: DataBatch;
  alreadyPurged: boolean;
}

interface PurgeParts {
  storage: IntegrationStorage;
  entities: EntityRegistry;
  runner: BatchRunner;
  clock: Clock;
  logger: Logger;
  outbox: BatchOutbox | undefined;
}

/** Purges: the preview of what a purge would delete, and the purge itself, recorded as a `purge` batch. */
export class BatchPurges {
  readonly #parts: PurgeParts;

  constructor(parts: PurgeParts) {
    this.#parts = parts;
  }

  /**
   * What purging a batch would do now, for a confirmation: how many rows it would delete, and how
   * many rows the batch inserted stay because a later batch imported them again.
   */
  async preview(tenantId: string, id: string): Promise<PurgePlan> {
    const { target, entity } = await this.#purgeable(tenantId, id);
    const preview = target.purgedBy
      ? { removes: 0, keeps: 0 }
      : await entity.sink.previewPurge({ tenantId, batchId: target.id });
    return { batch_id: target.id, entity_type: target.entityType, ...preview };
  }

  /**
   * Deletes the rows one batch owns for this tenant (the rows it inserted that no later batch
   * imported again; see `docs/data-manager.md`), in one transaction that also records the purge as
   * a `purge` batch. Purging a purged batch again returns the first purge.
   */
  async purge(tenantId: string, id: string): Promise<PurgeResult> {
    const { storage, runner, clock, logger, outbox } = this.#parts;
    const { target, entity } = await this.#purgeable(tenantId, id);
    const earlier = await this.#previousPurge(target);
    if (earlier) return { purge: earlier, alreadyPurged: true };

    const now = clock.now();
    const purgeId = timeOrderedId(now);
    const at = now.toISOString();
    const record = {
      id: purgeId,
      tenantId,
      type: 'purge' as const,
      entityType: target.entityType,
      preset: null,
      totalBytes: null,
      targetBatchId: target.id,
      createdAt: at,
      completedAt: at,
      heartbeatAt: at,
    };
    let raced = false;
    try {
      // The purge transaction: the rows, the target's purge mark and the purge batch, together.
      await runner.tracked((track) =>
        entity.sink.deleteBatch(
          { tenantId, batchId: target.id },
          {
            // The sync target forgets the rows too: their deletes are queued before they go; the
            // rows the purge keeps are queued as the later batch's now.
            before: async (tx) => {
              await queueBatchRows(outbox, tx, entity, target, 'purged');
              await queueBatchRows(outbox, tx, entity, target, 'kept');
            },
            after: async (sinkTx, deleted) => {
              const tx = track(sinkTx);
              if (!(await tx.batches.markPurged(tenantId, target.id, purgeId))) {
                raced = true;
                throw new IntegrationError('CONFLICT', 'The batch was purged meanwhile.');
              }
              await tx.batches.insert({
                ...record,
                status: 'completed',
                recordCount: deleted,
                processedCount: deleted,
              });
              await runner.announce(tx, tenantId, purgeId);
            },
          },
        ),
      );
    } catch (error) {
      const first = raced ? await this.#previousPurge(await runner.find(tenantId, id)) : undefined;
      if (first) return { purge: first, alreadyPurged: true };
      const failed = await storage.batches.insert({ ...record, id: timeOrderedId(now), status: 'processing' });
      await runner.finishing(async (tx) => {
        await tx.batches.fail(tenantId, failed.id, {
          errorMessage: isIntegrationError(error) ? error.message : 'The rows could not be deleted; nothing changed.',
          errors: [],
          errorCount: 0,
          processedCount: 0,
          bytesRead: null,
          preset: null,
          unknownColumns: [],
          completedAt: at,
        });
        await runner.announce(tx, tenantId, failed.id);
      });
      runner.logFailure(failed, error);
      throw new IntegrationError('BATCH_FAILED', 'The purge failed; no row was deleted.', {
        details: { batch: toDataBatch(await runner.find(tenantId, failed.id)) },
      });
    }
    logger.info({ batch_id: target.id, tenant_id: tenantId, purge_id: purgeId }, 'Data Manager batch purged');
    return { purge: toDataBatch(await runner.find(tenantId, purgeId)), alreadyPurged: false };
  }

  async #purgeable(tenantId: string, id: string): Promise<{ target: BatchRecord; entity: EntityDefinition }> {
    const target = await this.#parts.runner.find(tenantId, id);
    if (target.type === 'purge') {
      throw new IntegrationError('CONFLICT', 'A purge batch wrote no rows, so it cannot be purged.');
    }
    if (target.status === 'pending' || target.status === 'processing') {
      throw new IntegrationError('CONFLICT', 'The batch is still running: purge it once it has finished.');
    }
    const entity = this.#parts.entities.get(target.entityType);
    if (!entity) {
      throw new IntegrationError('CONFLICT', `Entity type "${target.entityType}" is no longer registered.`);
    }
    return { target, entity };
  }

  async #previousPurge(target: BatchRecord): Promise<DataBatch | undefined> {
    if (!target.purgedBy) return undefined;
    const purge = await this.#parts.storage.batches.get(target.tenantId, target.purgedBy);
    return purge && toDataBatch(purge);
  }
}
