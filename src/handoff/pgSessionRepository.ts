import type { PgPool } from '../storage/postgres/pool.js';
import { sessionFromRow, type SessionRow, type SessionRecord, type SessionRepository } from './sessionStore.js';

/**
 * The `agent_sessions` table in PostgreSQL (migrations/postgres/004_officers.sql), so an officer
 * signed in through one instance is signed in on all of them, and signing out (or a password
 * change) ends the session everywhere. Times are epoch-millisecond bigints, read back as numbers.
 */
export class PgSessionRepository implements SessionRepository {
  constructor(private readonly pool: PgPool) {}

  async insert(r: SessionRecord): Promise<void> {
    await this.pool.query('INSERT INTO agent_sessions (id, username, csrf_token, created_at, last_seen) VALUES ($1, $2, $3, $4, $5)', [
      r.id,
      r.username,
      r.csrfToken,
      r.createdAt,
      r.lastSeen,
    ]);
  }

  async find(id: string): Promise<SessionRecord | null> {
    const { rows } = await this.pool.query<SessionRow>('SELECT * FROM agent_sessions WHERE id = $1', [id]);
    return rows[0] ? sessionFromRow(rows[0]) : null;
  }

  async touch(id: string, lastSeen: number): Promise<void> {
    await this.pool.query('UPDATE agent_sessions SET last_seen = $2 WHERE id = $1 AND last_seen < $2', [id, lastSeen]);
  }

  async delete(id: string): Promise<void> {
    await this.pool.query('DELETE FROM agent_sessions WHERE id = $1', [id]);
  }

  async deleteAllOf(username: string): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM agent_sessions WHERE username = $1', [username]);
    return rowCount ?? 0;
  }

  async deleteExpired(idleBefore: number, createdBefore: number): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM agent_sessions WHERE last_seen <= $1 OR created_at <= $2', [idleBefore, createdBefore]);
    return rowCount ?? 0;
  }
}
