import type { AppConfig } from '../config.js';
import type { Logger } from '../log.js';
import { postgresDatabase, sqliteDatabase, type Database } from '../storage/database.js';
import { migratePostgres } from '../storage/migrate.js';
import { openPostgres } from '../storage/postgres/pool.js';
import { openRedisParts, type RedisParts } from './redisParts.js';
import { openSqlite } from '../storage/sqlite.js';
import { SqliteCheckpointer } from '../storage/sqliteCheckpointer.js';

/** The service's database and, with REDIS_URL, its Redis connections. */
export interface StorageParts {
  database: Database;
  redis: RedisParts | undefined;
  /** Whether the database is still usable (readiness). */
  isOpen(): boolean;
  /** At start-up, before anything reads: PostgreSQL's migrations when MIGRATE_ON_START asks (SQLite migrates as it opens). */
  migrate(): Promise<void>;
  /** Last, after everything that writes has stopped. */
  close(): Promise<void>;
}

/**
 * SQLite under DATA_DIR by default; DATABASE_URL moves the shared state (conversations, tickets and
 * outbox, handoffs, officers, channel records) to PostgreSQL so several instances serve one
 * workload.
 */
export function buildStorage(config: AppConfig, log: Logger): StorageParts {
  const redis = config.redis ? openRedisParts(config.redis, log) : undefined;
  const postgres = config.postgres;
  if (postgres) {
    const pool = openPostgres(postgres.url, {
      max: postgres.poolSize,
      applicationName: 'pln123-bot',
      onError: (err) => log.warn({ err: err.message }, 'postgres: idle connection error'),
    });
    return {
      database: postgresDatabase(pool),
      redis,
      isOpen: () => !pool.ending,
      async migrate() {
        if (!postgres.migrateOnStart) return;
        const migrated = await migratePostgres(pool);
        if (migrated.applied.length) log.info({ applied: migrated.applied }, 'database migrated');
      },
      async close() {
        await redis?.close();
        await pool.end();
      },
    };
  }
  const db = openSqlite(config.dataDir);
  // The write-ahead log is checkpointed off the event loop (a turn never waits for a disk sync).
  const checkpointer = db.memory
    ? null
    : new SqliteCheckpointer(db, { onError: (message) => log.warn({ err: message }, 'SQLite background checkpoint failed; the service connection checkpoints by itself') });
  return {
    database: sqliteDatabase(db),
    redis,
    isOpen: () => db.open,
    migrate: async () => undefined,
    async close() {
      await checkpointer?.stop();
      db.close();
      await redis?.close();
    },
  };
}
