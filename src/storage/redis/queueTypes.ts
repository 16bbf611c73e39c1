/**
 * What the BullMQ queue families of outboundQueue.ts offer and take: the queue's interface, its
 * options and the jobs and dead letters it hands back. Importing these does not load BullMQ.
 */
import type { Logger } from '../../log.js';
import type { RedisHealth } from './connection.js';

export interface DeadLetter<T> {
  /** `<queue>:<job id>`, e.g. `send-3:17`. */
  id: string;
  data: T;
  failedReason: string;
  attemptsMade: number;
}

export interface EnqueueOptions {
  /** Defaults to `orderKeyOf(job)`. */
  orderKey?: string;
  /**
   * A deterministic id: a job with the same id still in the queue, or completed within the last
   * hour, or dead, makes this enqueue a no-op (e.g. a turn's replies sent again after a recovery).
   */
  jobId?: string;
  /** Unordered queues only: run it no earlier than this. */
  delayMs?: number;
}

export type JobCounts = Record<'waiting' | 'active' | 'delayed' | 'failed', number>;

/** Where a job ended: done, dead (with BullMQ's failed reason), or not known yet (timeout, Redis away). */
export type JobOutcome = { state: 'completed' } | { state: 'failed'; reason: string } | { state: 'pending' };

export interface OrderedQueue<T> {
  /**
   * Queues a job behind the earlier jobs with the same order key; resolves with its id
   * (`<queue>:<job id>`). Rejects with `RedisUnavailableError` while Redis is away.
   */
  enqueue(job: T, options?: EnqueueOptions): Promise<string>;
  /**
   * Makes sure a job with this id is queued: added when Redis does not know it (lost in a
   * restart), retried when it is dead, re-added when it completed; left alone while it is waiting,
   * delayed or running. Resolves with what was done.
   */
  requeue(job: T, options: EnqueueOptions & { jobId: string }): Promise<'added' | 'retried' | 'queued'>;
  /** Jobs that failed their last attempt (BullMQ's failed sets), oldest first. */
  deadLetters(): Promise<Array<DeadLetter<T>>>;
  /** Puts a dead letter (id as listed) back in its queue with a fresh count of attempts; false when there is no such dead letter. */
  retryDeadLetter(id: string): Promise<boolean>;
  /** Jobs by state over all shard queues (metrics). */
  counts(): Promise<JobCounts>;
  /**
   * Resolves once each job (ids as `enqueue` returned them) has completed or is dead, or after
   * `timeoutMs`, or at once while Redis is away (nothing to learn then).
   */
  settled(ids: Iterable<string>, timeoutMs?: number): Promise<void>;
  /** Waits for one job (id as `enqueue` returned it) to complete or die, up to `timeoutMs`. */
  outcome(id: string, timeoutMs: number): Promise<JobOutcome>;
  /**
   * Where a job stands now, without waiting: `lost` when Redis does not know it (a Redis restart
   * without persistence dropped it), `unreachable` while Redis is away.
   */
  stateOf(id: string): Promise<'completed' | 'failed' | 'pending' | 'lost' | 'unreachable'>;
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
  /**
   * Default true. False: no per-key order; a failed attempt waits out its backoff in BullMQ's
   * delayed set (holding nobody up) and `concurrency` jobs run at once per instance.
   */
  ordered?: boolean;
  /** Unordered queues: jobs run at once by each instance (default 4). */
  concurrency?: number;
  /** Errors no retry can help with: the job is dead at once. */
  isPermanent?: (error: unknown) => boolean;
  /**
   * Told when a job fails for good (permanent error or last attempt), before it lands in the
   * dead-letter list, e.g. to record the failure elsewhere. Its own failure is logged, not thrown.
   */
  onDeadLetter?: (job: T, error: unknown, attemptsMade: number) => Promise<void>;
  /**
   * How long a worker's hold on a running job lasts without renewal (default 30 s): the time after
   * which the job of a crashed instance is taken over by another.
   */
  lockDurationMs?: number;
  log?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** An outbound channel send (createSendQueue). */
export interface SendJob {
  channel: string;
  userId: string;
  payload: unknown;
}
