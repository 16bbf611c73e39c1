-- What the officers' console shows of each transcript line beyond its text (src/storage/transcript.ts):
-- the buttons the customer saw with a bot message (a JSON array of their titles), private notes
-- officers write for each other (never sent), and an officer message's delivery: queued, sent,
-- delivered, read or failed (with the channel's reason), matched to status webhooks by the
-- channel's message id.
ALTER TABLE transcript ADD COLUMN choices TEXT;
ALTER TABLE transcript ADD COLUMN note INTEGER NOT NULL DEFAULT 0;
ALTER TABLE transcript ADD COLUMN delivery TEXT;
ALTER TABLE transcript ADD COLUMN delivery_error TEXT;
ALTER TABLE transcript ADD COLUMN provider_id TEXT;
CREATE INDEX transcript_provider_id ON transcript (provider_id) WHERE provider_id IS NOT NULL;
