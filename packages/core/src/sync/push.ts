import { IntegrationError } from '../errors.js';
import { isRetryable, type RetryPolicy, withRetries } from '../http/retry.js';
import { chunkByColumns, type RowPlan } from './plan.js';
import { type SyncEntity, type SyncTarget, TENANT_COLUMN } from './target.js';

export interface PushOptions {
  chunkSize: number;
  retry: RetryPolicy;
  /** Extra requests a page may spend narrowing a rejected chunk down to its offending rows. */
  narrowingBudget: number;
  wait?: (ms: number) => Promise<void>;
  /** Called before each request; throws when the flusher no longer holds the tenant's claim. */
  keepClaim: () => Promise<void>;
  /** Hears how many rows each request the target accepted carried. */
  onAccepted?: (rows: number) => void;
  /** Once aborted, no further request is sent: the rows not sent yet come back as `unsent`. */
  signal?: AbortSignal;
}

export interface PageResult {
  delivered: RowPlan[];
  /** Rows the target refused for good, with its reason. */
  rejected: Map<RowPlan, IntegrationError>;
  /** Rows not (completely) sent because the signal was aborted; they stay queued. */
  unsent: Set<RowPlan>;
}

/** A 4xx that will not change by retrying: the rows are refused, the connection itself is fine. */
function isRejection(error: unknown): error is IntegrationError {
  return (
    error instanceof IntegrationError &&
    !isRetryable(error) &&
    !error.needsReconnect &&
    error.status >= 400 &&
    error.status < 500
  );
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < list.length; start += size) result.push(list.slice(start, start + size));
  return result;
}

/**
 * Pushes one page of planned rows: per entity the deletes first, then the upserts. Throws when
 * the target stays unreachable after retries or the credentials are refused; the caller then
 * settles nothing, and the page is pushed again later (every request is idempotent).
 */
export async function pushPage(
  target: SyncTarget,
  entities: Readonly<Record<string, SyncEntity>>,
  plans: readonly RowPlan[],
  options: PushOptions,
): Promise<PageResult> {
  const rejected = new Map<RowPlan, IntegrationError>();
  const unsent = new Set<RowPlan>();
  let budget = options.narrowingBudget;

  async function send(part: RowPlan[], call: (part: RowPlan[]) => Promise<void>): Promise<void> {
    if (options.signal?.aborted) {
      for (const plan of part) unsent.add(plan);
      return;
    }
    await options.keepClaim();
    try {
      await withRetries(() => call(part), options.retry, options.wait);
      options.onAccepted?.(part.length);
    } catch (error) {
      if (!isRejection(error)) throw error;
      if (error.details?.scope === 'rows' && part.length > 1 && budget >= 2) {
        budget -= 2;
        const middle = Math.ceil(part.length / 2);
        await send(part.slice(0, middle), call);
        await send(part.slice(middle), call);
        return;
      }
      for (const plan of part) rejected.set(plan, error);
    }
  }

  const byEntity = new Map<string, RowPlan[]>();
  for (const plan of plans) {
    const group = byEntity.get(plan.entity);
    if (group) group.push(plan);
    else byEntity.set(plan.entity, [plan]);
  }
  for (const [name, entityPlans] of byEntity) {
    const entity = entities[name];
    if (!entity) {
      const error = new IntegrationError('VALIDATION_FAILED', `No sync table is configured for "${name}" any more.`);
      for (const plan of entityPlans) rejected.set(plan, error);
      continue;
    }
    const key = [TENANT_COLUMN, ...entity.key];
    const deletes = entityPlans.filter((plan) => plan.delete);
    for (const part of chunks(deletes, options.chunkSize)) {
      await send(part, (rows) =>
        target.delete(
          entity.table,
          key,
          rows.map((plan) => plan.delete ?? {}),
        ),
      );
    }
    const upserts = entityPlans.filter((plan) => plan.upsert && !rejected.has(plan));
    for (const part of chunkByColumns(upserts, (plan) => plan.upsert ?? {}, options.chunkSize)) {
      await send(part, (rows) =>
        target.upsert(
          entity.table,
          key,
          rows.map((plan) => plan.upsert ?? {}),
        ),
      );
    }
  }
  return { delivered: plans.filter((plan) => !rejected.has(plan) && !unsent.has(plan)), rejected, unsent };
}
