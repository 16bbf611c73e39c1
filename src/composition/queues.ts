import { MetaSendQueue } from '../channels/meta/sendQueue.js';
import type { AppConfig } from '../config.js';
import type { Later } from '../core/later.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../observability/metrics.js';
import { OutboxQueue, type OutboxQueueOptions } from '../tickets/outboxQueue.js';
import type { TicketService } from '../tickets/ticketService.js';

/** The BullMQ queues (REDIS_URL only): Meta replies, and the ticket outbox's retries. */
export interface QueueParts {
  sends: MetaSendQueue | undefined;
  outbox: OutboxQueue | undefined;
  /** Waits a little for Redis; a queue not ready yet falls back (replies inline, the sweep files). */
  waitReady(): Promise<void>;
  close(): Promise<void>;
}

/**
 * With REDIS_URL, Meta replies and the ticket outbox's retries go through BullMQ queues (workers
 * on every instance, dead letters kept: npm run dead-letters); without, they run in-process.
 */
export function buildQueues(
  config: AppConfig,
  parts: { log: Logger; metrics: Metrics; tickets: TicketService; notifyLate: Later<OutboxQueueOptions['notify']> },
): QueueParts {
  const { log, metrics, tickets, notifyLate } = parts;
  const redis = config.redis;
  const prefix = redis?.prefix.replace(/:+$/, '') ?? '';
  const sends = redis
    ? new MetaSendQueue({
        connection: redis.url,
        prefix,
        attempts: redis.sends.maxAttempts,
        backoffMs: redis.sends.baseDelayMs,
        maxBackoffMs: redis.sends.maxDelayMs,
        log,
        onFallback: (channel) => metrics.sendFallback(channel),
      })
    : undefined;
  const retry = config.tickets.retry;
  const outbox = redis
    ? new OutboxQueue({
        connection: redis.url,
        prefix,
        tickets,
        notify: (entry) => notifyLate.get()(entry),
        attempts: retry.maxAttempts,
        backoffMs: retry.baseDelayMs,
        maxBackoffMs: retry.maxDelayMs,
        log,
      })
    : undefined;
  return {
    sends,
    outbox,
    async waitReady() {
      await Promise.all([sends?.waitReady(5_000), outbox?.waitReady(5_000)].map((ready) => ready?.catch(() => undefined)));
    },
    async close() {
      await outbox?.close();
      await sends?.close();
    },
  };
}
