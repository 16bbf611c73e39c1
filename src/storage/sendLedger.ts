import type { SqliteDatabase } from './sqlite.js';
import { groupCommit } from './sqliteGroupCommit.js';

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
export type SendState = 'attempted' | 'sent' | 'unconfirmed' | 'refused' | 'failed';

/** What `finish` records after the call. */
export type SendOutcome = { state: 'sent'; messageIds: string[] } | { state: 'unconfirmed' | 'refused' | 'failed' };

/**
 * The send ledger: one row per committed turn reply (by its id, `<conversation>:<message id>:<index>`),
 * written before the Graph call and after it, so that a reply is never sent again once it may have
 * been delivered: a reply sent again for a turn interrupted by a crash (see MetaAdapter), or a
 * queued send run again after its worker died, goes out only when it was never attempted or Graph
 * refused it (`refused`, `failed`: Graph's answer says it was not delivered). One attempted (the
 * call under way at the crash, outcome unknown), sent or unconfirmed is not sent again: Graph
 * takes no idempotency key, so such a reply reaches the user at most once.
 */
export interface SendLedger {
  /**
   * Records the reply's send as attempted, unless it may have been delivered already (attempted,
   * sent or unconfirmed): true when the caller should send it, false when it must not be sent again.
   */
  begin(replyId: string): Promise<boolean>;
  /** Records how the attempt ended (only an attempt still recorded as under way is updated). */
  finish(replyId: string, outcome: SendOutcome): Promise<void>;
  /** Where a reply stands, or null when it was never attempted (tests, diagnostics). */
  stateOf(replyId: string): Promise<SendState | null>;
}

/** Rows are kept as long as a message can come back from the webhook inbox (Meta redelivers for up to 7 days). */
export const SEND_RETENTION_MS = 8 * 24 * 60 * 60 * 1000;

/** How many begins between two purges of old rows. */
const PURGE_EVERY = 1000;

export const messageIdsJson = (outcome: SendOutcome): string | null => (outcome.state === 'sent' ? JSON.stringify(outcome.messageIds) : null);

/**
 * The ledger in the service's SQLite database. Both writes go through the connection's group
 * commit (one transaction for the writes of the moment), and neither reads first: `begin` is one
 * upsert whose WHERE says whether the reply may go.
 */
export class SqliteSendLedger implements SendLedger {
  private readonly upsertAttempt;
  private readonly updateOutcome;
  private readonly selectState;
  private readonly deleteOld;
  private begins = 0;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS sent_replies (
        reply_id     TEXT PRIMARY KEY,
        state        TEXT NOT NULL,
        message_ids  TEXT,
        attempted_at INTEGER NOT NULL,
        finished_at  INTEGER
      );
      CREATE INDEX IF NOT EXISTS sent_replies_attempted_at ON sent_replies (attempted_at);
    `);
    this.upsertAttempt = db.prepare(
      `INSERT INTO sent_replies (reply_id, state, attempted_at) VALUES (?, 'attempted', ?)
       ON CONFLICT (reply_id) DO UPDATE SET state = 'attempted', message_ids = NULL, attempted_at = excluded.attempted_at, finished_at = NULL
       WHERE sent_replies.state IN ('refused', 'failed')`,
    );
    this.updateOutcome = db.prepare("UPDATE sent_replies SET state = ?, message_ids = ?, finished_at = ? WHERE reply_id = ? AND state = 'attempted'");
    this.selectState = db.prepare<[string], { state: SendState }>('SELECT state FROM sent_replies WHERE reply_id = ?');
    this.deleteOld = db.prepare('DELETE FROM sent_replies WHERE attempted_at < ?');
  }

  async begin(replyId: string): Promise<boolean> {
    const now = this.now();
    const go = await groupCommit(this.db).run(() => this.upsertAttempt.run(replyId, now).changes === 1);
    if (++this.begins % PURGE_EVERY === 0) await groupCommit(this.db).run(() => this.deleteOld.run(now - SEND_RETENTION_MS));
    return go;
  }

  async finish(replyId: string, outcome: SendOutcome): Promise<void> {
    const now = this.now();
    await groupCommit(this.db).run(() => this.updateOutcome.run(outcome.state, messageIdsJson(outcome), now, replyId));
  }

  async stateOf(replyId: string): Promise<SendState | null> {
    return this.selectState.get(replyId)?.state ?? null;
  }
}
