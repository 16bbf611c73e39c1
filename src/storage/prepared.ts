import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './database.js';
import { withTransaction } from './postgres/pool.js';
import type { Schema } from './schema.js';

/**
 * A transaction that runs prepared statements only (see `preparedTransaction`): `db` is the
 * database the statements are compiled for, `execute` runs one on the transaction's connection.
 */
export interface PreparedTransaction<DB = Schema> {
  readonly db: Kysely<DB>;
  execute<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/**
 * A query built and compiled once per database, then run with new values. Kysely builds a frozen
 * operation tree and compiles it to SQL on every call: on a turn's hot path (load the state, check
 * the message id, commit the turn, the handoff and channel look-ups) that was most of the storage
 * layer's CPU (a conversation turn's store calls: 0.09 ms before Kysely, 0.16–0.21 ms with a
 * build per call). Written by hand because Kysely has no prepared queries; it keeps Kysely's typed
 * builder and its executor (the group-commit dialect) as they are.
 *
 * `build` receives one placeholder per parameter, typed as the value it stands for; a placeholder
 * may be used wherever a value goes (compared, inserted, set), never as a table or column name or
 * inside `sql.lit`. Each run puts the values where the placeholders were compiled; it runs on the
 * database or inside a `preparedTransaction`.
 *
 * @example
 *   const byKey = prepared((p: { key: string }) => (db: Kysely<Schema>) => db.selectFrom('conversations').selectAll().where('conversation_key', '=', p.key));
 *   const rows = (await byKey.run(db, { key })).rows;
 */
export function prepared<P extends Record<string, unknown>, DB, R>(build: (p: P) => (db: Kysely<DB>) => Compilable<R>) {
  const placeholders = new Map<object, string>();
  const p = new Proxy({} as P, {
    get(_target, name) {
      const placeholder = Object.freeze({ placeholder: String(name) });
      placeholders.set(placeholder, String(name));
      return placeholder;
    },
  });
  const query = build(p);
  // One compiled query per database (SQLite and PostgreSQL compile to different SQL).
  const compiled = new WeakMap<object, CompiledQuery<R>>();
  return {
    run(target: Kysely<DB> | PreparedTransaction<DB>, params: P): Promise<QueryResult<R>> {
      const db = 'execute' in target ? target.db : target;
      let template = compiled.get(db);
      if (!template) {
        template = query(db).compile();
        compiled.set(db, template);
      }
      const parameters = template.parameters.map((value) => {
        const name = typeof value === 'object' && value !== null ? placeholders.get(value) : undefined;
        return name === undefined ? value : params[name];
      });
      const statement = CompiledQuery.raw(template.sql, parameters) as CompiledQuery<R>;
      return 'execute' in target ? target.execute(statement) : db.executeQuery(statement);
    },
  };
}

/**
 * Runs `fn` in one transaction for prepared statements: all of them or none are committed.
 *
 * On PostgreSQL the statements go straight to one pooled connection between BEGIN and COMMIT.
 * Kysely's own transaction makes a Transaction instance, an executor and a connection provider
 * per call and passes every statement through them: on the turn's commit that was about 0.1 ms of
 * CPU a turn (0.54 against 0.44 ms for a whole turn's storage in a 32-conversation microbenchmark),
 * enough to make the service's PostgreSQL benchmark 8–16% slower than the hand-written SQL before.
 * On SQLite it is Kysely's transaction, which the group-commit dialect batches with the event-loop
 * turn's other writes (its cost there is small against a turn's).
 */
export async function preparedTransaction<T>(database: Database, fn: (tx: PreparedTransaction) => Promise<T>): Promise<T> {
  if (database.kind === 'sqlite') {
    return database.db.transaction().execute((trx) => fn({ db: database.db, execute: (query) => trx.executeQuery(query) }));
  }
  return withTransaction(database.pool, (client) =>
    fn({
      db: database.db,
      async execute<R>(query: CompiledQuery<R>): Promise<QueryResult<R>> {
        const { command, rowCount, rows } = await client.query(query.sql, query.parameters as unknown[]);
        // As Kysely's PostgreSQL driver reports it.
        const changed = command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE';
        return { rows: (rows ?? []) as R[], ...(changed ? { numAffectedRows: BigInt(rowCount ?? 0) } : {}) };
      },
    }),
  );
}
