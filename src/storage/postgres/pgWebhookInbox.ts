import type { WebhookInbox } from '../../channels/meta/webhookInbox.js';
import type { InboundMessage } from '../../channels/meta/types.js';
import type { PgPool } from './pool.js';

/** The webhook inbox in PostgreSQL, shared by every instance (see WebhookInbox). */
export class PgWebhookInbox implements WebhookInbox {
  constructor(private readonly pool: PgPool) {}

  async record(messages: InboundMessage[], now = Date.now()): Promise<void> {
    if (messages.length === 0) return;
    // One statement for the whole batch: the webhook's 200 waits for it.
    const values: unknown[] = [];
    const rows = messages.map((m, i) => {
      values.push(m.channel, m.messageId, JSON.stringify(m), now);
      return `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`;
    });
    await this.pool.query(`INSERT INTO webhook_inbox (channel, message_id, message, received_at) VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING`, values);
  }

  async done(message: Pick<InboundMessage, 'channel' | 'messageId'>, now = Date.now()): Promise<void> {
    await this.pool.query('UPDATE webhook_inbox SET done_at = $1 WHERE channel = $2 AND message_id = $3 AND done_at IS NULL', [now, message.channel, message.messageId]);
  }

  async pending(olderThanMs: number, limit = 500, now = Date.now()): Promise<InboundMessage[]> {
    const { rows } = await this.pool.query<{ message: string }>(
      'SELECT message FROM webhook_inbox WHERE done_at IS NULL AND received_at <= $1 ORDER BY received_at, channel, message_id LIMIT $2',
      [now - olderThanMs, limit],
    );
    return rows.map((r) => JSON.parse(r.message) as InboundMessage);
  }

  async purge(retentionMs: number, now = Date.now()): Promise<number> {
    const result = await this.pool.query('DELETE FROM webhook_inbox WHERE done_at IS NOT NULL AND done_at < $1', [now - retentionMs]);
    return result.rowCount ?? 0;
  }
}
