import { createRequire } from 'node:module';
import type * as PgModule from 'pg';
import type { Pool, PoolClient, TypeOverrides } from 'pg';

/**
 * pg is loaded when a pool is first opened, not when this module is imported: the service on its
 * SQLite default never opens one and so does not carry the driver (about 15 MB of memory).
 */
const loadPg = (): typeof PgModule => createRequire(import.meta.url)('pg') as typeof PgModule;

export type PgPool = Pool;
export type PgClient = PoolClient;

export interface PostgresOptions {
  /** Most connections this process holds (default 10). */
  max?: number;
  /** Shown in pg_stat_activity, so an operator can tell the bot's connections apart. */
  applicationName?: string;
  /** Schema for unqualified names (tests use a throw-away schema each); a plain identifier. */
  searchPath?: string;
  /** Told about errors of idle connections (server restart, network cut); must not throw. */
  onError?: (err: Error) => void;
  /** How long to wait for a connection before a query fails (default 10 s). */
  connectionTimeoutMs?: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Rows in the shapes the SQLite stores already use, so ports keep their row types:
 * - int8 (bigint: epoch-millisecond columns, identity ids, COUNT(*)) as a number rather than pg's
 *   default string; every such value here is far below 2^53, and one that is not fails loudly
 *   instead of losing digits;
 * - timestamptz as the ISO 8601 string (`2026-11-24T03:04:05.678Z`) the SQLite tables hold,
 *   rather than a Date.
 * Per pool, not pg's global `types`, so other pg users in the process are not affected.
 */
function rowTypes(): TypeOverrides {
  const { TypeOverrides, types } = loadPg();
  const overrides = new TypeOverrides();
  overrides.setTypeParser(types.builtins.INT8, (text: string) => {
    const n = Number(text);
    if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${text} does not fit a JavaScript number`);
    return n;
  });
  const parseTimestamptz = types.getTypeParser(types.builtins.TIMESTAMPTZ) as (text: string) => Date;
  overrides.setTypeParser(types.builtins.TIMESTAMPTZ, (text: string) => parseTimestamptz(text).toISOString());
  return overrides;
}

/**
 * A connection pool to PostgreSQL at `url` (postgres://user:pass@host:5432/db).
 *
 * pg emits 'error' on the pool when an idle connection dies (server restart, failover); without a
 * listener that is an uncaught exception that ends the process. The dead connection is dropped
 * and the next query opens a new one, so reporting it is enough.
 *
 * @example const pool = openPostgres(config.databaseUrl, { applicationName: 'pln123-bot' });
 */
export function openPostgres(url: string, opts: PostgresOptions = {}): PgPool {
  if (opts.searchPath !== undefined && !IDENTIFIER.test(opts.searchPath)) {
    throw new TypeError(`searchPath must be a plain identifier, got ${JSON.stringify(opts.searchPath)}`);
  }
  const { Pool } = loadPg();
  const pool = new Pool({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? 'pln123-bot',
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? 10_000,
    types: rowTypes(),
    ...(opts.searchPath !== undefined ? { options: `-c search_path=${opts.searchPath}` } : {}),
  });
  const onError = opts.onError ?? ((err: Error) => console.error(`postgres: idle connection error: ${err.message}`));
  pool.on('error', (err) => onError(err));
  return pool;
}

/**
 * Runs `fn` inside BEGIN/COMMIT on one connection and returns its result; any error rolls back
 * and is rethrown. A connection whose ROLLBACK failed is in an unknown state, so it is destroyed
 * rather than handed to the next caller.
 */
export async function withTransaction<T>(pool: PgPool, fn: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      broken = rollbackErr as Error;
    }
    throw err;
  } finally {
    client.release(broken);
  }
}
