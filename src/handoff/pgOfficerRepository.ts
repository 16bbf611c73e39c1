import type { PgPool } from '../storage/postgres/pool.js';
import { officerFromRow, type OfficerRow, type OfficerRecord, type OfficerRepository } from './officerStore.js';

/** PostgreSQL's unique_violation: the username was taken by another instance meanwhile. */
const UNIQUE_VIOLATION = '23505';

/**
 * The `officers` table in PostgreSQL (migrations/postgres/004_officers.sql), shared by every
 * instance. `disabled` is a boolean here (SQLite's 0/1).
 */
export class PgOfficerRepository implements OfficerRepository {
  constructor(private readonly pool: PgPool) {}

  async find(username: string, includeDisabled: boolean): Promise<OfficerRecord | null> {
    const sql = includeDisabled ? 'SELECT * FROM officers WHERE username = $1' : 'SELECT * FROM officers WHERE username = $1 AND NOT disabled';
    const { rows } = await this.pool.query<OfficerRow>(sql, [username]);
    return rows[0] ? officerFromRow(rows[0]) : null;
  }

  async insert(record: OfficerRecord, createdAt: string): Promise<boolean> {
    try {
      await this.pool.query('INSERT INTO officers (username, display_name, password_hash, created_at) VALUES ($1, $2, $3, $4)', [
        record.username,
        record.displayName,
        record.passwordHash,
        createdAt,
      ]);
      return true;
    } catch (err) {
      if ((err as { code?: unknown }).code === UNIQUE_VIOLATION) return false;
      throw err;
    }
  }

  async setPasswordHash(username: string, passwordHash: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE officers SET password_hash = $2 WHERE username = $1', [username, passwordHash]);
    return (rowCount ?? 0) > 0;
  }

  async remove(username: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM officers WHERE username = $1', [username]);
    return (rowCount ?? 0) > 0;
  }

  async listEnabled(): Promise<OfficerRecord[]> {
    // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
    const { rows } = await this.pool.query<OfficerRow>('SELECT * FROM officers WHERE NOT disabled ORDER BY username COLLATE "C"');
    return rows.map(officerFromRow);
  }
}
