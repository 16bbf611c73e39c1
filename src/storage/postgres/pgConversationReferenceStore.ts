import type { ConversationReference } from 'botbuilder';
import { storedText } from '../contactWindowStore.js';
import { referenceJson, type ConversationReferenceStore } from '../conversationReferenceStore.js';
import type { PgPool } from './pool.js';

/**
 * Bot Framework conversation references in PostgreSQL (migrations/postgres/005_channels.sql),
 * shared by every instance: an officer's reply or a late ticket notice can go out from another
 * instance than the one that received the customer's last message.
 *
 * The reference is a `json` column, written as the JSON text the SQLite store keeps (its strings
 * without NUL characters) and read back parsed by pg.
 */
export class PgConversationReferenceStore implements ConversationReferenceStore {
  constructor(private readonly pool: PgPool) {}

  async save(conversationKey: string, reference: Partial<ConversationReference>): Promise<void> {
    await this.pool.query(
      `INSERT INTO conversation_references (conversation_key, reference, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (conversation_key) DO UPDATE SET reference = excluded.reference, updated_at = excluded.updated_at`,
      [storedText(conversationKey), referenceJson(reference), Date.now()],
    );
  }

  async get(conversationKey: string): Promise<Partial<ConversationReference> | null> {
    const { rows } = await this.pool.query<{ reference: Partial<ConversationReference> }>('SELECT reference FROM conversation_references WHERE conversation_key = $1', [
      storedText(conversationKey),
    ]);
    return rows[0]?.reference ?? null;
  }
}
