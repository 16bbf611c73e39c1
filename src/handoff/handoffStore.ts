import type { SqliteDatabase } from '../storage/sqlite.js';
import type { PhotoRef } from '../tickets/types.js';
import type { Handoff, HandoffReason, TranscriptEntry } from './types.js';

interface HandoffRow {
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

const toHandoff = (r: HandoffRow): Handoff => ({
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

/**
 * The officers' queue and the transcripts, in SQLite. At most one open (waiting or active)
 * handoff per conversation, enforced by a partial unique index; taking a conversation is a single
 * conditional UPDATE, so two officers can never hold the same one.
 */
export class HandoffStore {
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
      CREATE TABLE IF NOT EXISTS transcript (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_key TEXT NOT NULL,
        at TEXT NOT NULL,
        sender TEXT NOT NULL CHECK (sender IN ('customer', 'bot', 'agent')),
        text TEXT NOT NULL,
        officer TEXT,
        attachment TEXT,
        photo TEXT
      );
      CREATE INDEX IF NOT EXISTS transcript_conversation ON transcript (conversation_key, id);
    `);
    // Databases created before these columns existed get them added.
    addColumnIfMissing(db, 'handoffs', 'itsm_number', 'TEXT');
    addColumnIfMissing(db, 'handoffs', 'apkt_number', 'TEXT');
    addColumnIfMissing(db, 'transcript', 'attachment', 'TEXT');
    addColumnIfMissing(db, 'transcript', 'photo', 'TEXT');
  }

  /** Opens a handoff, or returns the conversation's open one (asking twice does not queue twice). */
  open(input: { conversationKey: string; channel: string; conversationId: string; reason: HandoffReason }, now = new Date()): { handoff: Handoff; created: boolean } {
    const existing = this.openOf(input.conversationKey);
    if (existing) return { handoff: existing, created: false };
    const info = this.db
      .prepare('INSERT OR IGNORE INTO handoffs (conversation_key, channel, conversation_id, status, reason, requested_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(input.conversationKey, input.channel, input.conversationId, 'waiting', input.reason, now.toISOString());
    const handoff = info.changes > 0 ? this.byId(Number(info.lastInsertRowid)) : this.openOf(input.conversationKey);
    if (!handoff) throw new Error('handoff vanished');
    return { handoff, created: info.changes > 0 };
  }

  byId(id: number): Handoff | null {
    const row = this.db.prepare<[number], HandoffRow>('SELECT * FROM handoffs WHERE id = ?').get(id);
    return row ? toHandoff(row) : null;
  }

  /** The conversation's waiting or active handoff. */
  openOf(conversationKey: string): Handoff | null {
    const row = this.db.prepare<[string], HandoffRow>("SELECT * FROM handoffs WHERE conversation_key = ? AND status <> 'closed'").get(conversationKey);
    return row ? toHandoff(row) : null;
  }

  listOpen(): Handoff[] {
    return this.db.prepare<[], HandoffRow>("SELECT * FROM handoffs WHERE status <> 'closed' ORDER BY requested_at, id").all().map(toHandoff);
  }

  /** 1 for the first in the queue; null when not waiting. */
  position(handoff: Handoff): number | null {
    if (handoff.status !== 'waiting') return null;
    const row = this.db
      .prepare<[string, string, number], { n: number }>("SELECT COUNT(*) AS n FROM handoffs WHERE status = 'waiting' AND (requested_at < ? OR (requested_at = ? AND id <= ?))")
      .get(handoff.requestedAt, handoff.requestedAt, handoff.id);
    return row?.n ?? null;
  }

  /** Atomic: only a waiting handoff can be taken, by one officer. */
  take(id: number, officer: string, now = new Date()): Handoff | null {
    const info = this.db.prepare("UPDATE handoffs SET status = 'active', officer = ?, taken_at = ? WHERE id = ? AND status = 'waiting'").run(officer, now.toISOString(), id);
    return info.changes > 0 ? this.byId(id) : null;
  }

  /** Ends a handoff held by `officer` (handed back to the bot, or closed). */
  finish(id: number, officer: string, outcome: 'handedBack' | 'closed', now = new Date()): Handoff | null {
    const info = this.db
      .prepare("UPDATE handoffs SET status = 'closed', outcome = ?, closed_at = ? WHERE id = ? AND status = 'active' AND officer = ?")
      .run(outcome, now.toISOString(), id, officer);
    return info.changes > 0 ? this.byId(id) : null;
  }

  /** Records the ticket an officer filed from the console (one per handoff). */
  recordTicket(id: number, ticket: { itsmNumber: string; apktNumber: string }): void {
    this.db.prepare('UPDATE handoffs SET itsm_number = ?, apkt_number = ? WHERE id = ?').run(ticket.itsmNumber, ticket.apktNumber, id);
  }

  /** Appends a line; `photo` is a photo the customer sent to the officer (stored by the photo pipeline). */
  append(entry: Omit<TranscriptEntry, 'id' | 'at' | 'attachment'> & { photo?: PhotoRef | null }, now = new Date()): TranscriptEntry {
    const at = now.toISOString();
    const { photo, ...line } = entry;
    const info = this.db
      .prepare('INSERT INTO transcript (conversation_key, at, sender, text, officer, attachment, photo) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(line.conversationKey, at, line.from, line.text, line.officer, photo?.fileName ?? null, photo ? JSON.stringify(photo) : null);
    return { ...line, attachment: photo?.fileName ?? null, id: Number(info.lastInsertRowid), at };
  }

  /** The latest photo the customer sent since `since` (ISO time), if any. */
  latestPhoto(conversationKey: string, since: string): PhotoRef | null {
    const row = this.db
      .prepare<[string, string], { photo: string }>(
        "SELECT photo FROM transcript WHERE conversation_key = ? AND sender = 'customer' AND photo IS NOT NULL AND at >= ? ORDER BY id DESC LIMIT 1",
      )
      .get(conversationKey, since);
    return row ? (JSON.parse(row.photo) as PhotoRef) : null;
  }

  transcript(conversationKey: string, limit = 200): TranscriptEntry[] {
    return this.db
      .prepare<[string, number], { id: number; conversation_key: string; at: string; sender: TranscriptEntry['from']; text: string; officer: string | null; attachment: string | null }>(
        'SELECT * FROM (SELECT * FROM transcript WHERE conversation_key = ? ORDER BY id DESC LIMIT ?) ORDER BY id',
      )
      .all(conversationKey, limit)
      .map((r) => ({ id: r.id, conversationKey: r.conversation_key, at: r.at, from: r.sender, text: r.text, officer: r.officer, attachment: r.attachment }));
  }
}

function addColumnIfMissing(db: SqliteDatabase, table: string, column: string, type: string): void {
  const columns = db.prepare<[], { name: string }>(`PRAGMA table_info(${table})`).all();
  if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
}
