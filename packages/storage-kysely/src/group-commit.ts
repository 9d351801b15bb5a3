import type { IntegrationStorage } from '@pos/integrations-core/storage';

/** The most work one shared transaction takes; the rest goes into the next one. */
const GROUP_LIMIT = 64;

type Work = (storage: IntegrationStorage) => Promise<unknown>;

interface Waiting {
  work: Work;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** What a group-committing storage needs: its transaction. */
export interface GroupHost {
  transaction<T>(work: (storage: IntegrationStorage) => Promise<T>): Promise<T>;
}

/**
 * Group commit: work submitted during one turn of the event loop runs in one transaction, one
 * piece after the other, and everyone hears back once that transaction committed. One commit
 * (for SQLite, one WAL write) then serves them all.
 *
 * No savepoint per piece: in WAL mode a savepoint copies every page a piece touches into a
 * statement journal first (a temporary file once it passes 64 KiB, i.e. four 16 KiB pages), which
 * cost more than the piece's own writes. Pieces rarely throw, so the group is optimistic instead:
 * when one throws, the whole transaction is rolled back, that piece is rejected (it wrote
 * nothing), and the others run again at the head of the queue. A piece may therefore run more
 * than once, which is why work may have no effect but its writes through the storage it gets.
 * If the commit itself fails, every piece is rejected: nothing of the group was written.
 */
export class GroupCommit {
  readonly #waiting: Waiting[] = [];
  #running = false;

  readonly #host: GroupHost;

  constructor(host: GroupHost) {
    this.#host = host;
  }

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
    const values: unknown[] = [];
    let thrown: { index: number; error: unknown } | undefined;
    try {
      await this.#host.transaction(async (tx) => {
        for (const [index, { work }] of group.entries()) {
          try {
            values.push(await work(tx));
          } catch (error) {
            thrown = { index, error };
            throw error;
          }
        }
      });
    } catch (error) {
      if (!thrown) {
        for (const waiting of group) waiting.reject(error);
        return;
      }
      const failed = thrown.index;
      group[failed]?.reject(thrown.error);
      this.#waiting.unshift(...group.filter((_, index) => index !== failed));
      return;
    }
    for (const [index, waiting] of group.entries()) waiting.resolve(values[index]);
  }
}
