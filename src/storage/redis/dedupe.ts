import type { Redis } from 'ioredis';
import { REDELIVERY_RETENTION_MS } from '../../core/retention.js';
import { RedisUnavailableError, asUnavailable } from './errors.js';

export interface DedupeOptions {
  /** Key prefix, e.g. `pln:` gives `pln:dedupe:<message id>`. */
  prefix: string;
  /** How long a message id is remembered (default REDELIVERY_RETENTION_MS: past Meta's redeliveries). */
  ttlMs?: number;
  /**
   * Optional two-phase mode: a claim first lives only this long and `complete()` makes it last
   * `ttlMs`. Use it when a failed turn's `release()` may not reach Redis (network partition): the
   * stale claim then blocks redeliveries for minutes, not for days.
   */
  pendingTtlMs?: number;
}

/**
 * The set of Meta message ids already taken by some instance, so a redelivered webhook that lands
 * on another instance while the first is still working on it is dropped. Each id expires by
 * itself. Claim before the turn, release if the turn failed (so the redelivery is processed).
 *
 * This is the fast, shared gate in front of the conversation store, not a replacement for it:
 * Redis here runs without persistence, so after a Redis restart the set is empty and the store's
 * record of processed messages (written in the same step as the turn, read by `loadTurn`) still recognises old redeliveries.
 *
 * Degraded behaviour: while Redis is unreachable `claim`, `complete` and `release` reject within about a
 * second with `RedisUnavailableError`. The webhook is not failed for it: the gate in front of the
 * inbox (webhookGate.ts) lets the messages through and the database alone de-duplicates them.
 */
export class RedisDedupe {
  private readonly ttlMs: number;

  constructor(
    private readonly client: Redis,
    private readonly options: DedupeOptions,
  ) {
    this.ttlMs = options.ttlMs ?? REDELIVERY_RETENTION_MS;
  }

  /** True if this call claimed the id (go ahead); false if it was claimed before (drop it). */
  async claim(messageId: string): Promise<boolean> {
    if (this.client.status !== 'ready') throw new RedisUnavailableError('dedupe claim');
    try {
      const ttl = this.options.pendingTtlMs ?? this.ttlMs;
      return (await this.client.set(this.key(messageId), '1', 'PX', ttl, 'NX')) === 'OK';
    } catch (error) {
      throw asUnavailable('dedupe claim', error);
    }
  }

  /** Two-phase mode: the turn succeeded, remember the id for the full `ttlMs` (no-op otherwise). */
  async complete(messageId: string): Promise<void> {
    if (this.options.pendingTtlMs === undefined) return;
    if (this.client.status !== 'ready') throw new RedisUnavailableError('dedupe complete');
    try {
      // Plain SET, not XX: a turn that outlived its pending claim is still done.
      await this.client.set(this.key(messageId), '1', 'PX', this.ttlMs);
    } catch (error) {
      throw asUnavailable('dedupe complete', error);
    }
  }

  /** Forgets a claim whose turn failed, so the channel's redelivery is processed. */
  async release(messageId: string): Promise<void> {
    if (this.client.status !== 'ready') throw new RedisUnavailableError('dedupe release');
    try {
      await this.client.del(this.key(messageId));
    } catch (error) {
      throw asUnavailable('dedupe release', error);
    }
  }

  private key(messageId: string): string {
    return `${this.options.prefix}dedupe:${messageId}`;
  }
}
