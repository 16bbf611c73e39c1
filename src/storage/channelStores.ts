import { ContactWindowStore, type ContactWindowStoreOptions } from './contactWindowStore.js';
import { ConversationReferenceStore } from './conversationReferenceStore.js';
import type { Database } from './database.js';
import { SendLedger } from './sendLedger.js';

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
 * The contact-window and conversation-reference stores and the send ledger on the service's
 * database (on PostgreSQL shared by every instance).
 *
 * @example
 *   const { windows, references } = createChannelStores(database, { windows: { onFailure } });
 */
export function createChannelStores(database: Database, options: { windows?: ContactWindowStoreOptions } = {}): ChannelStores {
  return { windows: new ContactWindowStore(database.db, options.windows), references: new ConversationReferenceStore(database), sends: new SendLedger(database.db) };
}
