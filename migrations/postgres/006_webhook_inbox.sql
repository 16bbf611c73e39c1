-- Meta webhook messages written before the webhook is answered 200, marked done once their turn
-- ran (src/channels/meta/webhookInbox.ts): a crash between the two loses nothing.

CREATE TABLE webhook_inbox (
  channel     text NOT NULL,
  message_id  text NOT NULL,
  -- text, not jsonb: opaque to SQL, kept exactly as parsed.
  message     text NOT NULL,
  received_at bigint NOT NULL,
  done_at     bigint,
  PRIMARY KEY (channel, message_id)
);
CREATE INDEX webhook_inbox_pending ON webhook_inbox (received_at) WHERE done_at IS NULL;
