import { randomBytes } from 'node:crypto';
import { PSEUDONYM_KEY_MIN_BYTES } from '../log.js';
import type { Database } from './database.js';
import type { SqliteDatabase } from './sqlite.js';

/** Where the deployment's log-pseudonym key is kept when the configuration names none. */
export type PseudonymKeyBackend = Database;

const NAME = 'log_pseudonym_key';

/**
 * The key of the logs' pseudonyms: `LOG_PSEUDONYM_KEY` when set; else one generated on the first
 * start and kept in the service's database (SQLite: the file under DATA_DIR; PostgreSQL: shared
 * by every instance, which need not share a DATA_DIR), so every instance and every restart writes
 * the same pseudonym for the same person and logs stay comparable. Whoever can read the key (the
 * configuration, or the `service_secrets` table) can test guesses against pseudonyms: keep it as
 * secret as the database itself.
 */
export async function resolvePseudonymKey(configured: string | undefined, backend: PseudonymKeyBackend): Promise<Buffer> {
  if (configured !== undefined) return Buffer.from(configured, 'utf8');
  const fresh = randomBytes(PSEUDONYM_KEY_MIN_BYTES).toString('base64url');
  // Insert-if-absent then read: two instances starting at once both end with the first one's key.
  if (backend.kind === 'sqlite') {
    ensureSecretsTable(backend.sqlite);
    backend.sqlite.prepare('INSERT OR IGNORE INTO service_secrets (name, value, created_at) VALUES (?, ?, ?)').run(NAME, fresh, new Date().toISOString());
    const row = backend.sqlite.prepare<[string], { value: string }>('SELECT value FROM service_secrets WHERE name = ?').get(NAME);
    return Buffer.from(row?.value ?? fresh, 'base64url');
  }
  // Two statements: the SELECT's snapshot is taken after the INSERT has waited for a racing one.
  await backend.pool.query('INSERT INTO service_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [NAME, fresh]);
  const { rows } = await backend.pool.query<{ value: string }>('SELECT value FROM service_secrets WHERE name = $1', [NAME]);
  return Buffer.from(rows[0]?.value ?? fresh, 'base64url');
}

/** The SQLite table of the service's own secrets (PostgreSQL: migrations/postgres/010_service_secrets.sql). */
export function ensureSecretsTable(db: SqliteDatabase): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS service_secrets (
      name TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
  `);
}
