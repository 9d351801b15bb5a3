import type { IntegrationStorage } from '@pos/integrations-core';
import { CompiledQuery, createQueryId, type Kysely } from 'kysely';

/** The most work one shared transaction takes; the rest goes into the next one. */
const GROUP_LIMIT = 64;

const SAVEPOINT = CompiledQuery.raw('savepoint pos_group_work');
const RELEASE = CompiledQuery.raw('release savepoint pos_group_work');
const ROLLBACK_TO = CompiledQuery.raw('rollback to savepoint pos_group_work');

type Work = (storage: IntegrationStorage) => Promise<unknown>;

interface Waiting {
  work: Work;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** What a group-committing storage needs: its transaction, whose stores expose their Kysely instance. */
export interface GroupHost {
  transaction<T>(work: (storage: IntegrationStorage) => Promise<T>): Promise<T>;
}

/**
 * Group commit: work submitted during one turn of the event loop runs in one transaction, each
 * piece inside a savepoint of its own, and everyone hears back once that transaction committed.
 * One commit (for SQLite, one WAL write) then serves them all. A piece that throws is rolled back
 * to its savepoint and rejected; the others still commit. If the commit itself fails, every piece
 * is rejected: nothing of the group was written.
 */
export class GroupCommit {
  readonly #waiting: Waiting[] = [];
  #running = false;

  constructor(private readonly host: GroupHost) {}

  run<T>(work: (storage: IntegrationStorage) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.#running) return;
      this.#running = true;
      // Once the I/O of this turn is handled, so deliveries that arrived together commit together.
      setImmediate(() => void this.#drain());
    });
  }

  async #drain(): Promise<void> {
    while (this.#waiting.length > 0) {
      await this.#commit(this.#waiting.splice(0, GROUP_LIMIT));
    }
    this.#running = false;
  }

  async #commit(group: Waiting[]): Promise<void> {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      await this.host.transaction(async (tx) => {
        // biome-ignore lint/suspicious/noExplicitAny: savepoints name no table.
        const { db } = tx as unknown as { db: Kysely<any> };
        const run = (query: CompiledQuery) => db.executeQuery({ ...query, queryId: createQueryId() });
        for (const { work } of group) {
          await run(SAVEPOINT);
          try {
            outcomes.push({ ok: true, value: await work(tx) });
          } catch (error) {
            await run(ROLLBACK_TO);
            outcomes.push({ ok: false, error });
          }
          await run(RELEASE);
        }
      });
    } catch (error) {
      group.forEach((waiting, index) => {
        const outcome = outcomes[index];
        waiting.reject(outcome && !outcome.ok ? outcome.error : error);
      });
      return;
    }
    group.forEach((waiting, index) => {
      const outcome = outcomes[index] as (typeof outcomes)[number];
      if (outcome.ok) waiting.resolve(outcome.value);
      else waiting.reject(outcome.error);
    });
  }
}
