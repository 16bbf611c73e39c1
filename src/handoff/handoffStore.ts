import type { SqliteDatabase } from '../storage/sqlite.js';
import type { PhotoRef } from '../tickets/types.js';
import { addColumnIfMissing, appendSqliteTranscript, ensureSqliteTranscript, type TranscriptInput } from './transcriptWrites.js';
import type { Handoff, HandoffReason, TranscriptEntry } from './types.js';

/** A `handoffs` row as both databases return it (timestamps as ISO strings, ids as numbers). */
export interface HandoffRow {
  id: number;
  conversation_key: string;
  channel: string;
  conversation_id: string;
  status: Handoff['status'];
  reason: HandoffReason;
  officer: string | null;
  requested_at: string;
  taken_at: string | null;
  closed_at: string | null;
  outcome: Handoff['outcome'];
  itsm_number: string | null;
  apkt_number: string | null;
}

export const toHandoff = (r: HandoffRow): Handoff => ({
  id: r.id,
  conversationKey: r.conversation_key,
  channel: r.channel,
  conversationId: r.conversation_id,
  status: r.status,
  reason: r.reason,
  officer: r.officer,
  requestedAt: r.requested_at,
  takenAt: r.taken_at,
  closedAt: r.closed_at,
  outcome: r.outcome,
  ticket: r.itsm_number && r.apkt_number ? { itsmNumber: r.itsm_number, apktNumber: r.apkt_number } : null,
});

/** What `open` is given: the conversation asking for an officer, and why. */
export interface HandoffRequestInput {
  conversationKey: string;
  channel: string;
  conversationId: string;
  reason: HandoffReason;
}

/**
 * The officers' queue and the conversations' transcripts. At most one open (waiting or active)
 * handoff per conversation; `take` and `finish` are atomic in the database, so two officers (on two
 * instances of the service) can never both hold one conversation. Implemented for SQLite
 * (SqliteHandoffStore, one process) and PostgreSQL (PgHandoffStore, shared by every instance).
 */
export interface HandoffStore {
  /** Opens a handoff, or returns the conversation's open one (asking twice does not queue twice). */
  open(input: HandoffRequestInput, now?: Date): Promise<{ handoff: Handoff; created: boolean }>;
  byId(id: number): Promise<Handoff | null>;
  /** The conversation's waiting or active handoff. */
  openOf(conversationKey: string): Promise<Handoff | null>;
  /** Waiting and active handoffs, oldest request first. */
  listOpen(): Promise<Handoff[]>;
  /** 1 for the first in the queue; null when not waiting. */
  position(handoff: Handoff): Promise<number | null>;
  /** Atomic: only a waiting handoff can be taken, by one officer; null when it was not waiting. */
  take(id: number, officer: string, now?: Date): Promise<Handoff | null>;
  /** Ends a handoff held by `officer` (handed back to the bot, or closed); null when that officer does not hold it. */
  finish(id: number, officer: string, outcome: 'handedBack' | 'closed', now?: Date): Promise<Handoff | null>;
  /** Records the ticket an officer filed from the console (one per handoff). */
  recordTicket(id: number, ticket: { itsmNumber: string; apktNumber: string }): Promise<void>;
  /** Appends a line; its text is stored without NUL characters (see transcriptText in transcriptWrites.ts). */
  append(entry: TranscriptInput, now?: Date): Promise<TranscriptEntry>;
  /** The latest photo the customer sent since `since` (ISO time), if any. */
  latestPhoto(conversationKey: string, since: string): Promise<PhotoRef | null>;
  /** The last `limit` lines (default 200), oldest first. */
  transcript(conversationKey: string, limit?: number): Promise<TranscriptEntry[]>;
  /** How many handoffs wait in the queue and how many an officer holds (metrics). */
  countOpen(): Promise<{ waiting: number; active: number }>;
}

/**
 * The officers' queue and the transcripts, in SQLite (the default, one process). At most one open
 * handoff per conversation, enforced by a partial unique index; taking a conversation is a single
 * conditional UPDATE, so two officers can never hold the same one. The queries are synchronous
 * (better-sqlite3); the methods are async to share the HandoffStore interface.
 */
