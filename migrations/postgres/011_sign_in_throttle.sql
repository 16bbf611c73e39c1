-- Agent-console sign-in counters (src/handoff/signInThrottle.ts), in rate-limiter-flexible's layout:
-- key is a limit's prefix and hashes of the user name and client address (never either in clear);
-- points the attempts counted; expire the epoch millisecond the count (or block) ends. Used only
-- without REDIS_URL (with it, the counters are Redis keys). Expired rows are purged by the service.
CREATE TABLE sign_in_throttle (
  key    text PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);
CREATE INDEX sign_in_throttle_expire ON sign_in_throttle (expire);
