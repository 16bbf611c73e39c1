import {
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { Statement } from 'better-sqlite3';
import type { DirectStatements } from './directStatements.js';
import type { SqliteDatabase } from './sqlite.js';

/**
 * Kysely's dialect for the embedded SQLite database, with group commit.
 *
 * Kysely's own SqliteDialect commits every transaction by itself. Here the transactions, and the
 * writes made outside one, asked for during one turn of the event loop are committed together: one
 * BEGIN … COMMIT, each in a savepoint of its own. With 64 conversations in flight a commit (the
 * write of the log pages, shared by every turn's rows) was a fifth of a turn's CPU; this way it is
 * paid once per batch. A caller's transaction (or write) settles only after the batch is
 * committed, so nothing is acknowledged (no reply sent) before it is on disk as far as SQLite's
 * `synchronous` setting promises; a transaction that fails rolls back its savepoint alone; a
 * commit that fails rejects the whole batch.
 *
 * Written by hand because no kept library batches commits for better-sqlite3, and Kysely's driver
 * interface is the seam meant for it. Statements run synchronously (better-sqlite3): a batch runs
 * its transactions one after the other, and a transaction's body awaits only its own statements,
 * so a batch lasts microseconds unless a body awaits something else (which it must not: it would
 * hold every other writer, as a held transaction does on any database). A read asked for while a
 * batch is open waits for the batch to end, so no one reads what is not committed yet.
 *
 * One writer bypasses Kysely: rate-limiter-flexible's SQLite store (sign-in throttle) writes on the
 * same connection synchronously. A write of it that happens while a batch is open becomes part of
 * that batch's transaction (committed with it; undone only if the transaction body running at
 * that moment fails). A second connection would not help: its write would wait on the batch's
 * lock while blocking the event loop the batch needs to finish.
 */
export class SqliteGroupCommitDialect implements Dialect {
  private readonly batches: Batches;
  /**
   * Compiled statements past Kysely's executor (see DirectStatements), in the same batches: a
   * transaction is a batch item whose statements run as `fn` asks for them.
   */
  readonly direct: DirectStatements;

  constructor(private readonly db: SqliteDatabase) {
    this.batches = new Batches(db);
    const outside = new BatchConnection(db, this.batches);
    this.direct = {
      execute: (query) => outside.executeQuery(query),
      transaction: (fn) => this.batches.enqueue(() => fn(async (query) => runStatement(db.prepare(query.sql), query))),
    };
  }

  createAdapter = () => new SqliteAdapter();
  createDriver = (): Driver => new GroupCommitDriver(this.db, this.batches);
  createIntrospector = (db: Parameters<Dialect['createIntrospector']>[0]) => new SqliteIntrospector(db);
  createQueryCompiler = () => new SqliteQueryCompiler();
}

interface BatchItem {
  /** Runs inside the batch's transaction, in a savepoint; its rejection rolls the savepoint back. */
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Thrown into a transaction's batch item when Kysely rolls the transaction back. */
class RolledBack extends Error {}

class Batches {
  private queue: BatchItem[] = [];
  private scheduled = false;
  /** Set while a batch's transaction is open; reads wait on it. */
  open: Promise<void> | null = null;
  private readonly begin;
  private readonly commit;
  private readonly rollback;
  private readonly savepoint;
  private readonly release;
  private readonly rollbackTo;

  constructor(private readonly db: SqliteDatabase) {
    this.begin = db.prepare('BEGIN');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT batch_item');
    this.release = db.prepare('RELEASE batch_item');
    this.rollbackTo = db.prepare('ROLLBACK TO batch_item');
  }

  /** Runs `work` in the next batch; settles with its result once the batch is committed. */
  enqueue<T>(work: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.open) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const items = this.queue;
      this.queue = [];
      if (items.length > 0) this.open = this.flush(items);
    });
  }

  private async flush(items: BatchItem[]): Promise<void> {
    const results: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = [];
    let failed: unknown;
    try {
      this.begin.run();
      for (const item of items) {
        this.savepoint.run();
        try {
          const value = await item.work();
          this.release.run();
          results.push({ ok: true, value });
        } catch (err) {
          this.rollbackTo.run();
          this.release.run();
          results.push({ ok: false, err });
        }
      }
      this.commit.run();
    } catch (err) {
      failed = err;
      try {
        if (this.db.inTransaction) this.rollback.run();
      } catch {
        // The connection is gone (closed): there is nothing left to roll back.
      }
    }
    items.forEach((item, i) => {
      const result = results[i];
      if (failed !== undefined || !result) item.reject(failed);
      else if (result.ok) item.resolve(result.value);
      else item.reject(result.err);
    });
    this.open = null;
    if (this.queue.length > 0) this.schedule();
  }
}

class GroupCommitDriver implements Driver {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly batches: Batches,
  ) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new BatchConnection(this.db, this.batches);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as BatchConnection).begin();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as BatchConnection).end(true);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as BatchConnection).end(false);
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    this.db.close();
  }
}

/** A handle on the one SQLite connection: in a transaction, its turn inside a batch. */
class BatchConnection implements DatabaseConnection {
  /** True while this handle's transaction runs inside a batch. */
  private active = false;
  private finish: ((commit: boolean) => void) | null = null;
  private settled: Promise<unknown> | null = null;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly batches: Batches,
  ) {}

  begin(): Promise<void> {
    return new Promise<void>((began, refused) => {
      let started = false;
      this.settled = this.batches.enqueue(
        () =>
          new Promise<void>((done, fail) => {
            started = true;
            this.active = true;
            this.finish = (commit) => (commit ? done() : fail(new RolledBack()));
            began();
          }),
      );
      // A batch that failed before this transaction's turn (BEGIN refused) refuses the transaction;
      // otherwise the outcome is observed in end().
      this.settled.catch((err: unknown) => {
        if (!started) refused(err);
      });
    });
  }

  async end(commit: boolean): Promise<void> {
    this.active = false;
    const finish = this.finish;
    const settled = this.settled;
    this.finish = null;
    this.settled = null;
    finish?.(commit);
    if (!settled) return;
    if (commit) await settled;
    else await settled.catch((err: unknown) => (err instanceof RolledBack ? undefined : Promise.reject(err)));
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const statement = this.db.prepare(compiled.sql);
    if (this.active) return runStatement<R>(statement, compiled);
    // A write outside a transaction joins the next batch, as a transaction of one statement.
    if (!statement.readonly) return this.batches.enqueue(() => runStatement<R>(statement, compiled));
    while (this.batches.open) await this.batches.open;
    return runStatement<R>(statement, compiled);
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streamQuery is not supported on SQLite here');
  }
}

function runStatement<R>(statement: Statement, compiled: CompiledQuery): QueryResult<R> {
  // better-sqlite3 binds no booleans: SQLite keeps them as 0 and 1.
  const parameters = compiled.parameters.map((p) => (typeof p === 'boolean' ? Number(p) : p));
  if (statement.reader) return { rows: statement.all(parameters) as R[] };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
}
