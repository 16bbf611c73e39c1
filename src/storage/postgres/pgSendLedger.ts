import { messageIdsJson, SEND_RETENTION_MS, type SendLedger, type SendOutcome, type SendState } from '../sendLedger.js';
import type { PgPool } from './pool.js';

/**
 * The send ledger in PostgreSQL (migrations/postgres/012_sent_replies.sql), shared by every
 * instance: a reply that one instance attempted is not sent again by another (a recovered message,
 * or a queued send BullMQ runs again after its worker died). One statement per write.
 */
export class PgSendLedger implements SendLedger {
  private begins = 0;

  constructor(
    private readonly pool: PgPool,
    private readonly now: () => number = Date.now,
    /** Told when a background purge fails (the next one retries); must not throw. */
    private readonly onPurgeError: (err: Error) => void = () => undefined,
  ) {}

  async begin(replyId: string): Promise<boolean> {
    const now = this.now();
    const { rowCount } = await this.pool.query(
      `INSERT INTO sent_replies (reply_id, state, attempted_at) VALUES ($1, 'attempted', $2)
       ON CONFLICT (reply_id) DO UPDATE SET state = 'attempted', message_ids = NULL, attempted_at = excluded.attempted_at, finished_at = NULL
       WHERE sent_replies.state IN ('refused', 'failed')`,
      [replyId, now],
    );
    if (++this.begins % 1000 === 0) {
      this.pool.query('DELETE FROM sent_replies WHERE attempted_at < $1', [now - SEND_RETENTION_MS]).catch((err: Error) => this.onPurgeError(err));
    }
    return rowCount === 1;
  }

  async finish(replyId: string, outcome: SendOutcome): Promise<void> {
    await this.pool.query("UPDATE sent_replies SET state = $1, message_ids = $2, finished_at = $3 WHERE reply_id = $4 AND state = 'attempted'", [
      outcome.state,
      messageIdsJson(outcome),
      this.now(),
      replyId,
    ]);
  }

  async stateOf(replyId: string): Promise<SendState | null> {
    const { rows } = await this.pool.query<{ state: SendState }>('SELECT state FROM sent_replies WHERE reply_id = $1', [replyId]);
    return rows[0]?.state ?? null;
  }
}
