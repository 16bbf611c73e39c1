import type { Reply } from '../../dialogs/reply.js';
import type { TranscriptInput } from '../handoff/transcriptWrites.js';
import type { TranscriptEntry } from '../handoff/types.js';

/** A conversation's persisted dialog state: the XState snapshot and the machine version it belongs to. */
export interface StoredConversation {
  machineVersion: number;
  snapshot: unknown;
}

/**
 * What `saveTurn` did: `duplicate` when its message id was already recorded (another instance
 * handled the same redelivered message meanwhile). Nothing was written then: the first turn's
 * state stands, and the caller should drop this turn's replies as it does for `wasProcessed`.
 */
export type SaveTurnOutcome = 'saved' | 'duplicate';

/** Everything one turn writes, committed together. */
export interface TurnWrite {
  conversationKey: string;
  /** The new state; null when the message went to the officer holding the conversation (state untouched). */
  state: StoredConversation | null;
  /** The channel's message id, recorded as processed; null for officer-side events (always written). */
  messageId: string | null;
  /** The turn's lines for the officers' transcript (the customer's message, the bot's replies), in order. */
  transcript?: TranscriptInput[];
  /** The transcript lines' time; now by default. */
  at?: Date;
  /** What the turn says, kept with the message id (see `repliesOf`). */
  replies?: StoredReplies;
}

/** A turn's replies as the dialog made them (message keys and values) and the language to render them in. */
export interface StoredReplies {
  locale: string;
  replies: Reply[];
}

/** The turn's replies as the stores keep them with its message id: JSON, or null when it said nothing. */
export const repliesJson = (turn: TurnWrite): string | null => (turn.replies && turn.replies.replies.length > 0 ? JSON.stringify(turn.replies) : null);

export interface TurnCommit {
  outcome: SaveTurnOutcome;
  /** The transcript lines as stored (with their ids); none when the turn was a duplicate. */
  transcript: TranscriptEntry[];
}

/**
 * Where conversation state lives between turns (SQLite by default; PostgreSQL for scale-out).
 * `saveTurn` stores the new state and records the message id as processed in one step, so a
 * message redelivered by the channel (even after a restart) is recognised and dropped.
 */
export interface ConversationStore {
  load(conversationKey: string): Promise<StoredConversation | null>;
  wasProcessed(messageId: string): Promise<boolean>;
  /**
   * Records the message id, stores the state and appends the transcript lines in one transaction
   * (one commit per turn). The id goes in first: when it was already recorded (another instance
   * handled the same redelivered message meanwhile), nothing is written and the outcome is
   * `duplicate`.
   */
  commitTurn(turn: TurnWrite): Promise<TurnCommit>;
  /**
   * The replies committed with a message's turn, or null (none kept, or the message unknown). For a
   * message processed again after a crash between the commit and the send: its replies are sent
   * then, not lost.
   */
  repliesOf(messageId: string): Promise<StoredReplies | null>;
  /** `commitTurn` without transcript lines: stores the state and records `messageId` atomically. */
  saveTurn(conversationKey: string, state: StoredConversation, messageId: string | null): Promise<SaveTurnOutcome>;
  /** `commitTurn` with neither state nor lines: records a message as processed; may be repeated. */
  markProcessed(messageId: string): Promise<void>;
}
