-- What the officers' console shows of each transcript line beyond its text (src/storage/transcript.ts):
-- the buttons the customer saw with a bot message (a JSON array of their titles), private notes
-- officers write for each other (never sent), and an officer message's delivery: queued, sent,
-- delivered, read or failed (with the channel's reason), matched to status webhooks by the
-- channel's message id.
ALTER TABLE transcript ADD COLUMN choices jsonb;
ALTER TABLE transcript ADD COLUMN note boolean NOT NULL DEFAULT false;
ALTER TABLE transcript ADD COLUMN delivery text;
ALTER TABLE transcript ADD COLUMN delivery_error text;
ALTER TABLE transcript ADD COLUMN provider_id text;
CREATE INDEX transcript_provider_id ON transcript (provider_id) WHERE provider_id IS NOT NULL;
