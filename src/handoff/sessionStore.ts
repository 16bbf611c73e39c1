import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema.js';

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
/** A session used this recently counts as an officer at the console (see `online`). */
const ONLINE_MS = 5 * TOUCH_INTERVAL_MS;
/** Cookie tokens are 43 characters; anything much longer is not ours and is not worth hashing. */
const TOKEN_MAX_LENGTH = 128;

const newToken = () => crypto.randomBytes(32).toString('base64url');
/** Only this digest is stored, so a copy of the database does not hand out live sessions. */
const sessionId = (token: string) => crypto.createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Signed-in officers' sessions, in the database so they survive a restart and are shared by every
 * process on it (every instance, with PostgreSQL). The cookie carries a random 256-bit token; the
 * `agent_sessions` table keys on its SHA-256 (times in epoch milliseconds). Expired rows are
 * deleted whenever a session is created or an expired one is presented, so the table needs no
 * separate sweeper.
 */
export class SessionStore {
  private readonly idleMs: number;
  private readonly lifetimeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Kysely<Schema>,
    options: SessionStoreOptions = {},
  ) {
    this.idleMs = options.idleTimeoutMs ?? 8 * 60 * 60 * 1000;
    this.lifetimeMs = options.absoluteLifetimeMs ?? 24 * 60 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  /** Starts a session; `token` goes in the cookie and is not kept anywhere. */
  async create(username: string): Promise<{ token: string; csrfToken: string }> {
    const now = this.now();
    await this.db.deleteFrom('agent_sessions')
      .where((eb) => eb.or([eb('last_seen', '<=', now - this.idleMs), eb('created_at', '<=', now - this.lifetimeMs)]))
      .execute();
    const token = newToken();
    const csrfToken = newToken();
    await this.db.insertInto('agent_sessions').values({ id: sessionId(token), username, csrf_token: csrfToken, created_at: now, last_seen: now }).execute();
    return { token, csrfToken };
  }

  /** The live session of a cookie token, or null (unknown, idle too long, or too old). */
  async get(token: string): Promise<AgentSession | null> {
    if (token.length === 0 || token.length > TOKEN_MAX_LENGTH) return null;
    const id = sessionId(token);
    const row = await this.db.selectFrom('agent_sessions').select(['username', 'csrf_token', 'created_at', 'last_seen']).where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    const now = this.now();
    if (now - row.last_seen >= this.idleMs || now - row.created_at >= this.lifetimeMs) {
      await this.db.deleteFrom('agent_sessions').where('id', '=', id).execute();
      return null;
    }
    if (now - row.last_seen >= TOUCH_INTERVAL_MS) {
      // Never backwards: another instance may have recorded a later use meanwhile.
      await this.db.updateTable('agent_sessions').set({ last_seen: now }).where('id', '=', id).where('last_seen', '<', now).execute();
    }
    return { username: row.username, csrfToken: row.csrf_token };
  }

  /**
   * Officers with a session used in the last five minutes (an open console touches its session at
   * least every minute through its event stream's pings): who can take a transferred conversation.
   */
  async online(): Promise<string[]> {
    const now = this.now();
    const rows = await this.db
      .selectFrom('agent_sessions')
      .select('username')
      .distinct()
      .where('last_seen', '>', now - ONLINE_MS)
      .where('created_at', '>', now - this.lifetimeMs)
      .execute();
    return rows.map((r) => r.username).sort();
  }

  /** Ends one session (sign-out); unknown tokens are ignored. */
  async destroy(token: string): Promise<void> {
    if (token.length === 0 || token.length > TOKEN_MAX_LENGTH) return;
    await this.db.deleteFrom('agent_sessions').where('id', '=', sessionId(token)).execute();
  }

  /** Ends every session of an officer (password changed, account removed); returns how many. */
  async destroyAllOf(username: string): Promise<number> {
    const { numDeletedRows } = await this.db.deleteFrom('agent_sessions').where('username', '=', username).executeTakeFirst();
    return Number(numDeletedRows);
  }
}
