-- The replies a turn made, kept with its message id (src/storage/conversationStore.ts, commitTurn):
-- when an instance dies after committing a turn and before sending its replies, the message is
-- processed again from the webhook inbox, found already handled, and these replies are sent.
-- json, not jsonb, for the same reason as conversations.snapshot (replies quote what customers typed).
ALTER TABLE processed_messages ADD COLUMN replies json;
