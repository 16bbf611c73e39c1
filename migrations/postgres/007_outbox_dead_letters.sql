-- The ticket outbox's dead letters (src/tickets/outboxStore.ts): a request the ITSM refused
-- (HTTP 4xx) or that ran out of attempts is marked dead instead of being retried for ever.
-- Listed and revived with `npm run dead-letters`.

ALTER TABLE ticket_outbox ADD COLUMN dead_at timestamptz;
