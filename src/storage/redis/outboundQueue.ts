import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';
import type * as BullMqModule from 'bullmq';
import type { Job, JobsOptions, Queue as BullQueue } from 'bullmq';
import type { Redis } from 'ioredis';
import { backoffDelay } from '../../core/backoff.js';
import { RedisHealth, openRedis } from './connection.js';
import type { EnqueueOptions, OrderedQueue, OrderedQueueOptions, SendJob } from './queueTypes.js';
import { RedisUnavailableError, asUnavailable } from './errors.js';

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
 * Unordered (`ordered: false`, e.g. the ticket outbox): one queue, BullMQ's own attempts with a
 * capped exponential backoff in its delayed set, several jobs at once.
 *
 * Both kinds: an error `isPermanent` calls a dead letter at once; `onDeadLetter` is told before
 * the job lands in the list; `retryDeadLetter` puts one back with a fresh count.
 *
 * Delivery is at least once: a crash between a send and its acknowledgement repeats the send.
 * Redis without persistence loses queued jobs on a restart; run the queue's Redis with AOF.
 */
/**
 * BullMQ is loaded when a queue is first created, not when this module is imported: the service on
 * its SQLite default has no queues and so does not carry BullMQ (about 30 MB of memory).
 */
const loadBullMq = (): typeof BullMqModule => createRequire(import.meta.url)('bullmq') as typeof BullMqModule;

