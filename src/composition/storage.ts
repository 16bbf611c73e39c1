import type { AppConfig } from '../config.js';
import type { Logger } from '../log.js';
import { postgresDatabase, sqliteDatabase, type Database } from '../storage/database.js';
import { migratePostgres } from '../storage/migrate.js';
import { openPostgres } from '../storage/postgres/pool.js';
import { openSqlite } from '../storage/sqlite.js';
import { SqliteCheckpointer } from '../storage/sqliteCheckpointer.js';
import { openRedisParts, type RedisParts } from './redisParts.js';

/** The configured database, as the service and the command-line scripts open it. */
export interface DatabaseHandle {
  database: Database;
  /** Whether the database is still usable (readiness). */
  isOpen(): boolean;
  /** At start-up, before anything reads: PostgreSQL's migrations when MIGRATE_ON_START asks (SQLite migrates as it opens). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/**
 * SQLite under DATA_DIR by default (migrated as it opens); with DATABASE_URL, PostgreSQL, where the
 * shared state of several instances lives. The one place that chooses between them.
 */
export function openDatabase(
  config: Pick<AppConfig, 'dataDir' | 'postgres'>,
  opts: { applicationName: string; max?: number; log?: Pick<Logger, 'info' | 'warn'> },
): DatabaseHandle {
  const postgres = config.postgres;
  if (!postgres) {
    const db = openSqlite(config.dataDir);
    return {
      database: sqliteDatabase(db),
      isOpen: () => db.open,
      migrate: async () => undefined,
      close: async () => {
        db.close();
      },
    };
  }
  const log = opts.log;
  const pool = openPostgres(postgres.url, {
    max: opts.max ?? postgres.poolSize,
    applicationName: opts.applicationName,
    ...(log ? { onError: (err: Error) => log.warn({ err: err.message }, 'postgres: idle connection error') } : {}),
  });
  return {
    database: postgresDatabase(pool),
    isOpen: () => !pool.ending,
    async migrate() {
      if (!postgres.migrateOnStart) return;
      const migrated = await migratePostgres(pool);
      if (migrated.applied.length) log?.info({ applied: migrated.applied }, 'database migrated');
    },
    close: () => pool.end(),
  };
}

/** The service's database and, with REDIS_URL, its Redis connections. */
export interface StorageParts extends DatabaseHandle {
  redis: RedisParts | undefined;
}

/**
 * The service's storage: the database, with the SQLite write-ahead log checkpointed off the event
 * loop (a turn never waits for a disk sync), and Redis when configured. `close` comes last, after
 * everything that writes has stopped.
 */
export function buildStorage(config: AppConfig, log: Logger): StorageParts {
  const handle = openDatabase(config, { applicationName: 'pln123-bot', log });
  const { database } = handle;
  const checkpointer =
    database.kind === 'sqlite' && !database.sqlite.memory
      ? new SqliteCheckpointer(database.sqlite, { onError: (message) => log.warn({ err: message }, 'SQLite background checkpoint failed; the service connection checkpoints by itself') })
      : null;
  const redis = config.redis ? openRedisParts(config.redis, log) : undefined;
  return {
    ...handle,
    redis,
    async close() {
      await checkpointer?.stop();
      // SQLite closes before Redis (as before the split); PostgreSQL's pool ends last.
      if (database.kind === 'sqlite') await handle.close();
      await redis?.close();
      if (database.kind === 'postgres') await handle.close();
    },
  };
}
