import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { driverPath } from './worker-driver.js';

export interface WalCheckpointOptions {
  /** The size of the write-ahead log file at which the checkpoint thread starts (default 4 MiB). */
  thresholdBytes?: number;
  /** How often the thread checkpoints, and the log's size is looked at before it runs, in ms (default 250). */
  intervalMs?: number;
}

/**
 * SQLite's automatic checkpoint runs inside whichever commit pushes the WAL past 1000 pages: that
 * commit copies every page into the database file and syncs it, and on the main thread the event
 * loop stops for it (5–15 ms with 16 KiB pages, about half of all the time webhook commits took).
 * Here the server's connection never checkpoints; a thread of its own does, with a connection of
 * its own, every `intervalMs`. PASSIVE checkpoints take no lock that writers wait for, and cost
 * next to nothing when the log has nothing new.
 *
 * The thread starts the first time the log file reaches `thresholdBytes`, so a quiet database
 * never has one. Should it stop, the connection goes back to checkpointing in its commits.
 */
export class WalCheckpointer {
  readonly #threshold: number;
  readonly #intervalMs: number;
  readonly #timer: NodeJS.Timeout;
  #worker: Worker | undefined;
  #stopped = false;

  readonly #database: Database.Database;

  constructor(database: Database.Database, options: WalCheckpointOptions = {}) {
    this.#database = database;
    this.#threshold = options.thresholdBytes ?? 4 * 1024 * 1024;
    this.#intervalMs = options.intervalMs ?? 250;
    database.pragma('wal_autocheckpoint = 0');
    this.#timer = setInterval(() => this.#startWhenLarge(), this.#intervalMs);
    this.#timer.unref();
  }

  #startWhenLarge(): void {
    let size = 0;
    try {
      size = statSync(`${this.#database.name}-wal`).size;
    } catch {
      return;
    }
    if (size < this.#threshold || this.#worker || this.#stopped) return;
    clearInterval(this.#timer);
    const worker = new Worker(CHECKPOINT_WORKER_SOURCE, {
      eval: true,
      workerData: { driver: driverPath, path: this.#database.name, intervalMs: this.#intervalMs },
    });
    // It never keeps a process alive on its own; stop() waits for it.
    worker.unref();
    worker.once('exit', () => {
      if (this.#stopped || !this.#database.open) return;
      // Gone without being stopped: commits checkpoint again, as SQLite does by default.
      this.#worker = undefined;
      this.#database.pragma('wal_autocheckpoint = 1000');
    });
    worker.on('error', () => {});
    this.#worker = worker;
  }

  /** Stops the thread; its connection closes after the server's, so the last close removes the log. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    const worker = this.#worker;
    this.#worker = undefined;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    // The process must wait for the thread now, or a script awaiting close() would end with its
    // promise unsettled (Node's exit code 13).
    worker.ref();
    worker.postMessage('stop');
    await exited;
  }
}

/** A plain CommonJS string, like the staging worker's, so bundlers leave it alone. */
const CHECKPOINT_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;
