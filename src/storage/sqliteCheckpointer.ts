import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SqliteDatabase } from './sqlite.js';

/** How often the background connection checkpoints the write-ahead log. */
const DEFAULT_INTERVAL_MS = 200;
/** SQLite's own default, restored on the service's connection if the background one fails. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * Checkpoints the service's SQLite write-ahead log from a worker thread, so the turns never pay
 * for it. With SQLite's default, the commit that fills the log to 1,000 pages copies them into the
 * database file and syncs it to disk, on the event loop: every few hundred turns one turn (and
 * every turn queued behind it) waited for a disk sync. Here the service's connection never
 * checkpoints (`wal_autocheckpoint = 0`); a second connection in a worker runs PASSIVE
 * checkpoints, which never block the writer, every `intervalMs`. If the worker fails, the
 * service's connection checkpoints by itself again, so the log cannot grow without bound.
 *
 * The worker's code is evaluated from a string (it needs only the SQLite driver), so it runs the
 * same under `node dist/`, tsx and vitest.
 */
export class SqliteCheckpointer {
  private readonly worker: Worker;
  private stopped: Promise<void> | null = null;

  constructor(
    private readonly db: SqliteDatabase,
    options: { intervalMs?: number; onError?: (message: string) => void } = {},
  ) {
    if (db.memory) throw new Error('An in-memory database has no write-ahead log to checkpoint');
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: db.name, intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS } });
    this.worker.unref();
    const fallBack = (message: string) => {
      if (this.stopped || !db.open) return;
      db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
      options.onError?.(message);
    };
    this.worker.on('message', (m: { error?: string }) => {
      if (m.error) options.onError?.(m.error);
    });
    this.worker.on('error', (err) => fallBack(err.message));
    this.worker.on('exit', (code) => {
      if (code !== 0) fallBack(`checkpoint worker exited with code ${code}`);
    });
    db.pragma('wal_autocheckpoint = 0');
    // Once checkpointed and restarted, the log file is cut back to this size.
    db.pragma('journal_size_limit = 67108864');
  }

  /** Stops the worker after a last checkpoint; the service's connection checkpoints by itself again. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.postMessage('stop');
    }).then(() => {
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    });
    return this.stopped;
  }
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
let lastError = '';
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    lastError = '';
  } catch (err) {
    const message = String((err && err.message) || err);
    if (message !== lastError) parentPort.postMessage({ error: message });
    lastError = message;
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;
