import type { SqliteDatabase } from '../../storage/sqlite.js';
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

/** The inbox in the service's SQLite database (one instance). */
export class SqliteWebhookInbox implements WebhookInbox {
  constructor(private readonly db: SqliteDatabase) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS webhook_inbox (
        channel     TEXT NOT NULL,
        message_id  TEXT NOT NULL,
        message     TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        done_at     INTEGER,
        PRIMARY KEY (channel, message_id)
      );
      CREATE INDEX IF NOT EXISTS webhook_inbox_pending ON webhook_inbox (received_at) WHERE done_at IS NULL;
    `);
  }

  async record(messages: InboundMessage[], now = Date.now()): Promise<void> {
    const insert = this.db.prepare('INSERT OR IGNORE INTO webhook_inbox (channel, message_id, message, received_at) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const m of messages) insert.run(m.channel, m.messageId, JSON.stringify(m), now);
    })();
  }

  async done(message: Pick<InboundMessage, 'channel' | 'messageId'>, now = Date.now()): Promise<void> {
    this.db.prepare('UPDATE webhook_inbox SET done_at = ? WHERE channel = ? AND message_id = ? AND done_at IS NULL').run(now, message.channel, message.messageId);
  }

  async pending(olderThanMs: number, limit = 500, now = Date.now()): Promise<InboundMessage[]> {
    return this.db
      .prepare<[number, number], { message: string }>('SELECT message FROM webhook_inbox WHERE done_at IS NULL AND received_at <= ? ORDER BY received_at, rowid LIMIT ?')
      .all(now - olderThanMs, limit)
      .map((r) => JSON.parse(r.message) as InboundMessage);
  }

  async purge(retentionMs: number, now = Date.now()): Promise<number> {
    return this.db.prepare('DELETE FROM webhook_inbox WHERE done_at IS NOT NULL AND done_at < ?').run(now - retentionMs).changes;
  }
}
