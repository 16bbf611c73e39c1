-- The send ledger (src/storage/sendLedger.ts): each committed turn reply's send, recorded as
-- attempted before the Graph call and with its outcome after it. When a turn's replies are sent
-- again after a crash, only those never attempted, or refused by Graph ('refused', 'failed'), go out.
CREATE TABLE sent_replies (
  reply_id     text PRIMARY KEY,
  -- attempted | sent | unconfirmed | refused | failed
  state        text NOT NULL,
  -- JSON array of Graph's message ids, once sent.
  message_ids  text,
  attempted_at bigint NOT NULL,
  finished_at  bigint
);
CREATE INDEX sent_replies_attempted_at ON sent_replies (attempted_at);
