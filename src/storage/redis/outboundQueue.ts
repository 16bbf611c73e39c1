import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../log.js';
import { RedisHealth, openRedis } from './connection.js';
import { RedisUnavailableError, asUnavailable } from './errors.js';

export interface DeadLetter<T> {
  /** `<queue>:<job id>`, e.g. `send-3:17`. */
  id: string;
  data: T;
  failedReason: string;
  attemptsMade: number;
}

export interface OrderedQueue<T> {
  /** Queues a job behind the earlier jobs with the same order key. Rejects with `RedisUnavailableError` while Redis is away. */
  enqueue(job: T, options?: { orderKey?: string }): Promise<string>;
  /** Jobs that failed their last attempt (BullMQ's failed sets), oldest first. */
  deadLetters(): Promise<Array<DeadLetter<T>>>;
  /** The queue's own connections, for /readyz and logs. */
  readonly health: RedisHealth;
  /** Resolves once connected and configured (enqueue fails fast before that). */
  waitReady(timeoutMs?: number): Promise<void>;
  /** Stops the workers (a job waiting out a backoff goes back to the head of its queue) and closes the connections. */
  close(): Promise<void>;
}

export interface OrderedQueueOptions<T> {
  /** Redis URL; the queue opens its own connections (BullMQ workers need their own settings). */
  connection: string;
  /** BullMQ key prefix, e.g. `pln` gives keys `pln:send-0:*`. */
  prefix: string;
  /** Queue family name; shard queues are `<name>-0` ... `<name>-<shards-1>`. */
  name: string;
  process: (job: T) => Promise<void>;
  /** Jobs with the same order key run one at a time, in enqueue order. */
  orderKeyOf: (job: T) => string;
  /** Tries per job, the first included (default 5). */
  attempts?: number;
  /** Pause before the first retry, doubled for each later one (default 1 s, capped by maxBackoffMs). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Number of shard queues (default 8): the parallelism of the whole family across all instances. */
  shards?: number;
  /** Run workers in this process (default true); false for a producer-only process. */
  work?: boolean;
  log?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/**
 * A BullMQ queue family that keeps per-key order (one user's sends arrive in the order they were
 * queued) across all instances, with retries, backoff and a dead-letter list.
 *
 * How order is kept: BullMQ's per-group ordering is a Pro feature, so each order key is hashed to
 * one of N shard queues, and each shard queue has a global concurrency of 1 (a queue setting kept
 * in Redis, honoured by the workers of every instance): within a shard jobs run strictly one at a
 * time, in FIFO order. Retries happen inside the processor (attempt, pause, attempt), because a
 * BullMQ retry with backoff parks the job in the delayed set and lets the next job of the shard,
 * possibly the same user's next message, overtake it. The price is head-of-line blocking: a job
 * waiting out its backoff holds up the other keys of its shard (1/N of the traffic), which is
 * what bounds `attempts` and `maxBackoffMs`. The attempts made are kept in the job's progress, so
 * a job taken over after a crash (stalled, put back at the head of its queue) keeps its count.
 * After the last attempt the job stays in BullMQ's failed set (never removed): the dead-letter
 * list, visible through `deadLetters()` or any BullMQ dashboard; the next job of the key proceeds.
 *
 * Delivery is at least once: a crash between a send and its acknowledgement repeats the send.
 * Redis without persistence loses queued jobs on a restart; run the queue's Redis with AOF.
 */
export function createOrderedQueue<T>(options: OrderedQueueOptions<T>): OrderedQueue<T> {
  const attempts = options.attempts ?? 5;
  const backoffMs = options.backoffMs ?? 1_000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const shards = options.shards ?? 8;
  const log = options.log;
  const closing = new AbortController();

  // Enqueueing is on the request path: fail fast. Workers wait out outages by themselves.
  const producer = openRedis(options.connection, { name: `${options.name}-producer` });
  const workerClient = options.work === false ? null : openRedis(options.connection, { name: `${options.name}-worker`, failFast: false });
  const health = new RedisHealth(log).watch(producer, `${options.name}-producer`);
  if (workerClient) health.watch(workerClient, `${options.name}-worker`);

  const queues = Array.from({ length: shards }, (_, shard) => {
    const queue = new Queue(`${options.name}-${shard}`, {
      connection: producer,
      prefix: options.prefix,
      defaultJobOptions: { attempts: 1, removeOnComplete: { age: 3_600, count: 1_000 }, removeOnFail: false },
    });
    queue.on('error', () => undefined); // Seen through the failing enqueue calls.
    return queue;
  });

  // The global concurrency lives in the queue's meta key, which a Redis restart without
  // persistence wipes: set it again on every (re)connection, before the first job after it.
  let configured: Promise<void> | null = null;
  const configure = () => (configured ??= Promise.all(queues.map((queue) => queue.setGlobalConcurrency(1))).then(() => undefined));
  producer.on('ready', () => {
    configured = null;
    configure().catch(() => {
      configured = null;
    });
  });

  async function run(job: Job<T>, token: string | undefined): Promise<void> {
    let made = attemptsMadeOf(job.progress);
    for (;;) {
      made += 1;
      try {
        await options.process(job.data);
        return;
      } catch (error) {
        // Best effort: losing the count only means a job taken over after a crash retries more.
        await job.updateProgress({ attemptsMade: made }).catch(() => undefined);
        if (made >= attempts || error instanceof UnrecoverableError) throw error;
        log?.warn({ queue: job.queueName, job: job.id, attempt: made, error: messageOf(error) }, 'queued job failed; retrying after a pause');
        const pause = Math.min(maxBackoffMs, backoffMs * 2 ** (made - 1));
        await sleep(pause, undefined, { signal: closing.signal }).catch(() => undefined);
        if (closing.signal.aborted) {
          // Shutting down mid-backoff: hand the job back, at the head of its queue, to whichever
          // instance takes it next (with its attempt count), instead of failing it.
          await job.moveToWait(token);
          throw new WaitingError();
        }
      }
    }
  }

  let lastWorkerErrorAt = 0;
  const workers = workerClient
    ? queues.map((queue) => {
        const worker = new Worker<T>(queue.name, run, { connection: workerClient, prefix: options.prefix, concurrency: 1 });
        worker.on('error', (error) => {
          // Every loop of every worker fails while Redis is down: log at most every 10 s.
          if (Date.now() - lastWorkerErrorAt < 10_000) return;
          lastWorkerErrorAt = Date.now();
          log?.warn({ queue: queue.name, error: error.message }, 'queue worker error (retrying by itself)');
        });
        worker.on('failed', (job, error) => {
          if (job) log?.error({ queue: queue.name, job: job.id, error: error.message }, 'queued job moved to the dead-letter list');
        });
        return worker;
      })
    : [];

  function shardOf(orderKey: string): Queue {
    const index = createHash('sha1').update(orderKey).digest().readUInt32BE(0) % shards;
    return queues[index] as Queue;
  }

  return {
    health,

    async waitReady(timeoutMs = 10_000) {
      await health.waitReady(timeoutMs);
      await configure();
      await Promise.all(workers.map((worker) => worker.waitUntilReady()));
    },

    async enqueue(job, enqueueOptions) {
      // BullMQ would wait for the first connection; the request path must not.
      if (producer.status !== 'ready') throw new RedisUnavailableError('enqueue');
      const queue = shardOf(enqueueOptions?.orderKey ?? options.orderKeyOf(job));
      try {
        await configure();
        const added = await queue.add('job', job);
        return `${queue.name}:${added.id ?? ''}`;
      } catch (error) {
        configured = null;
        throw asUnavailable('enqueue', error);
      }
    },

    async deadLetters() {
      const failed = await Promise.all(queues.map(async (queue) => (await queue.getFailed(0, -1)).map((job) => ({ queue, job }))));
      return failed
        .flat()
        .sort((a, b) => (a.job.finishedOn ?? 0) - (b.job.finishedOn ?? 0))
        .map(({ queue, job }) => ({
          id: `${queue.name}:${job.id ?? ''}`,
          data: job.data as T,
          failedReason: job.failedReason,
          attemptsMade: attemptsMadeOf(job.progress) || job.attemptsMade,
        }));
    },

    async close() {
      closing.abort();
      health.close();
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all(queues.map((queue) => queue.close()));
      await Promise.all([producer, workerClient].map((client) => (client ? quit(client) : undefined)));
    },
  };
}

export interface SendJob {
  channel: string;
  userId: string;
  payload: unknown;
}

/** Outbound channel sends, in order per user (order key `<channel>:<userId>` unless given). */
export function createSendQueue(
  options: Omit<OrderedQueueOptions<SendJob>, 'name' | 'orderKeyOf'> & { name?: string },
): OrderedQueue<SendJob> {
  return createOrderedQueue<SendJob>({ name: 'send', orderKeyOf: (job) => `${job.channel}:${job.userId}`, ...options });
}

function attemptsMadeOf(progress: unknown): number {
  if (typeof progress !== 'object' || progress === null) return 0;
  const made = (progress as { attemptsMade?: unknown }).attemptsMade;
  return typeof made === 'number' ? made : 0;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function quit(client: Redis): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect(); // Redis is down: do not wait for a QUIT reply that will not come.
  }
}
