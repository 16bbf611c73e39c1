import { sql, type Kysely } from 'kysely';
import { REDELIVERY_RETENTION_MS } from '../core/retention.js';
import type { TranscriptEntry, TranscriptInput } from '../core/transcript.js';
import type { Database } from './database.js';
import { onDatabase, prepared, preparedTransaction, type StatementTarget } from './prepared.js';
import { fromJson, type Schema } from './schema.js';
import { turnStatement, type PgTurnWrite } from './postgres/turnStatement.js';
import { appendTranscript, toTranscriptEntry } from './transcript.js';

/** A conversation's persisted dialog state: the XState snapshot and the machine version it belongs to. */
export interface StoredConversation {
  machineVersion: number;
  snapshot: unknown;
}

/**
 * A conversation's state as stored, unparsed: the snapshot's JSON text (`loadTurn`). The text lets
 * the dialog engine tell whether the actor it keeps for a conversation is still current without
 * parsing anything.
 */
export interface RawConversation {
  machineVersion: number;
  json: string;
}

/** What a turn reads first (ConversationStore.loadTurn). */
export interface TurnRead {
  processed: boolean;
  state: RawConversation | null;
  /** An officer holds the conversation (its handoff is active). */
  held: boolean;
}

/** The state a turn writes: `json`, when given, is JSON.stringify(snapshot) already made by the caller. */
export interface ConversationWrite extends StoredConversation {
  json?: string;
}

/**
 * What `commitTurn` did: `duplicate` when its message id was already recorded (another instance
 * handled the same redelivered message meanwhile). Nothing was written then: the first turn's
 * state stands, and the caller should drop this turn's replies as it does for a message `loadTurn` found processed.
 */
export type SaveTurnOutcome = 'saved' | 'duplicate';

/** Everything one turn writes, committed together. */
export interface TurnWrite {
  conversationKey: string;
  /** The new state; null when the message went to the officer holding the conversation (state untouched). */
  state: ConversationWrite | null;
  /** The channel's message id, recorded as processed; null for officer-side events (always written). */
  messageId: string | null;
  /** The turn's lines for the officers' transcript (the customer's message, the bot's replies), in order. */
  transcript?: TranscriptInput[];
  /** The transcript lines' time; now by default. */
  at?: Date;
  /** What the turn says, kept with the message id (see `repliesOf`). */
  replies?: StoredReplies;
}

/**
 * A turn's replies as the dialog made them (message keys and values) and the language to render
 * them in. Opaque here (JSON): the dialog layer, above this one, knows their type.
 */
export interface StoredReplies {
  locale: string;
  replies: unknown[];
}

export interface TurnCommit {
  outcome: SaveTurnOutcome;
  /** The transcript lines as stored (with their ids); none when the turn was a duplicate. */
  transcript: TranscriptEntry[];
}

export interface ConversationStoreOptions {
  /** Clock in epoch milliseconds, for tests. */
  now?: () => number;
  /** Purge old processed ids after every this many commits (default 1000). */
  purgeEvery?: number;
  /** Told when a background purge fails (the next one retries); must not throw. */
  onPurgeError?: (err: Error) => void;
}

// A turn's statements, compiled once (see prepared.ts).
const selectState = prepared((p: { key: string }) => (db: Kysely<Schema>) =>
  db.selectFrom('conversations').select(['machine_version', 'snapshot']).where('conversation_key', '=', p.key),
);
/**
 * Whether the message was processed, the conversation's state, and whether an officer holds it:
 * what a turn reads first, in one statement. Written as a join on one constant row, with the
 * status a literal: SQLite (built with STAT4, as better-sqlite3 is) prepares a statement again for
 * every new value bound to a column an index starts with, and the same subqueries in a SELECT
 * without FROM were slower still: 40 µs a turn instead of 6.
 */