export class SqliteHandoffStore implements HandoffStore {
  constructor(private readonly db: SqliteDatabase) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS handoffs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_key TEXT NOT NULL,
        channel TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('waiting', 'active', 'closed')),
        reason TEXT NOT NULL,
        officer TEXT,
        requested_at TEXT NOT NULL,
        taken_at TEXT,
        closed_at TEXT,
        outcome TEXT,
        itsm_number TEXT,
        apkt_number TEXT
      );
      CREATE UNIQUE INDEX IF NOT EXISTS handoffs_one_open ON handoffs (conversation_key) WHERE status <> 'closed';
      CREATE INDEX IF NOT EXISTS handoffs_status ON handoffs (status, requested_at);
    `);
    // Databases created before these columns existed get them added.
    addColumnIfMissing(db, 'handoffs', 'itsm_number', 'TEXT');
    addColumnIfMissing(db, 'handoffs', 'apkt_number', 'TEXT');
    ensureSqliteTranscript(db);
  }

  /** Opens a handoff, or returns the conversation's open one (asking twice does not queue twice). */
  async open(input: HandoffRequestInput, now = new Date()): Promise<{ handoff: Handoff; created: boolean }> {
    const existing = this.openOfSync(input.conversationKey);
    if (existing) return { handoff: existing, created: false };
    const info = this.db
      .prepare('INSERT OR IGNORE INTO handoffs (conversation_key, channel, conversation_id, status, reason, requested_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(input.conversationKey, input.channel, input.conversationId, 'waiting', input.reason, now.toISOString());
    const handoff = info.changes > 0 ? this.byIdSync(Number(info.lastInsertRowid)) : this.openOfSync(input.conversationKey);
    if (!handoff) throw new Error('handoff vanished');
    return { handoff, created: info.changes > 0 };
  }

  async byId(id: number): Promise<Handoff | null> {
    return this.byIdSync(id);
  }

  async openOf(conversationKey: string): Promise<Handoff | null> {
    return this.openOfSync(conversationKey);
  }

  private byIdSync(id: number): Handoff | null {
    const row = this.db.prepare<[number], HandoffRow>('SELECT * FROM handoffs WHERE id = ?').get(id);
    return row ? toHandoff(row) : null;
  }

  private openOfSync(conversationKey: string): Handoff | null {
    const row = this.db.prepare<[string], HandoffRow>("SELECT * FROM handoffs WHERE conversation_key = ? AND status <> 'closed'").get(conversationKey);
    return row ? toHandoff(row) : null;
  }

  async listOpen(): Promise<Handoff[]> {
    return this.db.prepare<[], HandoffRow>("SELECT * FROM handoffs WHERE status <> 'closed' ORDER BY requested_at, id").all().map(toHandoff);
  }

  async position(handoff: Handoff): Promise<number | null> {
    if (handoff.status !== 'waiting') return null;
    const row = this.db
      .prepare<[string, string, number], { n: number }>("SELECT COUNT(*) AS n FROM handoffs WHERE status = 'waiting' AND (requested_at < ? OR (requested_at = ? AND id <= ?))")
      .get(handoff.requestedAt, handoff.requestedAt, handoff.id);
    return row?.n ?? null;
  }

  async take(id: number, officer: string, now = new Date()): Promise<Handoff | null> {
    const info = this.db.prepare("UPDATE handoffs SET status = 'active', officer = ?, taken_at = ? WHERE id = ? AND status = 'waiting'").run(officer, now.toISOString(), id);
    return info.changes > 0 ? this.byIdSync(id) : null;
  }

  async finish(id: number, officer: string, outcome: 'handedBack' | 'closed', now = new Date()): Promise<Handoff | null> {
    const info = this.db
      .prepare("UPDATE handoffs SET status = 'closed', outcome = ?, closed_at = ? WHERE id = ? AND status = 'active' AND officer = ?")
      .run(outcome, now.toISOString(), id, officer);
    return info.changes > 0 ? this.byIdSync(id) : null;
  }

  async recordTicket(id: number, ticket: { itsmNumber: string; apktNumber: string }): Promise<void> {
    this.db.prepare('UPDATE handoffs SET itsm_number = ?, apkt_number = ? WHERE id = ?').run(ticket.itsmNumber, ticket.apktNumber, id);
  }

  async append(entry: TranscriptInput, now = new Date()): Promise<TranscriptEntry> {
    return appendSqliteTranscript(this.db, entry, now);
  }

  async latestPhoto(conversationKey: string, since: string): Promise<PhotoRef | null> {
    const row = this.db
      .prepare<[string, string], { photo: string }>(
        "SELECT photo FROM transcript WHERE conversation_key = ? AND sender = 'customer' AND photo IS NOT NULL AND at >= ? ORDER BY id DESC LIMIT 1",
      )
      .get(conversationKey, since);
    return row ? (JSON.parse(row.photo) as PhotoRef) : null;
  }

  async transcript(conversationKey: string, limit = 200): Promise<TranscriptEntry[]> {
    return this.db
      .prepare<[string, number], { id: number; conversation_key: string; at: string; sender: TranscriptEntry['from']; text: string; officer: string | null; attachment: string | null }>(
        'SELECT * FROM (SELECT * FROM transcript WHERE conversation_key = ? ORDER BY id DESC LIMIT ?) ORDER BY id',
      )
      .all(conversationKey, limit)
      .map((r) => ({ id: r.id, conversationKey: r.conversation_key, at: r.at, from: r.sender, text: r.text, officer: r.officer, attachment: r.attachment }));
  }

  async countOpen(): Promise<{ waiting: number; active: number }> {
    const rows = this.db.prepare<[], { status: string; n: number }>("SELECT status, COUNT(*) AS n FROM handoffs WHERE status IN ('waiting', 'active') GROUP BY status").all();
    return { waiting: rows.find((r) => r.status === 'waiting')?.n ?? 0, active: rows.find((r) => r.status === 'active')?.n ?? 0 };
  }
}

