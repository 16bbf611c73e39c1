import type { SqliteDatabase } from './sqlite.js';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for one SQLite connection: the writes asked for during one turn of the event loop
 * are committed together, in one transaction, each in a savepoint of its own. With 64
 * conversations in flight, a commit (the write of the log pages, shared by every turn's rows) was
 * a fifth of a turn's CPU; now it is paid once per batch. Every caller's promise settles only
 * after the batch is committed, so nothing is acknowledged (no reply sent) before it is on disk
 * as far as SQLite's `synchronous` setting promises; a write that fails rolls back its savepoint
 * alone and rejects its own caller; a commit that fails rejects the whole batch.
 *
 * Writes run in the order they were asked for. The batch waits for no timer: it runs on
 * `setImmediate`, after the I/O callbacks that asked for it.
 */
export class SqliteGroupCommit {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly batch: (items: Pending[]) => Array<{ ok: true; value: unknown } | { ok: false; err: unknown }>;

  constructor(private readonly db: SqliteDatabase) {
    const savepoint = db.transaction((work: () => unknown) => work());
    this.batch = db.transaction((items: Pending[]) =>
      items.map((item) => {
        try {
          return { ok: true as const, value: savepoint(item.work) };
        } catch (err) {
          return { ok: false as const, err };
        }
      }),
    );
  }

  /** Runs `work` (synchronous statements only) in the next batch; resolves with its result once committed. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const items = this.pending;
    this.pending = [];
    let results;
    try {
      results = this.batch(items);
    } catch (err) {
      for (const item of items) item.reject(err);
      return;
    }
    results.forEach((result, i) => {
      const item = items[i]!;
      if (result.ok) item.resolve(result.value);
      else item.reject(result.err);
    });
  }
}

const committers = new WeakMap<SqliteDatabase, SqliteGroupCommit>();

/** The connection's group committer (one per connection, shared by its stores). */
export function groupCommit(db: SqliteDatabase): SqliteGroupCommit {
  let committer = committers.get(db);
  if (!committer) {
    committer = new SqliteGroupCommit(db);
    committers.set(db, committer);
  }
  return committer;
}
