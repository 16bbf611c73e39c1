import type { Kysely } from 'kysely';
import { REDELIVERY_RETENTION_MS } from '../core/retention.js';
import type { Schema } from './schema.js';

/**
 * Where one reply's send stands:
 * - `attempted`: the call to Graph was about to start or under way; no outcome was recorded (the
 *   process died during the call, or could not record what came back);
 * - `sent`: Graph took it (its message ids are kept);
 * - `unconfirmed`: Graph never answered (timed out, connection broken): it may have been delivered;
 * - `refused`: Graph refused it for good (undeliverable, window closed, bad token);
 * - `failed`: Graph refused it for now (throttling, server errors) until the retries ran out.
 * After `refused` or `failed` the reply may be sent again (an operator retrying a dead letter, a
 * recovered turn): Graph's answer says it was not delivered.
 */
type SendState = 'attempted' | 'sent' | 'unconfirmed' | 'refused' | 'failed';

/** What `finish` records after the call. */
export type SendOutcome = { state: 'sent'; messageIds: string[] } | { state: Exclude<SendState, 'attempted' | 'sent'> };

/** How many begins between two purges of old rows. */
const PURGE_EVERY = 1000;

/**
 * The send ledger: one row per committed turn reply (by its id, `<conversation>:<message id>:<index>`),
 * written before the Graph call and after it, so that a reply is never sent again once it may have
 * been delivered: a reply sent again for a turn interrupted by a crash (see MetaAdapter), or a
 * queued send run again after its worker died, goes out only when it was never attempted or Graph
 * refused it (`refused`, `failed`: Graph's answer says it was not delivered). One attempted (the
 * call under way at the crash, outcome unknown), sent or unconfirmed is not sent again: Graph
 * takes no idempotency key, so such a reply reaches the user at most once. On PostgreSQL it is
 * shared by every instance. One statement per write, none reading first; rows are kept as long as
 * a message can come back from the webhook inbox.
 */
export class SendLedger {
  private begins = 0;

  constructor(private readonly db: Kysely<Schema>) {}

  /**
   * Records the reply's send as attempted, unless it may have been delivered already (attempted,
   * sent or unconfirmed): true when the caller should send it, false when it must not be sent again.
   */
  async begin(replyId: string): Promise<boolean> {
    const now = Date.now();
    const { numInsertedOrUpdatedRows } = await this.db
      .insertInto('sent_replies')
      .values({ reply_id: replyId, state: 'attempted', attempted_at: now })
      .onConflict((oc) =>
        oc
          .column('reply_id')
          .doUpdateSet((eb) => ({ state: 'attempted', message_ids: null, attempted_at: eb.ref('excluded.attempted_at'), finished_at: null }))
          .where('sent_replies.state', 'in', ['refused', 'failed']),
      )
      .executeTakeFirst();
    if (++this.begins % PURGE_EVERY === 0) {
      // Not waited for, and a failure is left to the next purge: the send must not wait on housekeeping.
      void this.db
        .deleteFrom('sent_replies')
        .where('attempted_at', '<', now - REDELIVERY_RETENTION_MS)
        .execute()
        .catch(() => undefined);
    }
    return numInsertedOrUpdatedRows === 1n;
  }

  /** Records how the attempt ended (only an attempt still recorded as under way is updated). */
  async finish(replyId: string, outcome: SendOutcome): Promise<void> {
    await this.db
      .updateTable('sent_replies')
      .set({ state: outcome.state, message_ids: outcome.state === 'sent' ? JSON.stringify(outcome.messageIds) : null, finished_at: Date.now() })
      .where('reply_id', '=', replyId)
      .where('state', '=', 'attempted')
      .execute();
  }
}
