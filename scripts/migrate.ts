/**
 * Brings the service's database schema up to date and says what it did:
 * - with DATABASE_URL: the PostgreSQL migrations (migrations/postgres/NNN_name.sql) not yet applied;
 * - without: the SQLite file under DATA_DIR (migrations/sqlite), as the service does at start-up.
 *
 *   DATABASE_URL=postgres://user:pass@host:5432/db npm run migrate
 *   DATA_DIR=./data npm run migrate
 *
 * Safe to run while the service runs or starts: PostgreSQL migrations take an advisory lock, SQLite
 * ones a write transaction, so concurrent runs take turns and apply each file once. Exits 1
 * (printing why) when the database cannot be reached, a file fails, or an applied file was changed.
 */
import { loadConfig } from '../src/config.js';
import { migratePostgres, migrateSqlite, type MigrateResult } from '../src/storage/migrate.js';
import { openPostgres } from '../src/storage/postgres/pool.js';
import { openSqlite } from '../src/storage/sqlite.js';

const url = process.env.DATABASE_URL;

async function run(): Promise<MigrateResult> {
  if (!url) {
    const db = openSqlite(loadConfig().dataDir);
    try {
      return migrateSqlite(db);
    } finally {
      db.close();
    }
  }
  const pool = openPostgres(url, { max: 1, applicationName: 'pln123-migrate' });
  try {
    return await migratePostgres(pool);
  } finally {
    await pool.end();
  }
}

try {
  const { applied, unknown } = await run();
  for (const m of applied) console.log(`applied ${String(m.version).padStart(3, '0')}_${m.name}`);
  console.log(applied.length === 0 ? 'database is up to date' : `${applied.length} migration(s) applied`);
  if (unknown.length > 0) console.warn(`the database also has migrations this release does not know: ${unknown.join(', ')}`);
} catch (err) {
  console.error(`migration failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
