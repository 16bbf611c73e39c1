/** A conversation's persisted dialog state: the XState snapshot and the machine version it belongs to. */
export interface StoredConversation {
  machineVersion: number;
  snapshot: unknown;
}

/**
 * Where conversation state lives between turns (SQLite by default; PostgreSQL for scale-out).
 * `saveTurn` stores the new state and records the message id as processed in one step, so a
 * message redelivered by the channel (even after a restart) is recognised and dropped.
 */
export interface ConversationStore {
  load(conversationKey: string): Promise<StoredConversation | null>;
  wasProcessed(messageId: string): Promise<boolean>;
  saveTurn(conversationKey: string, state: StoredConversation, messageId: string | null): Promise<void>;
  /** Records a message as processed without a new state (it went to the officer holding the conversation). */
  markProcessed(messageId: string): Promise<void>;
}
