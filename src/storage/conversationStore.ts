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

/**
 * Where conversation state lives between turns (SQLite by default; PostgreSQL for scale-out).
 * `saveTurn` stores the new state and records the message id as processed in one step, so a
 * message redelivered by the channel (even after a restart) is recognised and dropped.
 */
export interface ConversationStore {
  load(conversationKey: string): Promise<StoredConversation | null>;
  wasProcessed(messageId: string): Promise<boolean>;
  /** Stores the state and records `messageId` atomically; a null id (officer-side event) always saves. */
  saveTurn(conversationKey: string, state: StoredConversation, messageId: string | null): Promise<SaveTurnOutcome>;
  /** Records a message as processed without a new state (it went to the officer holding the conversation). */
  markProcessed(messageId: string): Promise<void>;
}
