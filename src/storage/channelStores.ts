import { SqliteContactWindowStore, type ContactWindowStore, type ContactWindowStoreOptions } from './contactWindowStore.js';
import { SqliteConversationReferenceStore, type ConversationReferenceStore } from './conversationReferenceStore.js';
import { PgContactWindowStore } from './postgres/pgContactWindowStore.js';
import { PgConversationReferenceStore } from './postgres/pgConversationReferenceStore.js';
import { PgSendLedger } from './postgres/pgSendLedger.js';
import { SqliteSendLedger, type SendLedger } from './sendLedger.js';
import type { Database } from './database.js';

/** Where the channels' bookkeeping is kept. */
export type ChannelBackend = Database;

/** The channels' bookkeeping, on one database. */
export interface ChannelStores {
  /** Meta's 24-hour windows and the undeliverable replies. */
  windows: ContactWindowStore;
  /** Bot Framework conversation references, for proactive messages. */
  references: ConversationReferenceStore;
  /** Each turn reply's send, before and after the Graph call (what a recovered turn may send again). */
  sends: SendLedger;
}

/**
 * The contact-window and conversation-reference stores and the send ledger on SQLite (one process; creates its
 * tables) or on PostgreSQL (shared by every instance; the tables come from migrations/postgres,
 * so run `migrate(pool)` first).
 *
 * @example
 *   const { windows, references } = createChannelStores(pool ? { kind: 'postgres', pool } : { kind: 'sqlite', db }, { windows: { onFailure } });
 */
export function createChannelStores(backend: ChannelBackend, options: { windows?: ContactWindowStoreOptions } = {}): ChannelStores {
  if (backend.kind === 'postgres') {
    return {
      windows: new PgContactWindowStore(backend.pool, options.windows),
      references: new PgConversationReferenceStore(backend.pool),
      sends: new PgSendLedger(backend.pool),
    };
  }
  return {
    windows: new SqliteContactWindowStore(backend.sqlite, options.windows),
    references: new SqliteConversationReferenceStore(backend.sqlite),
    sends: new SqliteSendLedger(backend.sqlite),
  };
}
