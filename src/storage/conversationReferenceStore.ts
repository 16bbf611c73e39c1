import type { ConversationReference } from 'botbuilder';
import { storedText } from './contactWindowStore.js';
import type { SqliteDatabase } from './sqlite.js';

/**
 * Where a Bot Framework conversation can be reached outside a turn (its service URL, bot and
 * conversation ids), saved on every message so an officer's reply or the bot's resumed question
 * can be sent proactively. Meta channels need none: the user id is the address. On PostgreSQL it
 * is shared by every instance, so any of them can send to a conversation another one served.
 */
export interface ConversationReferenceStore {
  /** Stores (or replaces) the conversation's reference. */
  save(conversationKey: string, reference: Partial<ConversationReference>): Promise<void>;
  /** The latest reference saved for the conversation, or null. */
  get(conversationKey: string): Promise<Partial<ConversationReference> | null>;
}

/**
 * A reference as stored (JSON text): its strings without NUL characters, which PostgreSQL cannot
 * hold in text and refuses to read out of json. Both stores apply it, so they read the same.
 */
export const referenceJson = (reference: Partial<ConversationReference>): string =>
  JSON.stringify(reference, (_key, value: unknown) => (typeof value === 'string' ? storedText(value) : value));

/**
 * The references in SQLite (the default, one process). The queries are synchronous
 * (better-sqlite3); the methods are async to share the interface.
 */
export class SqliteConversationReferenceStore implements ConversationReferenceStore {
  private readonly upsert;
  private readonly select;

  constructor(db: SqliteDatabase) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS conversation_references (
        conversation_key TEXT PRIMARY KEY,
        reference TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `);
    this.upsert = db.prepare(
      `INSERT INTO conversation_references (conversation_key, reference, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (conversation_key) DO UPDATE SET reference = excluded.reference, updated_at = excluded.updated_at`,
    );
    this.select = db.prepare<[string], { reference: string }>('SELECT reference FROM conversation_references WHERE conversation_key = ?');
  }

  async save(conversationKey: string, reference: Partial<ConversationReference>): Promise<void> {
    this.upsert.run(storedText(conversationKey), referenceJson(reference), Date.now());
  }

  async get(conversationKey: string): Promise<Partial<ConversationReference> | null> {
    const row = this.select.get(storedText(conversationKey));
    return row ? (JSON.parse(row.reference) as Partial<ConversationReference>) : null;
  }
}
