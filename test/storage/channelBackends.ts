import { createChannelStores, type ChannelStores } from '../../src/storage/channelStores.js';
import type { ContactWindowStoreOptions } from '../../src/storage/contactWindowStore.js';
import type { PgPool } from '../../src/storage/postgres/pool.js';
import { openSqlite, type SqliteDatabase } from '../../src/storage/sqlite.js';
import type { TestSchema } from './pgTestSchema.js';
import { sqliteDatabase, postgresDatabase } from '../../src/storage/database.js';

/**
 * One database for the channel-store contract suites. `connect` opens both stores with their own
 * connection (SQLite) or pool (PostgreSQL): calling it twice is two instances of the service.
 * Tests use random user ids and keys, so they share the database without a reset.
 */
export interface ChannelStoresHarness {
  connect(options?: { windows?: ContactWindowStoreOptions }): Promise<ChannelStores>;
  /** Ends what `connect` opened. */
  disconnectAll(): Promise<void>;
}

/** A SQLite file under `dir` (the caller makes and removes the directory). */
export function sqliteChannelHarness(dir: string): ChannelStoresHarness {
  const open: SqliteDatabase[] = [];
  return {
    async connect(options = {}) {
      const db = openSqlite(dir);
      open.push(db);
      return createChannelStores(sqliteDatabase(db), options);
    },
    async disconnectAll() {
      for (const db of open.splice(0)) db.close();
    },
  };
}

/** A migrated throw-away schema (see pgTestSchema); each `connect` is a new pool on it. */
export function postgresChannelHarness(schema: TestSchema): ChannelStoresHarness {
  let pools: PgPool[] = [];
  return {
    async connect(options = {}) {
      const pool = schema.pool({ max: 4 });
      pools.push(pool);
      return createChannelStores(postgresDatabase(pool), options);
    },
    async disconnectAll() {
      const ending = pools;
      pools = [];
      await Promise.all(ending.map((p) => p.end()));
    },
  };
}
