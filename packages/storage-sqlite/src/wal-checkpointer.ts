import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { driverPath } from './worker-driver.js';

export interface WalCheckpointOptions {
  /** The write-ahead log's size at which the thread checkpoints it (default 4 MiB). */
  thresholdBytes?: number;
  /** How often the log's size is looked at, in ms (default 250). */
  intervalMs?: number;
}

/**
 * SQLite's automatic checkpoint runs inside whichever commit pushes the WAL past 1000 pages: that
 * commit copies every page into the database file and syncs it, and on the main thread the event
 * loop stops for it (5–15 ms with 16 KiB pages, about half of all the time webhook commits took).
 * Here the server's connection never checkpoints; a thread of its own does, with a connection of
 * its own, once the log passes a size. PASSIVE checkpoints take no lock that writers wait for.
 *
 * The thread starts the first time the log is large, so a quiet database never has one. Should it
 * fail or fall far behind, the main connection checkpoints itself as before.
 */
export class WalCheckpointer {
  readonly #threshold: number;
  readonly #timer: NodeJS.Timeout;
  #worker: Worker | undefined;
  #busy = false;

  constructor(
    private readonly database: Database.Database,
    options: WalCheckpointOptions = {},
  ) {
    this.#threshold = options.thresholdBytes ?? 4 * 1024 * 1024;
    database.pragma('wal_autocheckpoint = 0');
    this.#timer = setInterval(() => this.#check(), options.intervalMs ?? 250);
    this.#timer.unref();
  }

  #walBytes(): number {
    try {
      return statSync(`${this.database.name}-wal`).size;
    } catch {
      return 0;
    }
  }

  #check(): void {
    if (!this.database.open) return;
    const size = this.#walBytes();
    if (size < this.#threshold) return;
    if (size > this.#threshold * 16 || (this.#busy && size > this.#threshold * 4)) {
      // The thread is gone or far behind: do it here rather than let the log grow without end.
      this.database.pragma('wal_checkpoint(PASSIVE)');
      return;
    }
    if (this.#busy) return;
    this.#busy = true;
    this.#thread().postMessage('checkpoint');
  }

  #thread(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(CHECKPOINT_WORKER_SOURCE, {
      eval: true,
      workerData: { driver: driverPath, path: this.database.name },
    });
    worker.unref();
    worker.on('message', () => {
      this.#busy = false;
    });
    worker.on('error', () => {
      // The size check above takes over; the next large log starts a new thread.
      this.#worker = undefined;
      this.#busy = false;
    });
    this.#worker = worker;
    return worker;
  }

  /** Stops the thread; its connection closes after the server's, so the last close removes the log. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    const worker = this.#worker;
    this.#worker = undefined;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    await exited;
  }
}

/** A plain CommonJS string, like the staging worker's, so bundlers leave it alone. */
const CHECKPOINT_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
parentPort.on('message', (message) => {
  if (message === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } finally {
    parentPort.postMessage('done');
  }
});
`;
