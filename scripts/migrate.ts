/**
 * Applies the PostgreSQL migrations (migrations/postgres/NNN_name.sql) not yet applied to the
 * database at DATABASE_URL, and says what it did.
 *
 *   DATABASE_URL=postgres://user:pass@host:5432/db npm run migrate
 *
 * Safe to run while the service runs or starts: migrations take an advisory lock, so concurrent
 * runs take turns and apply each file once. Exits 1 (printing why) when DATABASE_URL is unset, the
 * database cannot be reached, a file fails, or an applied file was changed.
 */
import { migratePostgres as migrate } from '../src/storage/migrate.js';
import { openPostgres } from '../src/storage/postgres/pool.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set: nothing to migrate (the service uses SQLite without it).');
  process.exit(1);
}

const pool = openPostgres(url, { max: 1, applicationName: 'pln123-migrate' });
try {
  const { applied, unknown } = await migrate(pool);
  for (const m of applied) console.log(`applied ${String(m.version).padStart(3, '0')}_${m.name}`);
  console.log(applied.length === 0 ? 'database is up to date' : `${applied.length} migration(s) applied`);
  if (unknown.length > 0) console.warn(`the database also has migrations this release does not know: ${unknown.join(', ')}`);
} catch (err) {
  console.error(`migration failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
