import type { RedisHealth } from './connection.js';
import type { DeadLetter, JobCounts, OrderedQueue } from './queueTypes.js';

/**
 * What a service built on an OrderedQueue (the Meta send queue, the ticket outbox queue) shows of
 * it to metrics, the dead-letters script and /readyz, and how it is closed.
 */
export abstract class QueueFront<T> {
  protected abstract readonly queue: OrderedQueue<T>;

  deadLetters(): Promise<Array<DeadLetter<T>>> {
    return this.queue.deadLetters();
  }

  counts(): Promise<JobCounts> {
    return this.queue.counts();
  }

  get health(): RedisHealth {
    return this.queue.health;
  }

  waitReady(timeoutMs?: number): Promise<void> {
    return this.queue.waitReady(timeoutMs);
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
