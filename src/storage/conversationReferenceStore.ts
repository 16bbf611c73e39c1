import type { ConversationReference } from 'botbuilder';
import type { SqliteDatabase } from './sqlite.js';

/**
 * Where a Bot Framework conversation can be reached outside a turn (its service URL, bot and
 * conversation ids), saved on every message so an officer's reply or the bot's resumed question
 * can be sent proactively. Meta channels need none: the user id is the address.
 */
export class ConversationReferenceStore {
  constructor(private readonly db: SqliteDatabase) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS conversation_references (
        conversation_key TEXT PRIMARY KEY,
        reference TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `);
  }

  save(conversationKey: string, reference: Partial<ConversationReference>): void {
    this.db
      .prepare(
        `INSERT INTO conversation_references (conversation_key, reference, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (conversation_key) DO UPDATE SET reference = excluded.reference, updated_at = excluded.updated_at`,
      )
      .run(conversationKey, JSON.stringify(reference), Date.now());
  }

  get(conversationKey: string): Partial<ConversationReference> | null {
    const row = this.db.prepare<[string], { reference: string }>('SELECT reference FROM conversation_references WHERE conversation_key = ?').get(conversationKey);
    return row ? (JSON.parse(row.reference) as Partial<ConversationReference>) : null;
  }
}
