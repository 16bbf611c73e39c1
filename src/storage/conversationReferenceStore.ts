import type { ConversationReference } from 'botbuilder';
import type { Kysely } from 'kysely';
import { storedText } from './contactWindowStore.js';
import type { Database } from './database.js';
import { onDatabase, prepared, type StatementTarget } from './prepared.js';
import { fromJson, type Schema } from './schema.js';

// Saved on every Bot Framework message: compiled once (see prepared.ts).
const upsertReference = prepared((p: { key: string; reference: string; at: number }) => (db: Kysely<Schema>) =>
  db
    .insertInto('conversation_references')
    .values({ conversation_key: p.key, reference: p.reference, updated_at: p.at })
    .onConflict((oc) => oc.column('conversation_key').doUpdateSet((eb) => ({ reference: eb.ref('excluded.reference'), updated_at: eb.ref('excluded.updated_at') }))),
);

/**
 * Where a Bot Framework conversation can be reached outside a turn (its service URL, bot and
 * conversation ids), saved on every message so an officer's reply or the bot's resumed question
 * can be sent proactively. Meta channels need none: the user id is the address. On PostgreSQL it
 * is shared by every instance, so any of them can send to a conversation another one served.
 */
export class ConversationReferenceStore {
  private readonly db: Kysely<Schema>;
  private readonly statements: StatementTarget;

  constructor(database: Database) {
    this.db = database.db;
    this.statements = onDatabase(database);
  }

  /** Stores (or replaces) the conversation's reference. */
  async save(conversationKey: string, reference: Partial<ConversationReference>): Promise<void> {
    // Its strings without NUL characters: PostgreSQL cannot hold them in text nor read them out of json.
    const json = JSON.stringify(reference, (_key, value: unknown) => (typeof value === 'string' ? storedText(value) : value));
    await upsertReference.run(this.statements, { key: storedText(conversationKey), reference: json, at: Date.now() });
  }

  /** The latest reference saved for the conversation, or null. */
  async get(conversationKey: string): Promise<Partial<ConversationReference> | null> {
    const row = await this.db.selectFrom('conversation_references').select('reference').where('conversation_key', '=', storedText(conversationKey)).executeTakeFirst();
    return row ? fromJson<Partial<ConversationReference>>(row.reference) : null;
  }
}
