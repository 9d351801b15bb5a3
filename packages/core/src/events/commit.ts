import type { IntegrationStorage } from '../storage/port.js';

type Callback = () => void;

/**
 * Runs callbacks once the transaction that asked for them committed, never for one that rolled
 * back. `wrap` returns the storage every service uses: its `transaction` and `groupTransaction`
 * hand the work a view of the transaction that collects callbacks (`afterCommit`), and run them
 * when the transaction's promise resolves, which the port guarantees is after the commit. Works
 * with any adapter: the views forward everything else to the adapter's own objects.
 */
export class CommitHooks {
  /** The callbacks of each transaction view; absent for storages outside a transaction. */
  readonly #pending = new WeakMap<object, Callback[]>();

  wrap(storage: IntegrationStorage): IntegrationStorage {
    return this.#view(storage, undefined);
  }

  /**
   * Runs `callback` once `storage`'s transaction commits. Outside a transaction (a storage this
   * instance did not hand to a transaction's work) every write commits on its own: it runs now.
   */
  afterCommit(storage: IntegrationStorage, callback: Callback): void {
    const pending = this.#pending.get(storage);
    if (pending) pending.push(callback);
    else callback();
  }

  /**
   * For a transaction begun elsewhere (a Data Manager sink's commit): `run` receives `track`,
   * which turns that transaction's storage into a view whose callbacks run once `run` resolved.
   */
  async around<T>(run: (track: (tx: IntegrationStorage) => IntegrationStorage) => Promise<T>): Promise<T> {
    let pending: Callback[] = [];
    const result = await run((tx) => {
      pending = [];
      return this.#view(tx, pending);
    });
    runAll(pending);
    return result;
  }

  #view(target: IntegrationStorage, pending: Callback[] | undefined): IntegrationStorage {
    const transaction = async <T>(work: (tx: IntegrationStorage) => Promise<T>): Promise<T> => {
      if (pending) return target.transaction((inner) => work(inner === target ? view : this.#view(inner, pending)));
      let collected: Callback[] = [];
      const result = await target.transaction((tx) => {
        collected = [];
        return work(this.#view(tx, collected));
      });
      runAll(collected);
      return result;
    };
    const groupTransaction = async <T>(work: (tx: IntegrationStorage) => Promise<T>): Promise<T> => {
      // biome-ignore lint/style/noNonNullAssertion: only offered when the adapter has one.
      const group = target.groupTransaction!.bind(target);
      if (pending) return group((inner) => work(inner === target ? view : this.#view(inner, pending)));
      // The work may run more than once (the group rolled back and ran again): the last run counts.
      let collected: Callback[] = [];
      const result = await group((tx) => {
        collected = [];
        return work(this.#view(tx, collected));
      });
      runAll(collected);
      return result;
    };
    const view: IntegrationStorage = new Proxy(target, {
      get(object, property) {
        if (property === 'transaction') return transaction;
        if (property === 'groupTransaction') return object.groupTransaction ? groupTransaction : undefined;
        const value: unknown = Reflect.get(object, property, object);
        return typeof value === 'function' ? value.bind(object) : value;
      },
    });
    if (pending) this.#pending.set(view, pending);
    return view;
  }
}

function runAll(callbacks: readonly Callback[]): void {
  for (const callback of callbacks) callback();
}
