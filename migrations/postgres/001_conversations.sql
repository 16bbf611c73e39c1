-- Conversation state (src/storage/sqliteConversationStore.ts).
-- Times are epoch milliseconds (bigint), as in SQLite, so the stores share their arithmetic.

CREATE TABLE conversations (
  conversation_key text PRIMARY KEY,
  machine_version  integer NOT NULL,
  -- json, not jsonb: the snapshot is opaque to SQL and holds what customers typed, and jsonb
  -- refuses \u0000 and unpaired surrogates (a message cut mid-emoji) that json keeps as written.
  snapshot         json NOT NULL,
  updated_at       bigint NOT NULL
);

-- Message ids already handled, so a webhook redelivered (even to another instance) is dropped.
CREATE TABLE processed_messages (
  message_id   text PRIMARY KEY,
  processed_at bigint NOT NULL
);
CREATE INDEX processed_messages_at ON processed_messages (processed_at);
