import type { SqliteDatabase } from '../storage/sqlite.js';
import type { TicketRequest } from './types.js';

export type OutboxState = 'pending' | 'itsm_filed' | 'done';

/** One row of `ticket_outbox`, as the service and a future queue worker see it. */
export interface OutboxEntry {
  idempotencyKey: string;
  /** `wanted`: the applicant waits for the number; `sending`/`sent`/`failed` after that. */
  notice: string | null;
  request: TicketRequest;
  itsmNumber: string | null;
  apktNumber: string | null;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  /**
   * When the request was given up on (refused by the ITSM, or out of attempts): a dead letter,
   * no longer retried until an operator revives it (`npm run dead-letters -- retry`). A later
   * filing of the same key (the applicant confirming again) still proceeds and clears it.
   */
  deadAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Where a notice ends: reached the applicant, cannot reach them, or back to `wanted` for a later try. */
/**
 * Where a notice stands: `wanted` (to send), `sending` (claimed), `sent` (the number reached the
 * applicant), `failed` (cannot reach them), `givenUp` (they were told the request could not be
 * recorded; should it be filed after all, e.g. revived by an operator, the number is still sent).
 */
export type NoticeOutcome = 'sent' | 'failed' | 'wanted' | 'givenUp';

/**
 * The storage of the ticket outbox (`ticket_outbox`), behind `TicketService`, which holds every
 * step decision. Each write is one conditional statement, so that several processes or instances
 * on one database can drive the same rows: the guards (`itsm_number IS NULL`, `notice = 'wanted'`)
 * make a second writer a no-op instead of an overwrite. `at` values are ISO 8601 strings.
 *
 * Implementations: `SqliteOutboxStore` (below), `PgOutboxStore` (./pgOutboxStore.ts).
 */
export interface OutboxStore {
  /** Persists the request as `pending`, unless its idempotency key is there already (the first request wins). */
  add(request: TicketRequest, at: string): Promise<void>;
  /** The row for a key, or null. */
  get(idempotencyKey: string): Promise<OutboxEntry | null>;
  /** Keys of the rows not done and not dead, oldest first (ties by key). */
  notDoneKeys(): Promise<string[]>;
  /** How many rows are not done and not dead. */
  pendingCount(): Promise<number>;
  /** The request is given up on (no-op on a done row). */
  markDead(idempotencyKey: string, at: string): Promise<void>;
  /** A dead row back to pending with no attempts counted; false when the key is not dead. */
  revive(idempotencyKey: string, at: string): Promise<boolean>;
  /** The dead rows, oldest death first. */
  deadEntries(): Promise<OutboxEntry[]>;
  deadCount(): Promise<number>;
  /** One more attempt at the steps begins. */
  attemptStarted(idempotencyKey: string, at: string): Promise<void>;
  /** Step 1 done: records the ITSM number (state `itsm_filed`) unless one is recorded already. */
  itsmFiled(idempotencyKey: string, itsmNumber: string, at: string): Promise<void>;
  /** Step 2 done: records the APKT number (state `done`, error and death cleared) unless one is recorded already. */
  apktFiled(idempotencyKey: string, apktNumber: string, at: string): Promise<void>;
  /** Both numbers were there already (a repair): state `done`, error cleared. */
  markDone(idempotencyKey: string, at: string): Promise<void>;
  /** The attempt failed: keeps the (already redacted) message. */
  recordError(idempotencyKey: string, message: string, at: string): Promise<void>;
  /** notice := `wanted`, only if no notice was asked for before. */
  wantNotice(idempotencyKey: string): Promise<void>;
  /** Every done row whose notice is `wanted`, moved to `sending`, each handed to exactly one caller across all instances; oldest first. */
  claimNotices(): Promise<OutboxEntry[]>;
  /** Sets the notice to its outcome (`wanted` puts it back for a later claim). */
  noticeDone(idempotencyKey: string, outcome: NoticeOutcome): Promise<void>;
}

/** The row as both databases return it (PostgreSQL parses `request_json`, SQLite keeps the text). */
export interface OutboxRow {
  idempotency_key: string;
  request_json: string | TicketRequest;
  itsm_number: string | null;
  apkt_number: string | null;
  state: OutboxState;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  notice?: string | null;
  dead_at?: string | null;
}

export function toOutboxEntry(row: OutboxRow): OutboxEntry {
  return {
    idempotencyKey: row.idempotency_key,
    notice: row.notice ?? null,
    request: typeof row.request_json === 'string' ? (JSON.parse(row.request_json) as TicketRequest) : row.request_json,
    itsmNumber: row.itsm_number,
    apktNumber: row.apkt_number,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error,
    deadAt: row.dead_at ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The notices to send (the same condition in both stores): the number of a request filed since the
 * applicant was told to wait, or the news that a request they were told to wait for was given up
 * (dead), or the number of one filed after all since they were told so.
 */
export const CLAIMABLE_NOTICE = "(notice = 'wanted' AND (state = 'done' OR dead_at IS NOT NULL)) OR (notice = 'givenUp' AND state = 'done')";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ticket_outbox (
  idempotency_key TEXT PRIMARY KEY,
  request_json    TEXT NOT NULL,
  itsm_number     TEXT,
  apkt_number     TEXT,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'itsm_filed', 'done')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ticket_outbox_not_done ON ticket_outbox (state, created_at) WHERE state <> 'done';
`;

/**
 * The outbox in the bot's SQLite database (creates its table, and adds the `notice` and `dead_at`
 * columns to a database from before them). better-sqlite3 is synchronous: each method does its work before
 * returning its (already settled) promise.
 */
export class SqliteOutboxStore implements OutboxStore {
  constructor(private readonly db: SqliteDatabase) {
    this.db.exec(SCHEMA);
    const columns = this.db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('ticket_outbox')").all();
    if (!columns.some((c) => c.name === 'notice')) this.db.exec('ALTER TABLE ticket_outbox ADD COLUMN notice TEXT');
    if (!columns.some((c) => c.name === 'dead_at')) this.db.exec('ALTER TABLE ticket_outbox ADD COLUMN dead_at TEXT');
  }

  async add(request: TicketRequest, at: string): Promise<void> {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO ticket_outbox (idempotency_key, request_json, state, attempts, created_at, updated_at)
         VALUES (?, ?, 'pending', 0, ?, ?)`,
      )
      .run(request.idempotencyKey, JSON.stringify(request), at, at);
  }

