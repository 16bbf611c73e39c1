import { randomBytes } from 'node:crypto';
import { PSEUDONYM_KEY_MIN_BYTES } from '../log.js';
import type { Database } from './database.js';

const NAME = 'log_pseudonym_key';

/**
 * The key of the logs' pseudonyms: `LOG_PSEUDONYM_KEY` when set; else one generated on the first
 * start and kept in the service's database (SQLite: the file under DATA_DIR; PostgreSQL: shared
 * by every instance, which need not share a DATA_DIR), so every instance and every restart writes
 * the same pseudonym for the same person and logs stay comparable. Whoever can read the key (the
 * configuration, or the `service_secrets` table) can test guesses against pseudonyms: keep it as
 * secret as the database itself.
 */
export async function resolvePseudonymKey(configured: string | undefined, database: Database): Promise<Buffer> {
  if (configured !== undefined) return Buffer.from(configured, 'utf8');
  const fresh = randomBytes(PSEUDONYM_KEY_MIN_BYTES).toString('base64url');
  // Insert-if-absent then read: two instances starting at once both end with the first one's key.
  // Two statements: the SELECT's snapshot is taken after the INSERT has waited for a racing one.
  await database.db
    .insertInto('service_secrets')
    .values({ name: NAME, value: fresh, created_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await database.db.selectFrom('service_secrets').select('value').where('name', '=', NAME).executeTakeFirst();
  return Buffer.from(row?.value ?? fresh, 'base64url');
}
