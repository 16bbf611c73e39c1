import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './database.js';
import type { Execute } from './directStatements.js';
import type { Schema } from './schema.js';

/**
 * Where a prepared statement runs: the database (outside a transaction), or a transaction of
 * `preparedTransaction`. `db` is what the statement is compiled for; `execute` runs it past
 * Kysely's executor (see DirectStatements).
 */
export interface StatementTarget<DB = Schema> {
  readonly db: Kysely<DB>;
  readonly execute: Execute;
}

/** A database as a target of prepared statements, outside a transaction. */
export const onDatabase = (database: Database): StatementTarget => ({ db: database.db, execute: database.direct.execute });

/**
 * A query built and compiled once per database, then run with new values. Kysely builds a frozen
 * operation tree and compiles it to SQL on every call: on a turn's hot path (load the state, check
 * the message id, commit the turn, the handoff and channel look-ups) that was most of the storage
 * layer's CPU (a conversation turn's store calls: 0.09 ms before Kysely, 0.16–0.21 ms with a
 * build per call). Written by hand because Kysely has no prepared queries; it keeps Kysely's typed
 * builder, and runs the compiled statement on the database's driver directly (DirectStatements).
 *
 * `build` receives one placeholder per parameter, typed as the value it stands for; a placeholder
 * may be used wherever a value goes (compared, inserted, set), never as a table or column name or
 * inside `sql.lit`. Each run puts the values where the placeholders were compiled; it runs on the
 * database or inside a `preparedTransaction`.
 *
 * @example
 *   const byKey = prepared((p: { key: string }) => (db: Kysely<Schema>) => db.selectFrom('conversations').selectAll().where('conversation_key', '=', p.key));
 *   const rows = (await byKey.run(onDatabase(database), { key })).rows;
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
    run(target: StatementTarget<DB>, params: P): Promise<QueryResult<R>> {
      const { db } = target;
      let template = compiled.get(db);
      if (!template) {
        template = query(db).compile();
        compiled.set(db, template);
      }
      const parameters = template.parameters.map((value) => {
        const name = typeof value === 'object' && value !== null ? placeholders.get(value) : undefined;
        return name === undefined ? value : params[name];
      });
      return target.execute(CompiledQuery.raw(template.sql, parameters) as CompiledQuery<R>);
    },
  };
}

/** Runs `fn`'s prepared statements in one transaction: all of them committed, or none (see DirectStatements). */
export function preparedTransaction<T>(database: Database, fn: (tx: StatementTarget) => Promise<T>): Promise<T> {
  return database.direct.transaction((execute) => fn({ db: database.db, execute }));
}
