import type { PgClient, PgPool } from '../storage/postgres/pool.js';
import type { SqliteDatabase } from '../storage/sqlite.js';
import type { PhotoRef } from '../tickets/types.js';
import type { TranscriptEntry } from './types.js';

/** A transcript line to append; `photo` is a photo the customer sent to the officer (stored by the photo pipeline). */
export type TranscriptInput = Omit<TranscriptEntry, 'id' | 'at' | 'attachment'> & { photo?: PhotoRef | null };

/** Text as stored: without NUL characters, which PostgreSQL cannot hold in text (both stores apply it, so they read the same). */
export const transcriptText = (text: string): string => text.replaceAll('\u0000', '');

/**
 * Writing transcript lines, shared by the handoff stores (a line at a time: an officer's reply)
 * and the conversation stores (a turn's lines in the same transaction as the turn's state, so a
 * turn costs one commit, and a turn that turns out to be a duplicate leaves no lines behind).
 */

/** Creates SQLite's transcript table (and the columns later versions added) when missing. */
export function ensureSqliteTranscript(db: SqliteDatabase): void {
  db.exec(`
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
  addColumnIfMissing(db, 'transcript', 'attachment', 'TEXT');
  addColumnIfMissing(db, 'transcript', 'photo', 'TEXT');
}

export function addColumnIfMissing(db: SqliteDatabase, table: string, column: string, type: string): void {
  const columns = db.prepare<[], { name: string }>(`PRAGMA table_info(${table})`).all();
  if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
}

/** Appends a line in SQLite (synchronous; inside the caller's transaction when there is one). */
export function appendSqliteTranscript(db: SqliteDatabase, entry: TranscriptInput, now: Date): TranscriptEntry {
  const at = now.toISOString();
  const { photo, ...rest } = entry;
  const line = { ...rest, text: transcriptText(rest.text) };
  const info = db
    .prepare('INSERT INTO transcript (conversation_key, at, sender, text, officer, attachment, photo) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(line.conversationKey, at, line.from, line.text, line.officer, photo?.fileName ?? null, photo ? JSON.stringify(photo) : null);
  return { ...line, attachment: photo?.fileName ?? null, id: Number(info.lastInsertRowid), at };
}

export interface TranscriptRow {
  id: number;
  conversation_key: string;
  at: string;
  sender: TranscriptEntry['from'];
  text: string;
  officer: string | null;
  attachment: string | null;
}

export const TRANSCRIPT_COLUMNS = 'id, conversation_key, at, sender, text, officer, attachment';

export const toTranscriptEntry = (r: TranscriptRow): TranscriptEntry => ({
  id: r.id,
  conversationKey: r.conversation_key,
  at: r.at,
  from: r.sender,
  text: r.text,
  officer: r.officer,
  attachment: r.attachment,
});

/** Appends lines in PostgreSQL with one statement, in order (ids ascending); on `client` inside the caller's transaction. */
export async function appendPgTranscript(db: PgPool | PgClient, entries: TranscriptInput[], now: Date): Promise<TranscriptEntry[]> {
  if (entries.length === 0) return [];
  const values: unknown[] = [];
  const rows = entries.map((entry) => {
    const { photo, ...line } = entry;
    const base = values.length;
    values.push(line.conversationKey, now.toISOString(), line.from, transcriptText(line.text), line.officer, photo?.fileName ?? null, photo ? JSON.stringify(photo) : null);
    return `(${Array.from({ length: 7 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
  });
  const { rows: inserted } = await db.query<TranscriptRow>(
    `INSERT INTO transcript (conversation_key, at, sender, text, officer, attachment, photo) VALUES ${rows.join(', ')} RETURNING ${TRANSCRIPT_COLUMNS}`,
    values,
  );
  if (inserted.length !== entries.length) throw new Error(`transcript: ${entries.length} lines inserted, ${inserted.length} returned`);
  return inserted.map(toTranscriptEntry).sort((a, b) => a.id - b.id);
}
