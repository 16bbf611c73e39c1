import type { Redis } from 'ioredis';
import { DegradingTurnLock, type TurnLock } from '../storage/redis/turnLock.js';
import { RedisHandoffBus } from '../handoff/redisHandoffBus.js';
import type { Logger } from '../log.js';
import { openRedis, RedisHealth } from '../storage/redis/connection.js';
import { RedisConversationLock } from '../storage/redis/conversationLock.js';
import { RedisDedupe } from '../storage/redis/dedupe.js';

export interface RedisParts {
  /** Orders each conversation's turns across instances (per instance only while Redis is down). */
  lock: TurnLock & { readonly degraded: boolean };
  /** Carries console events between instances. */
  bus: RedisHandoffBus;
  /** The Meta message ids already taken by some instance (in front of the webhook inbox). */
  dedupe: RedisDedupe;
  health: RedisHealth;
  /** The fail-fast command connection the lock and dedupe use, for other short commands (sign-in throttle). */
  commands: Redis;
  /** Waits a little for the first connection; starts degraded (and says so) if Redis is not there. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The Redis connections of one instance (REDIS_URL): the conversation lock and the redelivery set
 * (one fail-fast connection), and the console's pub/sub. The queues open their own (BullMQ).
 */
export function openRedisParts(config: { url: string; prefix: string }, log: Pick<Logger, 'info' | 'warn'>): RedisParts {
  const lockClient = openRedis(config.url, { name: 'pln-lock' });
  const publisher = openRedis(config.url, { name: 'pln-bus-pub' });
  const subscriber = openRedis(config.url, { name: 'pln-bus-sub' });
  const health = new RedisHealth(log).watch(lockClient, 'lock').watch(publisher, 'bus-pub').watch(subscriber, 'bus-sub');
  // A crashed instance's locks expire after the TTL (the watchdog extends live ones every third of
  // it); a turn waits longer than that, so a message is never refused for a dead holder's lock.
  const lock = new DegradingTurnLock(
    new RedisConversationLock(lockClient, { prefix: config.prefix, log, ttlMs: 10_000, maxWaitMs: 15_000 }),
    log,
    () => lockClient.status === 'ready',
  );
  const bus = new RedisHandoffBus({ publisher, subscriber, prefix: config.prefix, log });
  // Two-phase: a claim whose instance died before the message was recorded blocks Meta's
  // redeliveries for minutes only.
  const dedupe = new RedisDedupe(lockClient, { prefix: config.prefix, pendingTtlMs: 5 * 60_000 });
  return {
    lock,
    bus,
    dedupe,
    health,
    commands: lockClient,
    async ready() {
      try {
        await health.waitReady(5_000);
      } catch (err) {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'starting without redis: degraded until it connects');
      }
    },
    async close() {
      await bus.close();
      health.close();
      await Promise.all([lockClient, publisher, subscriber].map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
