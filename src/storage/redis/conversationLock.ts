import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { KeyedQueue } from '../../core/keyedQueue.js';
import { pseudonym, type Logger } from '../../log.js';
import { LockTimeoutError, RedisUnavailableError, asUnavailable } from './errors.js';

// Only the holder (same token) may extend or delete: a holder whose lock already expired and was
// taken by another instance must not release or prolong the new holder's lock.
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface ConversationLockOptions {
  /** Key prefix, e.g. `pln:` gives `pln:lock:<conversation key>`. */
  prefix: string;
  /** Lifetime of a lock whose holder stopped extending it (crashed, partitioned). */
  ttlMs?: number;
  /** Longest a turn waits for its lock, counted from `run()` (time queued in this process included). */
  maxWaitMs?: number;
  /** Bounds of the random pause between two attempts to take a held lock. */
  retryMinMs?: number;
  retryMaxMs?: number;
  log?: Pick<Logger, 'warn'>;
}

/**
 * Serialises the turns of one conversation across all instances, like `KeyedQueue` does inside
 * one process (and in front of which it keeps one, so a burst of turns for one conversation on
 * one instance waits in memory, in order, instead of all polling Redis).
 *
 * Guarantees: at most one turn per conversation runs at a time on all instances, as long as the
 * holder keeps its lock alive (a watchdog extends it every ttl/3 while the work runs; `work` gets
 * an AbortSignal that fires if the lock is found lost, e.g. after a Redis restart). Turns queued
 * on one instance run in arrival order. Across instances there is no FIFO: waiters poll with
 * jitter and whoever's SET lands first after a release wins. That is acceptable because Meta does
 * not promise order between webhooks either. A waiter that loses for `maxWaitMs` gets a
 * `LockTimeoutError`: the turn fails like any other (the user gets the apology). Nothing is
 * redelivered: a Meta webhook was acknowledged once the inbox had recorded the message.
 *
 * Degraded behaviour: while Redis is unreachable `run` rejects within about a second (at once if
 * the client already knows it is disconnected) with `RedisUnavailableError`, without running the
 * work. This lock never runs a turn unlocked; `DegradingTurnLock` (src/bot/turnLock.ts) then runs
 * it under this instance's own lock instead. A release that fails is only logged: the lock
 * expires after `ttlMs`.
 */
export class RedisConversationLock {
  private readonly local = new KeyedQueue();
  private readonly ttlMs: number;
  private readonly maxWaitMs: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;

  constructor(
    private readonly client: Redis,
    private readonly options: ConversationLockOptions,
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.maxWaitMs = options.maxWaitMs ?? 10_000;
    this.retryMinMs = options.retryMinMs ?? 20;
    this.retryMaxMs = options.retryMaxMs ?? 100;
  }

  run<T>(key: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.client.status !== 'ready') return Promise.reject(new RedisUnavailableError('lock'));
    const deadline = Date.now() + this.maxWaitMs;
    return this.local.run(key, () => this.runLocked(key, work, deadline));
  }

  private async runLocked<T>(key: string, work: (signal: AbortSignal) => Promise<T>, deadline: number): Promise<T> {
    const lockKey = `${this.options.prefix}lock:${key}`;
    const token = randomUUID();
    await this.acquire(key, lockKey, token, deadline);
    const lost = new AbortController();
    const stopWatchdog = this.watch(key, lockKey, token, lost);
    try {
      return await work(lost.signal);
    } finally {
      stopWatchdog();
      await this.release(key, lockKey, token);
    }
  }

  private async acquire(key: string, lockKey: string, token: string, deadline: number): Promise<void> {
    const started = Date.now();
    for (;;) {
      let reply: string | null;
      try {
        reply = await this.client.set(lockKey, token, 'PX', this.ttlMs, 'NX');
      } catch (error) {
        throw asUnavailable('lock acquire', error);
      }
      if (reply === 'OK') return;
      const now = Date.now();
      if (now >= deadline) throw new LockTimeoutError(key, now - started);
      const pause = this.retryMinMs + Math.random() * (this.retryMaxMs - this.retryMinMs);
      await sleep(Math.min(pause, deadline - now));
    }
  }

  /** Extends the lock while the work runs; returns the function that stops it. */
  private watch(key: string, lockKey: string, token: string, lost: AbortController): () => void {
    let extendedAt = Date.now();
    let busy = false;
    const declareLost = (reason: string) => {
      clearInterval(timer);
      this.options.log?.warn({ conversation: pseudonym(key), reason }, 'conversation lock lost while its turn was running');
      lost.abort(new Error(`conversation lock lost: ${reason}`));
    };
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      this.client
        .eval(EXTEND, 1, lockKey, token, this.ttlMs)
        .then(
          (extended) => {
            if (extended === 1) extendedAt = Date.now();
            else declareLost('expired or taken over');
          },
          () => {
            // Redis unreachable: the lock may still be there; it is lost only once its TTL ran out.
            if (Date.now() - extendedAt >= this.ttlMs) declareLost('could not be extended while Redis was unavailable');
          },
        )
        .finally(() => {
          busy = false;
        });
    }, Math.max(10, Math.floor(this.ttlMs / 3)));
    // The work keeps the process alive, not the watchdog.
    timer.unref();
    return () => clearInterval(timer);
  }

  private async release(key: string, lockKey: string, token: string): Promise<void> {
    try {
      await this.client.eval(RELEASE, 1, lockKey, token);
    } catch (error) {
      this.options.log?.warn(
        { conversation: pseudonym(key), error: error instanceof Error ? error.message : String(error) },
        'could not release a conversation lock; it expires by itself',
      );
    }
  }
}
