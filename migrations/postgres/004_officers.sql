-- Agent-console accounts (src/handoff/officerStore.ts) and their sessions (src/handoff/sessionStore.ts).

CREATE TABLE officers (
  username      text PRIMARY KEY,           -- stored lower-case
  display_name  text NOT NULL,
  password_hash text NOT NULL,              -- scrypt$N$r$p$salt$hash
  created_at    timestamptz NOT NULL,
  -- Set by hand to lock an account out; SQLite's INTEGER 0/1 (query: NOT disabled).
  disabled      boolean NOT NULL DEFAULT false
);

-- id is the SHA-256 of the cookie token; times are epoch milliseconds, as in SQLite.
CREATE TABLE agent_sessions (
  id         text PRIMARY KEY,
  username   text NOT NULL,
  csrf_token text NOT NULL,
  created_at bigint NOT NULL,
  last_seen  bigint NOT NULL
);
CREATE INDEX agent_sessions_username ON agent_sessions (username);
