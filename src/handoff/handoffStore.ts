import type { SqliteDatabase } from '../storage/sqlite.js';
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
        outcome TEXT
      );
      CREATE UNIQUE INDEX IF NOT EXISTS handoffs_one_open ON handoffs (conversation_key) WHERE status <> 'closed';
      CREATE INDEX IF NOT EXISTS handoffs_status ON handoffs (status, requested_at);
      CREATE TABLE IF NOT EXISTS transcript (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_key TEXT NOT NULL,
        at TEXT NOT NULL,
        sender TEXT NOT NULL CHECK (sender IN ('customer', 'bot', 'agent')),
        text TEXT NOT NULL,
        officer TEXT
      );
      CREATE INDEX IF NOT EXISTS transcript_conversation ON transcript (conversation_key, id);
    `);
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

  append(entry: Omit<TranscriptEntry, 'id' | 'at'>, now = new Date()): TranscriptEntry {
    const at = now.toISOString();
    const info = this.db.prepare('INSERT INTO transcript (conversation_key, at, sender, text, officer) VALUES (?, ?, ?, ?, ?)').run(entry.conversationKey, at, entry.from, entry.text, entry.officer);
    return { ...entry, id: Number(info.lastInsertRowid), at };
  }

  transcript(conversationKey: string, limit = 200): TranscriptEntry[] {
    return this.db
      .prepare<[string, number], { id: number; conversation_key: string; at: string; sender: TranscriptEntry['from']; text: string; officer: string | null }>(
        'SELECT * FROM (SELECT * FROM transcript WHERE conversation_key = ? ORDER BY id DESC LIMIT ?) ORDER BY id',
      )
      .all(conversationKey, limit)
      .map((r) => ({ id: r.id, conversationKey: r.conversation_key, at: r.at, from: r.sender, text: r.text, officer: r.officer }));
  }
}