export function createOrderedQueue<T>(options: OrderedQueueOptions<T>): OrderedQueue<T> {
  const { Queue, UnrecoverableError, WaitingError, Worker } = loadBullMq();
  const attempts = options.attempts ?? 5;
  const backoffMs = options.backoffMs ?? 1_000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const ordered = options.ordered ?? true;
  const shards = ordered ? (options.shards ?? 8) : 1;
  const log = options.log;
  const closing = new AbortController();
  const backoff = (made: number) => backoffDelay(made, { baseMs: backoffMs, maxMs: maxBackoffMs });

  // Enqueueing is on the request path: fail fast. Workers wait out outages by themselves.
  const producer = openRedis(options.connection, { name: `${options.name}-producer` });
  const workerClient = options.work === false ? null : openRedis(options.connection, { name: `${options.name}-worker`, failFast: false });
  const health = new RedisHealth(log).watch(producer, `${options.name}-producer`);
  if (workerClient) health.watch(workerClient, `${options.name}-worker`);

  const jobDefaults: JobsOptions = ordered
    ? { attempts: 1 }
    : { attempts, backoff: { type: 'capped', delay: backoffMs } };
  const queues = Array.from({ length: shards }, (_, shard) => {
    const queue = new Queue(`${options.name}-${shard}`, {
      connection: producer,
      prefix: options.prefix,
      // Completed jobs are kept an hour so that a deterministic job id sent again is recognised.
      defaultJobOptions: { ...jobDefaults, removeOnComplete: { age: 3_600, count: 10_000 }, removeOnFail: false },
    });
    queue.on('error', () => undefined); // Seen through the failing enqueue calls.
    return queue;
  });

  // The global concurrency lives in the queue's meta key, which a Redis restart without
  // persistence wipes: set it again on every (re)connection, before the first job after it.
  let configured: Promise<void> | null = null;
  const configure = () =>
    (configured ??= ordered ? Promise.all(queues.map((queue) => queue.setGlobalConcurrency(1))).then(() => undefined) : Promise.resolve());
  producer.on('ready', () => {
    configured = null;
    configure().catch(() => {
      configured = null;
    });
  });

  /** The job failed for good: tell `onDeadLetter` (never throws). */
  async function dead(job: Job<T>, error: unknown, made: number): Promise<void> {
    try {
      await options.onDeadLetter?.(job.data, error, made);
    } catch (hookError) {
      log?.warn({ queue: job.queueName, job: job.id, error: messageOf(hookError) }, 'dead-letter hook failed');
    }
  }

  async function runOrdered(job: Job<T>, token: string | undefined): Promise<void> {
    let made = attemptsMadeOf(job.progress);
    for (;;) {
      made += 1;
      try {
        await options.process(job.data);
        return;
      } catch (error) {
        // Best effort: losing the count only means a job taken over after a crash retries more.
        await job.updateProgress({ attemptsMade: made }).catch(() => undefined);
        if (made >= attempts || error instanceof UnrecoverableError || options.isPermanent?.(error)) {
          await dead(job, error, made);
          throw error;
        }
        log?.warn({ queue: job.queueName, job: job.id, attempt: made, error: messageOf(error) }, 'queued job failed; retrying after a pause');
        await sleep(backoff(made), undefined, { signal: closing.signal }).catch(() => undefined);
        if (closing.signal.aborted) {
          // Shutting down mid-backoff: hand the job back, at the head of its queue, to whichever
          // instance takes it next (with its attempt count), instead of failing it.
          await job.moveToWait(token);
          throw new WaitingError();
        }
      }
    }
  }

  async function runUnordered(job: Job<T>): Promise<void> {
    try {
      await options.process(job.data);
    } catch (error) {
      const made = job.attemptsMade + 1;
      const permanent = error instanceof UnrecoverableError || (options.isPermanent?.(error) ?? false);
      if (!permanent && made < attempts) {
        log?.warn({ queue: job.queueName, job: job.id, attempt: made, retryInMs: backoff(made), error: messageOf(error) }, 'queued job failed; will retry');
        throw error;
      }
      await dead(job, error, made);
      throw permanent ? new UnrecoverableError(messageOf(error)) : error;
    }
  }

  let lastWorkerErrorAt = 0;
  const workers = workerClient
    ? queues.map((queue) => {
        const worker = new Worker<T>(queue.name, ordered ? runOrdered : runUnordered, {
          connection: workerClient,
          prefix: options.prefix,
          concurrency: ordered ? 1 : (options.concurrency ?? 4),
          ...(options.lockDurationMs ? { lockDuration: options.lockDurationMs, stalledInterval: Math.max(1_000, Math.round(options.lockDurationMs / 2)) } : {}),
          settings: { backoffStrategy: (made: number) => backoff(made) },
        });
        worker.on('error', (error) => {
          // Every loop of every worker fails while Redis is down: log at most every 10 s.
          if (Date.now() - lastWorkerErrorAt < 10_000) return;
          lastWorkerErrorAt = Date.now();
          log?.warn({ queue: queue.name, error: error.message }, 'queue worker error (retrying by itself)');
        });
        worker.on('failed', (job, error) => {
          if (job && (ordered || job.attemptsMade >= attempts || error instanceof UnrecoverableError)) {
            log?.error({ queue: queue.name, job: job.id, error: error.message }, 'queued job moved to the dead-letter list');
          }
        });
        return worker;
      })
    : [];

  function shardOf(orderKey: string): BullQueue {
    const index = createHash('sha1').update(orderKey).digest().readUInt32BE(0) % shards;
    return queues[index] as BullQueue;
  }

  /** `<queue>:<job id>` back to its queue and job id; null for an id not of this family. */
  function parseId(id: string): { queue: BullQueue; jobId: string } | null {
    const colon = id.indexOf(':');
    const queue = queues.find((q) => q.name === id.slice(0, colon));
    return colon > 0 && queue ? { queue, jobId: id.slice(colon + 1) } : null;
  }

  async function add(job: T, enqueueOptions: EnqueueOptions | undefined): Promise<string> {
    // BullMQ would wait for the first connection; the request path must not.
    if (producer.status !== 'ready') throw new RedisUnavailableError('enqueue');
    const queue = shardOf(enqueueOptions?.orderKey ?? options.orderKeyOf(job));
    const jobOptions: JobsOptions = {
      ...(enqueueOptions?.jobId !== undefined ? { jobId: safeJobId(enqueueOptions.jobId) } : {}),
      ...(!ordered && enqueueOptions?.delayMs ? { delay: enqueueOptions.delayMs } : {}),
    };
    try {
      await configure();
      const added = await queue.add('job', job, jobOptions);
      return `${queue.name}:${added.id ?? ''}`;
    } catch (error) {
      configured = null;
      throw asUnavailable('enqueue', error);
    }
  }

  async function retry(queue: BullQueue, jobId: string): Promise<boolean> {
    const job = (await queue.getJob(jobId)) as Job<T> | undefined;
    if (!job || !(await job.isFailed())) return false;
    if (ordered) await job.updateProgress({ attemptsMade: 0 });
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return true;
  }

  return {
    health,

    async waitReady(timeoutMs = 10_000) {
      await health.waitReady(timeoutMs);
      await configure();
      await Promise.all(workers.map((worker) => worker.waitUntilReady()));
    },

    enqueue: add,

    async requeue(job, enqueueOptions) {
      if (producer.status !== 'ready') throw new RedisUnavailableError('requeue');
      const queue = shardOf(enqueueOptions.orderKey ?? options.orderKeyOf(job));
      const jobId = safeJobId(enqueueOptions.jobId);
      try {
        const state = await queue.getJobState(jobId);
        if (state === 'failed' && (await retry(queue, jobId))) return 'retried';
        if (state === 'completed') await queue.remove(jobId);
        if (state === 'unknown' || state === 'completed') {
          await add(job, { ...enqueueOptions, delayMs: 0 });
          return 'added';
        }
        return 'queued';
      } catch (error) {
        throw asUnavailable('requeue', error);
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

    async retryDeadLetter(id) {
      const parsed = parseId(id);
      if (!parsed) return false;
      try {
        return await retry(parsed.queue, parsed.jobId);
      } catch (error) {
        throw asUnavailable('retry', error);
      }
    },

    async counts() {
      const all = await Promise.all(queues.map((queue) => queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed')));
      const sum = (state: string) => all.reduce((n, counts) => n + (counts[state] ?? 0), 0);
      return { waiting: sum('waiting') + sum('prioritized'), active: sum('active'), delayed: sum('delayed'), failed: sum('failed') };
    },

    async stateOf(id) {
      const parsed = parseId(id);
      if (!parsed) return 'lost';
      if (producer.status !== 'ready') return 'unreachable';
      const state = await parsed.queue.getJobState(parsed.jobId).catch(() => 'unreachable' as const);
      if (state === 'completed' || state === 'failed' || state === 'unreachable') return state;
      return state === 'unknown' ? 'lost' : 'pending';
    },

    async outcome(id, timeoutMs) {
      const parsed = parseId(id);
      const until = Date.now() + timeoutMs;
      for (let poll = 1; parsed && Date.now() < until && producer.status === 'ready' && !closing.signal.aborted; poll++) {
        const state = await parsed.queue.getJobState(parsed.jobId).catch(() => 'unknown' as const);
        if (state === 'completed') return { state };
        if (state === 'failed') {
          const job = await parsed.queue.getJob(parsed.jobId).catch(() => undefined);
          return { state, reason: job?.failedReason ?? '' };
        }
        if (state === 'unknown') break;
        await sleep(backoffDelay(poll, { baseMs: 10, maxMs: 100 }));
      }
      return { state: 'pending' };
    },

    async settled(ids, timeoutMs = 10_000) {
      const pending = new Set(ids);
      const until = Date.now() + timeoutMs;
      while (pending.size > 0 && Date.now() < until && producer.status === 'ready' && !closing.signal.aborted) {
        for (const id of [...pending]) {
          const parsed = parseId(id);
          const state = parsed ? await parsed.queue.getJobState(parsed.jobId).catch(() => 'unknown' as const) : 'unknown';
          if (state === 'completed' || state === 'failed' || state === 'unknown') pending.delete(id);
        }
        if (pending.size > 0) await sleep(15);
      }
    },

    async close() {
      closing.abort();
      health.close();
      // A worker waiting on a Redis that is away would wait for ever: give up after a few seconds.
      await withTimeout(
        (async () => {
          await Promise.all(workers.map((worker) => worker.close()));
          await Promise.all(queues.map((queue) => queue.close()));
        })(),
        5_000,
      );
      await Promise.all([producer, workerClient].map((client) => (client ? quit(client) : undefined)));
    },
  };
}

/**
 * A job id BullMQ accepts (no `:`, not an integer) for any caller's id: kept when it is plain, else
 * a digest of it, so the same id always gives the same job id.
 */
export function safeJobId(id: string): string {
  if (/^[A-Za-z0-9._-]{1,120}$/.test(id) && !/^\d+$/.test(id)) return id;
  return `h-${createHash('sha256').update(id).digest('hex').slice(0, 40)}`;
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

async function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

async function quit(client: Redis): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect(); // Redis is down: do not wait for a QUIT reply that will not come.
  }
}
