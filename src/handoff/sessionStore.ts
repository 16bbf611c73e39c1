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

/** A session as its repository keeps it; times in epoch milliseconds. */
export interface SessionRecord {
  /** SHA-256 (hex) of the cookie token. */
  id: string;
  username: string;
  csrfToken: string;
  createdAt: number;
  lastSeen: number;
}

/**
 * Where SessionStore keeps its rows: plain reads and writes, so token handling and the expiry
 * rules live once, in SessionStore. Implemented for SQLite (SqliteSessionRepository) and
 * PostgreSQL (PgSessionRepository).
 */
export interface SessionRepository {
  insert(record: SessionRecord): Promise<void>;
  find(id: string): Promise<SessionRecord | null>;
  /** Moves last_seen forward (never back). */
  touch(id: string, lastSeen: number): Promise<void>;
  delete(id: string): Promise<void>;
  /** Deletes every session of `username`; returns how many. */
  deleteAllOf(username: string): Promise<number>;
  /** Deletes the sessions last seen at or before `idleBefore` or created at or before `createdBefore`; returns how many. */
  deleteExpired(idleBefore: number, createdBefore: number): Promise<number>;
}

const newToken = () => crypto.randomBytes(32).toString('base64url');
/** Only this digest is stored, so a copy of the database does not hand out live sessions. */
const sessionId = (token: string) => crypto.createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Signed-in officers' sessions, in the database so they survive a restart and are shared by every
 * process on it (every instance, with PostgreSQL). The cookie carries a random 256-bit token; the
 * table keys on its SHA-256. Expired rows are deleted whenever a session is created or an expired
 * one is presented, so the table needs no separate sweeper.
 */
export class SessionStore {
  private readonly idleMs: number;
  private readonly lifetimeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly repo: SessionRepository,
    options: SessionStoreOptions = {},
  ) {
    this.idleMs = options.idleTimeoutMs ?? 8 * 60 * 60 * 1000;
    this.lifetimeMs = options.absoluteLifetimeMs ?? 24 * 60 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  /** Starts a session; `token` goes in the cookie and is not kept anywhere. */
  async create(username: string): Promise<{ token: string; csrfToken: string }> {
    const now = this.now();
    await this.repo.deleteExpired(now - this.idleMs, now - this.lifetimeMs);
    const token = newToken();
    const csrfToken = newToken();
    await this.repo.insert({ id: sessionId(token), username, csrfToken, createdAt: now, lastSeen: now });
    return { token, csrfToken };
  }

  /** The live session of a cookie token, or null (unknown, idle too long, or too old). */
  async get(token: string): Promise<AgentSession | null> {
    if (token.length === 0 || token.length > TOKEN_MAX_LENGTH) return null;
    const id = sessionId(token);
    const row = await this.repo.find(id);
    if (!row) return null;
    const now = this.now();
    if (now - row.lastSeen >= this.idleMs || now - row.createdAt >= this.lifetimeMs) {
      await this.repo.delete(id);
      return null;
    }
    if (now - row.lastSeen >= TOUCH_INTERVAL_MS) await this.repo.touch(id, now);
    return { username: row.username, csrfToken: row.csrfToken };
  }

  /** Ends one session (sign-out); unknown tokens are ignored. */
  async destroy(token: string): Promise<void> {
    if (token.length === 0 || token.length > TOKEN_MAX_LENGTH) return;
    await this.repo.delete(sessionId(token));
  }

  /** Ends every session of an officer (password changed, account removed); returns how many. */
  destroyAllOf(username: string): Promise<number> {
    return this.repo.deleteAllOf(username);
  }
}

/** A row of the table as both databases return it. */
export interface SessionRow {
  id: string;
  username: string;
  csrf_token: string;
  created_at: number;
  last_seen: number;
}

export const sessionFromRow = (r: SessionRow): SessionRecord => ({ id: r.id, username: r.username, csrfToken: r.csrf_token, createdAt: r.created_at, lastSeen: r.last_seen });

/** The `agent_sessions` table in SQLite (the default). Queries are synchronous; the methods are async for the interface. */
export class SqliteSessionRepository implements SessionRepository {
  constructor(private readonly db: SqliteDatabase) {
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

  async insert(r: SessionRecord): Promise<void> {
    this.db.prepare('INSERT INTO agent_sessions (id, username, csrf_token, created_at, last_seen) VALUES (?, ?, ?, ?, ?)').run(r.id, r.username, r.csrfToken, r.createdAt, r.lastSeen);
  }

  async find(id: string): Promise<SessionRecord | null> {
    const row = this.db.prepare<[string], SessionRow>('SELECT * FROM agent_sessions WHERE id = ?').get(id);
    return row ? sessionFromRow(row) : null;
  }

  async touch(id: string, lastSeen: number): Promise<void> {
    this.db.prepare('UPDATE agent_sessions SET last_seen = ? WHERE id = ? AND last_seen < ?').run(lastSeen, id, lastSeen);
  }

  async delete(id: string): Promise<void> {
    this.db.prepare('DELETE FROM agent_sessions WHERE id = ?').run(id);
  }

  async deleteAllOf(username: string): Promise<number> {
    return this.db.prepare('DELETE FROM agent_sessions WHERE username = ?').run(username).changes;
  }

  async deleteExpired(idleBefore: number, createdBefore: number): Promise<number> {
    return this.db.prepare('DELETE FROM agent_sessions WHERE last_seen <= ? OR created_at <= ?').run(idleBefore, createdBefore).changes;
  }
}
