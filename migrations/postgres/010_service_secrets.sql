-- Secrets the service generates for itself when the configuration names none, shared by every
-- instance (src/storage/pseudonymKey.ts): today the key of the logs' pseudonyms (HMAC-SHA256).
CREATE TABLE service_secrets (
  name       text PRIMARY KEY,
  value      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
