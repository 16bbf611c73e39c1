import { appendPgTranscript } from '../../handoff/transcriptWrites.js';
import { repliesJson, type ConversationStore, type SaveTurnOutcome, type StoredConversation, type StoredReplies, type TurnCommit, type TurnWrite } from '../conversationStore.js';
import { withTransaction, type PgPool } from './pool.js';

/** Processed message ids are kept this long: Meta redelivers webhooks for up to 7 days. */
export const PROCESSED_RETENTION_MS = 8 * 24 * 60 * 60 * 1000;

export interface PgConversationStoreOptions {
  /** Clock in epoch milliseconds, for tests. */
  now?: () => number;
  /** Purge old processed ids after every this many saves (default 1000), as the SQLite store does. */
  purgeEvery?: number;
  /** Told when a background purge fails (the next one retries); must not throw. */
  onPurgeError?: (err: Error) => void;
}

/**
 * Conversation state in PostgreSQL (tables of migrations/postgres/001_conversations.sql), shared
 * by every instance of the service.
 *
 * `saveTurn` inserts the message id before touching the state, in one transaction: when two
 * instances finish a turn for the same redelivered message, the second insert waits on the
 * first's uncommitted key and then finds it taken, so exactly one state is kept and the other
 * turn learns it was a duplicate.
 */
export class PgConversationStore implements ConversationStore {
  private readonly now: () => number;
  private readonly purgeEvery: number;
  private readonly onPurgeError: (err: Error) => void;
  private saves = 0;
  private purging: Promise<number> | null = null;

  constructor(
    private readonly pool: PgPool,
    opts: PgConversationStoreOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.purgeEvery = opts.purgeEvery ?? 1000;
    this.onPurgeError = opts.onPurgeError ?? (() => undefined);
  }

  async load(conversationKey: string): Promise<StoredConversation | null> {
    const { rows } = await this.pool.query<{ machine_version: number; snapshot: unknown }>(
      'SELECT machine_version, snapshot FROM conversations WHERE conversation_key = $1',
      [conversationKey],
    );
    const row = rows[0];
    return row ? { machineVersion: row.machine_version, snapshot: row.snapshot } : null;
  }

  async wasProcessed(messageId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM processed_messages WHERE message_id = $1', [messageId]);
    return (rowCount ?? 0) > 0;
  }

  async repliesOf(messageId: string): Promise<StoredReplies | null> {
    const { rows } = await this.pool.query<{ replies: StoredReplies | null }>('SELECT replies FROM processed_messages WHERE message_id = $1', [messageId]);
    return rows[0]?.replies ?? null;
  }

  async markProcessed(messageId: string): Promise<void> {
    await this.pool.query('INSERT INTO processed_messages (message_id, processed_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [messageId, this.now()]);
  }

  async saveTurn(conversationKey: string, state: StoredConversation, messageId: string | null): Promise<SaveTurnOutcome> {
    return (await this.commitTurn({ conversationKey, state, messageId })).outcome;
  }

  async commitTurn(turn: TurnWrite): Promise<TurnCommit> {
    const now = this.now();
    // Stringified here: pg would turn a top-level array into a PostgreSQL array, not JSON.
    const snapshot = turn.state ? JSON.stringify(turn.state.snapshot) : null;
    const committed = await withTransaction(this.pool, async (client): Promise<TurnCommit> => {
      if (turn.messageId !== null) {
        const replies = repliesJson(turn);
        const inserted = await client.query('INSERT INTO processed_messages (message_id, processed_at, replies) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
          turn.messageId,
          now,
          replies,
        ]);
        if (inserted.rowCount === 0) return { outcome: 'duplicate', transcript: [] };
      }
      if (turn.state) {
        await client.query(
          `INSERT INTO conversations (conversation_key, machine_version, snapshot, updated_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (conversation_key) DO UPDATE
             SET machine_version = excluded.machine_version, snapshot = excluded.snapshot, updated_at = excluded.updated_at`,
          [turn.conversationKey, turn.state.machineVersion, snapshot, now],
        );
      }
      const transcript = await appendPgTranscript(client, turn.transcript ?? [], turn.at ?? new Date(now));
      return { outcome: 'saved', transcript };
    });
    // Off the turn's path: the turn is committed whatever the purge does.
    if (++this.saves % this.purgeEvery === 0) this.purgeProcessed().catch((err: Error) => this.onPurgeError(err));
    return committed;
  }

  /** Deletes processed ids past the retention; returns how many. One purge at a time per store. */
  purgeProcessed(): Promise<number> {
    this.purging ??= this.pool
      .query('DELETE FROM processed_messages WHERE processed_at < $1', [this.now() - PROCESSED_RETENTION_MS])
      .then((r) => r.rowCount ?? 0)
      .finally(() => (this.purging = null));
    return this.purging;
  }
}
