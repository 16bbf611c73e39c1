import { sql } from 'kysely';
import type { Database } from '../../storage/database.js';
import type { InboundMessage } from './types.js';

/**
 * Meta's webhooks are answered 200 at once, and Meta does not send a message again once it got
 * its 200. So each message is written here BEFORE the 200, and marked done once its turn has run:
 * messages of an instance that crashed in between are still here, and are processed at the next
 * start (or by another instance). Processing twice is harmless: the conversation store drops a
 * message id it has seen.
 */
export interface WebhookInbox {
  /** Records the messages durably (a message already recorded is left as it is). */
  record(messages: InboundMessage[], now?: number): Promise<void>;
  /**
   * Optional gate in front of `record` (see webhookGate.ts): records the messages to process and
   * resolves with them, leaving out redeliveries another instance already took.
   */
  admit?(messages: InboundMessage[]): Promise<InboundMessage[]>;
  done(message: Pick<InboundMessage, 'channel' | 'messageId'>, now?: number): Promise<void>;
  /** Messages recorded at least `olderThanMs` ago and not done, oldest first (at most `limit`). */
  pending(olderThanMs: number, limit?: number, now?: number): Promise<InboundMessage[]>;
  /** Forgets done messages older than `retentionMs` (Meta redelivers for up to 7 days). */
  purge(retentionMs: number, now?: number): Promise<number>;
}

/** The messages of a webhook to process: through the inbox's gate when it has one, else all of them, recorded. */
export async function admit(inbox: WebhookInbox, messages: InboundMessage[]): Promise<InboundMessage[]> {
  if (inbox.admit) return inbox.admit(messages);
  await inbox.record(messages);
  return messages;
}

/**
 * The inbox in the service's database (on PostgreSQL shared by every instance). `record` is one
 * statement for the whole batch: the webhook's 200 waits for it.
 */
export class DatabaseWebhookInbox implements WebhookInbox {
  constructor(private readonly database: Database) {}

  async record(messages: InboundMessage[], now = Date.now()): Promise<void> {
    if (messages.length === 0) return;
    await this.database.db
      .insertInto('webhook_inbox')
      .values(messages.map((m) => ({ channel: m.channel, message_id: m.messageId, message: JSON.stringify(m), received_at: now })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async done(message: Pick<InboundMessage, 'channel' | 'messageId'>, now = Date.now()): Promise<void> {
    await this.database.db
      .updateTable('webhook_inbox')
      .set({ done_at: now })
      .where('channel', '=', message.channel)
      .where('message_id', '=', message.messageId)
      .where('done_at', 'is', null)
      .execute();
  }

  async pending(olderThanMs: number, limit = 500, now = Date.now()): Promise<InboundMessage[]> {
    const rows = await this.database.db
      .selectFrom('webhook_inbox')
      .select('message')
      .where('done_at', 'is', null)
      .where('received_at', '<=', now - olderThanMs)
      .orderBy('received_at')
      // One webhook's messages share received_at: SQLite's rowid keeps them in arrival order;
      // PostgreSQL has no such column, so there they go by key.
      .$if(this.database.kind === 'sqlite', (q) => q.orderBy(sql`rowid`))
      .orderBy('channel')
      .orderBy('message_id')
      .limit(limit)
      .execute();
    return rows.map((r) => JSON.parse(r.message) as InboundMessage);
  }

  async purge(retentionMs: number, now = Date.now()): Promise<number> {
    const { numDeletedRows } = await this.database.db
      .deleteFrom('webhook_inbox')
      .where('done_at', '<', now - retentionMs) // (a message not done has NULL: never less)
      .executeTakeFirst();
    return Number(numDeletedRows);
  }
}
