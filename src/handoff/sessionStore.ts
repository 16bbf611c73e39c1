import crypto from 'node:crypto';
import type { SqliteDatabase } from '../storage/sqlite.js';

/** How long an agent-console session lives; both limits apply. */
export interface SessionStoreOptions {
  /** Ends a session nobody has used for this long (default 8 hours). */
  idleTimeoutMs?: number;
  /** Ends every session this long after sign-in, however busy (default 24 hours). */
  absoluteLifetimeMs?: number;
  /** Clock in epoch milliseconds, for tests. */
  now?: () => number;
}

/** What a valid session cookie stands for. */
export interface AgentSession {
  username: string;
  /** Echoed by the console in X-CSRF-Token on every state-changing request. */
  csrfToken: string;
}

/** Writing last_seen on every request would turn each console poll into a database write. */
const TOUCH_INTERVAL_MS = 60_000;
/** Cookie tokens are 43 characters; anything much longer is not ours and is not worth hashing. */
const TOKEN_MAX_LENGTH = 128;

interface SessionRow {
  id: string;
  username: string;
  csrf_token: string;
  created_at: number;
  last_seen: number;
}

const newToken = () => crypto.randomBytes(32).toString('base64url');
/** Only this digest is stored, so a copy of the database does not hand out live sessions. */
const sessionId = (token: string) => crypto.createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Signed-in officers' sessions, in SQLite so they survive a restart and are shared by every
 * process on the same database. The cookie carries a random 256-bit token; the table keys on its
 * SHA-256. Expired rows are deleted whenever a session is created or an expired one is presented,
 * so the table needs no separate sweeper.
 */
export class SessionStore {
  private readonly idleMs: number;
  private readonly lifetimeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly db: SqliteDatabase,
    options: SessionStoreOptions = {},
  ) {
    this.idleMs = options.idleTimeoutMs ?? 8 * 60 * 60 * 1000;
    this.lifetimeMs = options.absoluteLifetimeMs ?? 24 * 60 * 60 * 1000;
    this.now = options.now ?? Date.now;
    db.exec(`
      CREATE TABLE IF NOT EXISTS agent_sessions (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL,
        csrf_token TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS agent_sessions_username ON agent_sessions (username);
    `);
  }

  /** Starts a session; `token` goes in the cookie and is not kept anywhere. */
  create(username: string): { token: string; csrfToken: string } {
    const now = this.now();
    this.deleteExpired(now);
    const token = newToken();
    const csrfToken = newToken();
    this.db.prepare('INSERT INTO agent_sessions (id, username, csrf_token, created_at, last_seen) VALUES (?, ?, ?, ?, ?)').run(sessionId(token), username, csrfToken, now, now);
    return { token, csrfToken };
  }

  /** The live session of a cookie token, or null (unknown, idle too long, or too old). */
  get(token: string): AgentSession | null {
    if (token.length === 0 || token.length > TOKEN_MAX_LENGTH) return null;
    const id = sessionId(token);
    const row = this.db.prepare<[string], SessionRow>('SELECT * FROM agent_sessions WHERE id = ?').get(id);
    if (!row) return null;
    const now = this.now();
    if (now - row.last_seen >= this.idleMs || now - row.created_at >= this.lifetimeMs) {
      this.db.prepare('DELETE FROM agent_sessions WHERE id = ?').run(id);
      return null;
    }
    if (now - row.last_seen >= TOUCH_INTERVAL_MS) this.db.prepare('UPDATE agent_sessions SET last_seen = ? WHERE id = ?').run(now, id);
    return { username: row.username, csrfToken: row.csrf_token };
  }

  /** Ends one session (sign-out); unknown tokens are ignored. */
  destroy(token: string): void {
    if (token.length === 0 || token.length > TOKEN_MAX_LENGTH) return;
    this.db.prepare('DELETE FROM agent_sessions WHERE id = ?').run(sessionId(token));
  }

  /** Ends every session of an officer (password changed, account removed); returns how many. */
  destroyAllOf(username: string): number {
    return this.db.prepare('DELETE FROM agent_sessions WHERE username = ?').run(username).changes;
  }

  private deleteExpired(now: number): void {
    this.db.prepare('DELETE FROM agent_sessions WHERE last_seen <= ? OR created_at <= ?').run(now - this.idleMs, now - this.lifetimeMs);
  }
}
