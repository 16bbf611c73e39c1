import type { CompiledQuery, QueryResult } from 'kysely';
import { withTransaction, type PgClient, type PgPool } from './postgres/pool.js';

/** Runs one compiled statement. */
export type Execute = <R>(query: CompiledQuery<R>) => Promise<QueryResult<R>>;

/**
 * Compiled statements run straight on the database's driver, past Kysely's executor: for the turn's
 * hot path, whose statements are compiled once (prepared.ts). Kysely passes every statement through
 * its executor, runtime driver and connection provider, and makes a Transaction, an executor and a
 * connection provider for every transaction; on a turn (seven statements, one transaction) that was
 * about 0.1 ms of CPU, enough to make the service's benchmark slower than the hand-written SQL
 * Kysely replaced. Everything else goes through Kysely.
 */
export interface DirectStatements {
  /** One statement, outside any transaction (on SQLite a write joins the next group commit). */
  execute: Execute;
  /** `fn`'s statements in one transaction: all committed, or none when `fn` fails. */
  transaction<T>(fn: (execute: Execute) => Promise<T>): Promise<T>;
}

/** A pg result as Kysely's PostgreSQL driver reports it. */
async function pgExecute<R>(on: PgPool | PgClient, query: CompiledQuery<R>): Promise<QueryResult<R>> {
  const { command, rowCount, rows } = await on.query(query.sql, query.parameters as unknown[]);
  const changed = command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE';
  return { rows: (rows ?? []) as R[], ...(changed ? { numAffectedRows: BigInt(rowCount ?? 0) } : {}) };
}

/** PostgreSQL: statements on the pool; a transaction on one pooled connection between BEGIN and COMMIT. */
export function pgDirectStatements(pool: PgPool): DirectStatements {
  return {
    execute: (query) => pgExecute(pool, query),
    transaction: (fn) => withTransaction(pool, (client) => fn((query) => pgExecute(client, query))),
  };
}
