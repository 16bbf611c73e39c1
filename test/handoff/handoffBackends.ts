import { createHandoffStores, type HandoffStores } from '../../src/handoff/handoffStores.js';
import type { SessionStoreOptions } from '../../src/handoff/sessionStore.js';
import type { PgPool } from '../../src/storage/postgres/pool.js';
import { openSqlite, type SqliteDatabase } from '../../src/storage/sqlite.js';
import type { TestSchema } from '../storage/pgTestSchema.js';
import { sqliteDatabase, postgresDatabase } from '../../src/storage/database.js';

/**
 * One database for the handoff-side contract suites. `connect` opens stores on it with their own
 * connection (SQLite) or pool (PostgreSQL): calling it twice is two instances of the service.
 */
export interface HandoffBackendHarness {
  connect(options?: { sessions?: SessionStoreOptions }): Promise<HandoffStores>;
  /** Empties the tables: each test starts from nothing. */
  reset(): Promise<void>;
  /** Ends what `connect` opened. */
  disconnectAll(): Promise<void>;
  /** Locks an account out by hand, as an operator would (there is no API for it). */
  disableOfficer(username: string): Promise<void>;
  /** The agent_sessions rows as stored. */
  sessionRows(): Promise<Array<{ id: string; username: string; csrf_token: string; created_at: number; last_seen: number }>>;
}

const TABLES = ['handoffs', 'transcript', 'officers', 'agent_sessions'] as const;

/** A SQLite file under `dir` (the caller makes and removes the directory). */
export function sqliteHarness(dir: string): HandoffBackendHarness {
  const open: SqliteDatabase[] = [];
  const admin = (): SqliteDatabase => {
    const db = openSqlite(dir);
    open.push(db);
    // Makes the tables, as the service does at start-up.
    createHandoffStores(sqliteDatabase(db));
    return db;
  };
  return {
    async connect(options = {}) {
      const db = openSqlite(dir);
      open.push(db);
      return createHandoffStores(sqliteDatabase(db), options);
    },
    async reset() {
      const db = admin();
      for (const table of TABLES) db.exec(`DELETE FROM ${table}`);
    },
    async disconnectAll() {
      for (const db of open.splice(0)) db.close();
    },
    async disableOfficer(username) {
      admin().prepare('UPDATE officers SET disabled = 1 WHERE username = ?').run(username);
    },
    async sessionRows() {
      return admin()
        .prepare<[], { id: string; username: string; csrf_token: string; created_at: number; last_seen: number }>('SELECT * FROM agent_sessions ORDER BY username, id')
        .all();
    },
  };
}

/** A migrated throw-away schema (see pgTestSchema); each `connect` is a new pool on it. */
export function postgresHarness(schema: TestSchema): HandoffBackendHarness {
  let pools: PgPool[] = [];
  let adminPool: PgPool | undefined;
  const admin = (): PgPool => (adminPool ??= schema.pool({ max: 1 }));
  return {
    async connect(options = {}) {
      const pool = schema.pool({ max: 4 });
      pools.push(pool);
      return createHandoffStores(postgresDatabase(pool), options);
    },
    async reset() {
      await admin().query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY`);
    },
    async disconnectAll() {
      const ending = pools;
      pools = [];
      await Promise.all(ending.map((p) => p.end()));
    },
    async disableOfficer(username) {
      await admin().query('UPDATE officers SET disabled = true WHERE username = $1', [username]);
    },
    async sessionRows() {
      const { rows } = await admin().query<{ id: string; username: string; csrf_token: string; created_at: number; last_seen: number }>(
        'SELECT * FROM agent_sessions ORDER BY username COLLATE "C", id COLLATE "C"',
      );
      return rows;
    },
  };
}