const selectTurn = prepared((p: { id: string | null; key: string }) => (db: Kysely<Schema>) =>
  db
    .selectFrom(db.selectNoFrom((eb) => eb.lit(1).as('one')).as('one'))
    .leftJoin('conversations as c', (join) => join.on('c.conversation_key', '=', p.key))
    .select((eb) => [
      'c.machine_version',
      // As text on both databases (PostgreSQL's driver would parse a json column): the engine
      // compares it with what its kept actor committed before parsing anything (RawConversation).
      sql<string | null>`cast(${sql.ref('c.snapshot')} as text)`.as('snapshot'),
      eb.selectFrom('processed_messages').select(eb.lit(1).as('yes')).where('message_id', '=', p.id).as('processed'),
      eb.selectFrom('handoffs').select(eb.lit(1).as('yes')).where('conversation_key', '=', p.key).where('status', '=', sql.lit('active')).as('held'),
    ]),
);
const insertProcessed = prepared((p: { id: string; at: number; replies: string | null }) => (db: Kysely<Schema>) =>
  db
    .insertInto('processed_messages')
    .values({ message_id: p.id, processed_at: p.at, replies: p.replies })
    .onConflict((oc) => oc.doNothing()),
);
const upsertState = prepared((p: { key: string; version: number; snapshot: string; at: number }) => (db: Kysely<Schema>) =>
  db
    .insertInto('conversations')
    .values({ conversation_key: p.key, machine_version: p.version, snapshot: p.snapshot, updated_at: p.at })
    .onConflict((oc) =>
      oc.column('conversation_key').doUpdateSet((eb) => ({
        machine_version: eb.ref('excluded.machine_version'),
        snapshot: eb.ref('excluded.snapshot'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    ),
);

/**
 * Where conversation state lives between turns, on SQLite (one process) or PostgreSQL (shared by
 * every instance). A turn's state is stored with its message id recorded as processed, in one
 * step, so a message redelivered by the channel (even after a restart, even to another instance)
 * is recognised and dropped.
 */
export class ConversationStore {
  private readonly database: Database;
  private readonly db: Kysely<Schema>;
  private readonly statements: StatementTarget;
  private readonly now: () => number;
  private readonly purgeEvery: number;
  private readonly onPurgeError: (err: Error) => void;
  private saves = 0;
  private purging: Promise<void> | null = null;

  constructor(database: Database, opts: ConversationStoreOptions = {}) {
    this.database = database;
    this.db = database.db;
    this.statements = onDatabase(database);
    this.now = opts.now ?? Date.now;
    this.purgeEvery = opts.purgeEvery ?? 1000;
    this.onPurgeError = opts.onPurgeError ?? (() => undefined);
  }

  async load(conversationKey: string): Promise<StoredConversation | null> {
    const row = (await selectState.run(this.statements, { key: conversationKey })).rows[0];
    return row ? { machineVersion: row.machine_version, snapshot: fromJson(row.snapshot) } : null;
  }

  /**
   * What a turn reads before it steps the dialog, in one statement (on PostgreSQL one round trip
   * instead of three): whether its message was processed before (never, for a null id), the
   * conversation's state as stored (RawConversation), and whether an officer holds the
   * conversation (an active handoff: see src/handoff/handoffStore.ts).
   */
  async loadTurn(messageId: string | null, conversationKey: string): Promise<TurnRead> {
    const row = (await selectTurn.run(this.statements, { id: messageId, key: conversationKey })).rows[0];
    const state = row && row.machine_version !== null && row.snapshot !== null ? { machineVersion: Number(row.machine_version), json: row.snapshot } : null;
    return { processed: messageId !== null && Boolean(row?.processed), state, held: Boolean(row?.held) };
  }

  /**
   * The replies committed with a message's turn, or null (none kept, or the message unknown). For a
   * message processed again after a crash between the commit and the send: its replies are sent
   * then, not lost.
   */
  async repliesOf(messageId: string): Promise<StoredReplies | null> {
    const row = await this.db.selectFrom('processed_messages').select('replies').where('message_id', '=', messageId).executeTakeFirst();
    return row?.replies ? fromJson<StoredReplies>(row.replies) : null;
  }

  /**
   * Records the message id, stores the state and appends the transcript lines in one transaction
   * (one commit per turn). The id goes in first: when it was already recorded (another instance
   * handled the same redelivered message meanwhile; on PostgreSQL the insert waits for that
   * instance's uncommitted key, then finds it taken), nothing is written and the outcome is
   * `duplicate`.
   */
  async commitTurn(turn: TurnWrite): Promise<TurnCommit> {
    const now = this.now();
    const replies = turn.replies && turn.replies.replies.length > 0 ? JSON.stringify(turn.replies) : null;
    const state = turn.state ? { machineVersion: turn.state.machineVersion, json: turn.state.json ?? JSON.stringify(turn.state.snapshot) } : null;
    const transcript = turn.transcript ?? [];
    const at = turn.at ?? new Date(now);
    const committed =
      this.database.kind === 'postgres'
        ? await this.commitInOneStatement({ conversationKey: turn.conversationKey, messageId: turn.messageId, processedAt: now, replies, state, transcript, at: at.toISOString() })
        : await preparedTransaction(this.database, async (tx): Promise<TurnCommit> => {
            if (turn.messageId) {
              const inserted = await insertProcessed.run(tx, { id: turn.messageId, at: now, replies });
              if (inserted.numAffectedRows === 0n) return { outcome: 'duplicate', transcript: [] };
            }
            if (state) await upsertState.run(tx, { key: turn.conversationKey, version: state.machineVersion, snapshot: state.json, at: now });
            return { outcome: 'saved', transcript: await appendTranscript(tx, transcript, at) };
          });
    if (++this.saves % this.purgeEvery === 0) this.purgeProcessed();
    return committed;
  }

  /** commitTurn on PostgreSQL: the same writes as one statement (src/storage/postgres/turnStatement.ts). */
  private async commitInOneStatement(write: PgTurnWrite): Promise<TurnCommit> {
    const { rows } = await this.database.direct.execute(turnStatement(write));
    if (Number(rows[0]?.recorded ?? 0) === 0) return { outcome: 'duplicate', transcript: [] };
    const lines = rows.filter((r) => r.id !== null && r.id !== undefined) as unknown as Parameters<typeof toTranscriptEntry>[0][];
    if (lines.length !== write.transcript.length) throw new Error(`transcript: ${write.transcript.length} lines inserted, ${lines.length} returned`);
    return { outcome: 'saved', transcript: lines.map(toTranscriptEntry).sort((a, b) => a.id - b.id) };
  }

  /** Deletes processed ids past the retention: off the turn's path (the turn is committed whatever it does), one purge at a time. */
  private purgeProcessed(): void {
    this.purging ??= this.db
      .deleteFrom('processed_messages')
      .where('processed_at', '<', this.now() - REDELIVERY_RETENTION_MS)
      .execute()
      .then(
        () => undefined,
        (err: Error) => this.onPurgeError(err),
      )
      .finally(() => (this.purging = null));
  }
}
