import { Kysely, PostgresDialect } from 'kysely';
import { pgDirectStatements, type DirectStatements } from './directStatements.js';
import { migrateSqlite } from './migrate.js';
import type { PgPool } from './postgres/pool.js';
import type { Schema } from './schema.js';
import { openSqlite, type SqliteDatabase } from './sqlite.js';
import { SqliteGroupCommitDialect } from './sqliteDialect.js';

/** Which database holds the service's records. */
export type BackendKind = 'sqlite' | 'postgres';

/**
 * The service's database, as every store takes it: `db` is the typed query builder (Kysely) the
 * stores write their queries with, once for both databases; `kind` is for the few statements that
 * really differ between the two, and the raw handle is for what Kysely does not do (migrations,
 * the WAL checkpointer, tests' fixtures). `direct` runs the hot path's compiled statements past
 * Kysely's executor (prepared.ts).
 */
export type Database = ({ kind: 'sqlite'; sqlite: SqliteDatabase } | { kind: 'postgres'; pool: PgPool }) & { db: Kysely<Schema>; direct: DirectStatements };

/**
 * The embedded database on an open SQLite connection, its schema brought up to date
 * (migrations/sqlite). Writes go through group commit (see SqliteGroupCommitDialect).
 */
export function sqliteDatabase(sqlite: SqliteDatabase): Database {
  migrateSqlite(sqlite);
  const dialect = new SqliteGroupCommitDialect(sqlite);
  return { kind: 'sqlite', db: new Kysely<Schema>({ dialect }), direct: dialect.direct, sqlite };
}

/** The embedded database in `dataDir` (`:memory:` for one that lives as long as the process). */
export function openSqliteDatabase(dataDir: string): Database {
  return sqliteDatabase(openSqlite(dataDir));
}

/**
 * PostgreSQL through `pool` (migrated by `npm run migrate` or MIGRATE_ON_START, not here: several
 * instances share it). Closing the Database does not end the pool; its opener does.
 */
export function postgresDatabase(pool: PgPool): Database {
  // Kysely's PostgresDialect ends the pool it is given on destroy; this one is the caller's.
  const borrowed = { connect: () => pool.connect(), end: async () => undefined };
  return { kind: 'postgres', db: new Kysely<Schema>({ dialect: new PostgresDialect({ pool: borrowed }) }), direct: pgDirectStatements(pool), pool };
}
