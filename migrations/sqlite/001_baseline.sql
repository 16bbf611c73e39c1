-- The schema of the embedded SQLite database as the stores made it before SQLite had versioned
-- migrations (each store created its tables in its constructor). IF NOT EXISTS throughout, so a
-- file made by such a release takes this baseline as it is (the migrator first adds the columns an
-- older file may lack: LEGACY_COLUMNS in src/storage/migrate.ts). New changes go in new files.

CREATE TABLE IF NOT EXISTS handoffs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_key TEXT NOT NULL,
  channel TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('waiting', 'active', 'closed')),
  reason TEXT NOT NULL,
  officer TEXT,
  requested_at TEXT NOT NULL,
  taken_at TEXT,
  closed_at TEXT,
  outcome TEXT,
  itsm_number TEXT,
  apkt_number TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS handoffs_one_open ON handoffs (conversation_key) WHERE status <> 'closed';
CREATE INDEX IF NOT EXISTS handoffs_status ON handoffs (status, requested_at);
CREATE TABLE IF NOT EXISTS transcript (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_key TEXT NOT NULL,
  at TEXT NOT NULL,
  sender TEXT NOT NULL CHECK (sender IN ('customer', 'bot', 'agent')),
  text TEXT NOT NULL,
  officer TEXT,
  attachment TEXT,
  photo TEXT
);
CREATE INDEX IF NOT EXISTS transcript_conversation ON transcript (conversation_key, id);
CREATE TABLE IF NOT EXISTS officers (
  username TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS agent_sessions (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS agent_sessions_username ON agent_sessions (username);
CREATE TABLE IF NOT EXISTS itsm_tickets (
  number          TEXT PRIMARY KEY,
  day             TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  call_type       TEXT NOT NULL,
  service_family  TEXT NOT NULL,
  service_group   TEXT NOT NULL,
  service_type    TEXT NOT NULL,
  catalog_number  INTEGER,
  officer         TEXT NOT NULL,
  channel         TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  applicant_json  TEXT NOT NULL,
  photo_json      TEXT,
  previous_number TEXT,
  description     TEXT,
  status          TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  priority        TEXT NOT NULL DEFAULT 'normal',
  UNIQUE (day, seq)
);
CREATE TABLE IF NOT EXISTS apkt_records (
  number          TEXT PRIMARY KEY,
  day             TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  itsm_number     TEXT NOT NULL UNIQUE REFERENCES itsm_tickets(number),
  category        TEXT NOT NULL,
  complaint_type  TEXT NOT NULL,
  sub_type        TEXT NOT NULL,
  status          TEXT NOT NULL,
  problem         TEXT NOT NULL,
  officer         TEXT NOT NULL,
  channel         TEXT NOT NULL,
  applicant_json  TEXT NOT NULL,
  description     TEXT,
  created_at      TEXT NOT NULL,
  UNIQUE (day, seq)
);
CREATE TABLE IF NOT EXISTS ticket_replies (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  ticket_number   TEXT NOT NULL REFERENCES itsm_tickets(number),
  at              TEXT NOT NULL,
  author          TEXT NOT NULL,
  text            TEXT NOT NULL,
  status          TEXT
);
CREATE INDEX IF NOT EXISTS ticket_replies_ticket ON ticket_replies (ticket_number, id);
CREATE INDEX IF NOT EXISTS itsm_tickets_conversation ON itsm_tickets (channel, conversation_id);
CREATE INDEX IF NOT EXISTS itsm_tickets_phone ON itsm_tickets (json_extract(applicant_json, '$.phone'));
CREATE INDEX IF NOT EXISTS itsm_tickets_email ON itsm_tickets (lower(json_extract(applicant_json, '$.email')));
CREATE TABLE IF NOT EXISTS ticket_outbox (
  idempotency_key TEXT PRIMARY KEY,
  request_json    TEXT NOT NULL,
  itsm_number     TEXT,
  apkt_number     TEXT,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'itsm_filed', 'done')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  notice          TEXT,
  dead_at         TEXT
);
CREATE INDEX IF NOT EXISTS ticket_outbox_not_done ON ticket_outbox (state, created_at) WHERE state <> 'done';
CREATE TABLE IF NOT EXISTS conversations (
  conversation_key TEXT PRIMARY KEY,
  machine_version INTEGER NOT NULL,
  snapshot TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS processed_messages (
  message_id TEXT PRIMARY KEY,
  processed_at INTEGER NOT NULL,
  replies TEXT
);
CREATE INDEX IF NOT EXISTS processed_messages_at ON processed_messages (processed_at);
CREATE TABLE IF NOT EXISTS contact_windows (
  channel TEXT NOT NULL,
  user_id TEXT NOT NULL,
  last_inbound_at INTEGER NOT NULL,
  PRIMARY KEY (channel, user_id)
);
CREATE TABLE IF NOT EXISTS delivery_failures (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  channel TEXT NOT NULL,
  user_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS delivery_failures_user ON delivery_failures (channel, user_id);
CREATE TABLE IF NOT EXISTS conversation_references (
  conversation_key TEXT PRIMARY KEY,
  reference TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sent_replies (
  reply_id     TEXT PRIMARY KEY,
  state        TEXT NOT NULL,
  message_ids  TEXT,
  attempted_at INTEGER NOT NULL,
  finished_at  INTEGER
);
CREATE INDEX IF NOT EXISTS sent_replies_attempted_at ON sent_replies (attempted_at);
CREATE TABLE IF NOT EXISTS webhook_inbox (
  channel     TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  message     TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  done_at     INTEGER,
  PRIMARY KEY (channel, message_id)
);
CREATE INDEX IF NOT EXISTS webhook_inbox_pending ON webhook_inbox (received_at) WHERE done_at IS NULL;
CREATE TABLE IF NOT EXISTS sign_in_throttle (
  key TEXT PRIMARY KEY,
  points INTEGER NOT NULL DEFAULT 0,
  expire INTEGER
);
CREATE INDEX IF NOT EXISTS sign_in_throttle_expire ON sign_in_throttle (expire);
CREATE TABLE IF NOT EXISTS service_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at TEXT NOT NULL
);