  async get(idempotencyKey: string): Promise<OutboxEntry | null> {
    const row = this.row(idempotencyKey);
    return row ? toOutboxEntry(row) : null;
  }

  async notDoneKeys(): Promise<string[]> {
    return this.db
      .prepare<[], { idempotency_key: string }>(
        `SELECT idempotency_key FROM ticket_outbox WHERE state <> 'done' AND dead_at IS NULL ORDER BY created_at, idempotency_key`,
      )
      .all()
      .map((r) => r.idempotency_key);
  }

  async pendingCount(): Promise<number> {
    return this.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM ticket_outbox WHERE state <> 'done' AND dead_at IS NULL").get()?.n ?? 0;
  }

  async markDead(idempotencyKey: string, at: string): Promise<void> {
    this.db
      .prepare("UPDATE ticket_outbox SET dead_at = ?, updated_at = ? WHERE idempotency_key = ? AND state <> 'done' AND dead_at IS NULL")
      .run(at, at, idempotencyKey);
  }

  async revive(idempotencyKey: string, at: string): Promise<boolean> {
    return (
      this.db.prepare('UPDATE ticket_outbox SET dead_at = NULL, attempts = 0, updated_at = ? WHERE idempotency_key = ? AND dead_at IS NOT NULL').run(at, idempotencyKey)
        .changes > 0
    );
  }

  async deadEntries(): Promise<OutboxEntry[]> {
    return this.db
      .prepare<[], OutboxRow>('SELECT * FROM ticket_outbox WHERE dead_at IS NOT NULL ORDER BY dead_at, idempotency_key')
      .all()
      .map(toOutboxEntry);
  }

  async deadCount(): Promise<number> {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM ticket_outbox WHERE dead_at IS NOT NULL').get()?.n ?? 0;
  }

  async attemptStarted(idempotencyKey: string, at: string): Promise<void> {
    this.db.prepare('UPDATE ticket_outbox SET attempts = attempts + 1, updated_at = ? WHERE idempotency_key = ?').run(at, idempotencyKey);
  }

  async itsmFiled(idempotencyKey: string, itsmNumber: string, at: string): Promise<void> {
    this.db
      .prepare(`UPDATE ticket_outbox SET itsm_number = ?, state = 'itsm_filed', updated_at = ? WHERE idempotency_key = ? AND itsm_number IS NULL`)
      .run(itsmNumber, at, idempotencyKey);
  }

  async apktFiled(idempotencyKey: string, apktNumber: string, at: string): Promise<void> {
    this.db
      .prepare(
        `UPDATE ticket_outbox SET apkt_number = ?, state = 'done', last_error = NULL, dead_at = NULL, updated_at = ? WHERE idempotency_key = ? AND apkt_number IS NULL`,
      )
      .run(apktNumber, at, idempotencyKey);
  }

  async markDone(idempotencyKey: string, at: string): Promise<void> {
    this.db.prepare(`UPDATE ticket_outbox SET state = 'done', last_error = NULL, dead_at = NULL, updated_at = ? WHERE idempotency_key = ?`).run(at, idempotencyKey);
  }

  async recordError(idempotencyKey: string, message: string, at: string): Promise<void> {
    this.db.prepare('UPDATE ticket_outbox SET last_error = ?, updated_at = ? WHERE idempotency_key = ?').run(message, at, idempotencyKey);
  }

  async wantNotice(idempotencyKey: string): Promise<void> {
    this.db.prepare("UPDATE ticket_outbox SET notice = 'wanted' WHERE idempotency_key = ? AND notice IS NULL").run(idempotencyKey);
  }

  /** Each row claimed by its own conditional UPDATE, so two processes on the file never both get it. */
  async claimNotices(): Promise<OutboxEntry[]> {
    const keys = this.db
      .prepare<[], { idempotency_key: string }>(`SELECT idempotency_key FROM ticket_outbox WHERE ${CLAIMABLE_NOTICE} ORDER BY created_at`)
      .all();
    const claimed: OutboxEntry[] = [];
    for (const { idempotency_key: key } of keys) {
      const info = this.db.prepare(`UPDATE ticket_outbox SET notice = 'sending' WHERE idempotency_key = ? AND (${CLAIMABLE_NOTICE})`).run(key);
      const row = info.changes > 0 ? this.row(key) : undefined;
      if (row) claimed.push(toOutboxEntry(row));
    }
    return claimed;
  }

  async noticeDone(idempotencyKey: string, outcome: NoticeOutcome): Promise<void> {
    this.db.prepare('UPDATE ticket_outbox SET notice = ? WHERE idempotency_key = ?').run(outcome, idempotencyKey);
  }

  private row(key: string): OutboxRow | undefined {
    return this.db.prepare<[string], OutboxRow>('SELECT * FROM ticket_outbox WHERE idempotency_key = ?').get(key);
  }
}
