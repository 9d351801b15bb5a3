import type { ActivityLog } from '../activity.js';
import type { Clock } from '../clock.js';
import type { Connector } from '../connectors.js';
import { redact } from '../crypto/mask.js';
import { IntegrationError } from '../errors.js';
import { changeWithEvents, type HostEvents } from '../events/bus.js';
import { syncFailureObject } from '../events/objects.js';
import { writeStatus } from '../events/status.js';
import type { Logger } from '../logger.js';
import type { IntegrationStorage, JsonObject } from '../storage/port.js';
import type { SyncItem } from '../storage/sync.js';
import type { RowPlan } from './plan.js';
import type { SyncCapability } from './target.js';

export type SyncConnector = Connector & { sync: SyncCapability };

const LOGGED_KEYS = 20;

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function displayKey(recordKey: string): string {
  return (JSON.parse(recordKey) as unknown[]).join(' / ');
}

/** Rows the target refused for one reason: one log row and one stored error for all of them. */
export interface Rejection {
  itemIds: number[];
  message: string;
  details: JsonObject;
}

/** One log row and one stored error per distinct reason, naming the first few records. */
export function groupRejections(
  connector: SyncConnector,
  rejected: Map<RowPlan, IntegrationError>,
  secrets: string[],
): Rejection[] {
  const groups = new Map<string, { error: IntegrationError; entity: string; plans: RowPlan[] }>();
  for (const [plan, error] of rejected) {
    const id = `${plan.entity}\u0000${error.code}\u0000${error.message}`;
    const group = groups.get(id);
    if (group) group.plans.push(plan);
    else groups.set(id, { error, entity: plan.entity, plans: [plan] });
  }
  return [...groups.values()].map(({ error, entity, plans }) => {
    const reason = redact(error.message, secrets);
    const count = plans.length;
    return {
      itemIds: plans.flatMap((plan) => plan.itemIds),
      message: `${connector.displayName} refused ${plural(count, 'row')} of ${entity}: ${reason}`,
      details: {
        error_code: error.code,
        entity,
        table: connector.sync.entities[entity]?.table ?? null,
        count,
        record_keys: plans.slice(0, LOGGED_KEYS).map((plan) => displayKey(plan.recordKey)),
        ...error.details,
      } satisfies JsonObject,
    };
  });
}

/** Why a flush stopped, for {@link flushStopped}. */
export interface Stop {
  tenantId: string;
  connector: SyncConnector;
  /** The items that stay pending, with the failure's message. */
  items: readonly SyncItem[];
  error: unknown;
  secrets: string[];
  /** Items delivered by the flush before it stopped. */
  delivered: number;
}

/**
 * Records why a flush stopped (the items' error, a connection that needs reconnecting, the log
 * row), and returns the error to throw. The items stay pending.
 */
export async function flushStopped(
  parts: {
    storage: IntegrationStorage;
    activity: ActivityLog;
    clock: Clock;
    logger: Logger;
    events?: HostEvents | undefined;
  },
  stop: Stop,
): Promise<IntegrationError> {
  const { tenantId, connector, secrets, delivered } = stop;
  let failure: IntegrationError;
  if (stop.error instanceof IntegrationError) {
    failure = stop.error.withMessage(redact(stop.error.message, secrets));
  } else {
    const { error } = stop;
    parts.logger.error(
      {
        error: redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error), secrets),
      },
      'Unexpected sync failure',
    );
    failure = new IntegrationError('PROVIDER_UNAVAILABLE', 'The sync failed unexpectedly.');
  }
  const now = parts.clock.now().toISOString();
  const { events } = parts;
  const { message, pending } = await changeWithEvents(events, parts.storage, async (tx) => {
    await tx.syncQueue.settle(
      tenantId,
      stop.items.map((item) => item.id),
      { status: 'pending', error: failure.message },
      now,
    );
    if (failure.needsReconnect) {
      await writeStatus(tx, events, {
        tenantId,
        provider: connector.id,
        status: 'error',
        lastTestedAt: now,
        lastError: failure.message,
        lastErrorCode: failure.code,
        needsReconnect: true,
        updatedAt: now,
      });
    }
    const { pending } = await tx.syncQueue.counts(tenantId);
    const message = `Sync to ${connector.displayName} stopped: ${failure.message} ${plural(pending, 'change')} wait${pending === 1 ? 's' : ''} for the next try.`;
    await parts.activity.using(tx).record({
      tenantId,
      provider: connector.id,
      level: 'error',
      event: 'sync_failed',
      message,
      details: { error_code: failure.code, delivered, pending_queue_count: pending },
      secrets,
    });
    await events?.emit(
      tx,
      'sync.failed',
      tenantId,
      syncFailureObject({
        provider: connector.id,
        error_code: failure.code,
        message: redact(message, secrets),
        delivered,
        pending_queue_count: pending,
      }),
    );
    return { message, pending };
  });
  return new IntegrationError(failure.code, message, {
    status: failure.status,
    details: { ...failure.details, delivered, pending_queue_count: pending },
    ...(failure.retryAfter !== undefined ? { retryAfter: failure.retryAfter } : {}),
    needsReconnect: failure.needsReconnect,
    cause: failure,
  });
}
