/**
 * Typed failures of the Redis-backed coordination, so a caller can tell "Redis is away, ask the
 * channel to redeliver later" from a bug. Both mean the turn did not run.
 */

/** Redis could not be reached (down, restarting, connection lost, or too slow to answer). */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  constructor(operation: string, options?: { cause?: unknown }) {
    super(`Redis unavailable during ${operation}`, options);
  }
}

/** Another holder kept the conversation's lock for longer than the caller was willing to wait. */
export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError';
  constructor(
    readonly key: string,
    readonly waitedMs: number,
  ) {
    super(`timed out after ${waitedMs} ms waiting for the lock of a conversation`);
  }
}

/**
 * Reply errors that mean "this server cannot serve you right now" rather than "your command is
 * wrong": they are treated like a lost connection.
 */
const UNAVAILABLE_REPLIES = /^(LOADING|READONLY|MASTERDOWN|BUSY|TRYAGAIN|CLUSTERDOWN|OOM)\b/;

/**
 * Wraps what ioredis threw in a `RedisUnavailableError` when it is about reachability (offline
 * queue disabled, connection closed, retries exhausted, command timeout, a server still loading);
 * any other reply error (a bug such as WRONGTYPE) is passed through unchanged.
 */
export function asUnavailable(operation: string, error: unknown): Error {
  if (error instanceof RedisUnavailableError || error instanceof LockTimeoutError) return error;
  if (error instanceof Error && error.name === 'ReplyError' && !UNAVAILABLE_REPLIES.test(error.message)) return error;
  return new RedisUnavailableError(operation, { cause: error });
}
