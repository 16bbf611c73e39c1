import type { Logger } from '../log.js';
import { createOrderedQueue } from '../storage/redis/outboundQueue.js';
import { QueueFront } from '../storage/redis/queueFront.js';
import type { OrderedQueue } from '../storage/redis/queueTypes.js';
import { deliverNotices } from './outboxRetrier.js';
import { isPermanentFailure, type OutboxEntry, type TicketService } from './ticketService.js';

/** A ticket outbox job: the entry's idempotency key (also the job id, so a key is queued once). */
export interface OutboxJob {
  key: string;
}

export interface OutboxQueueOptions {
  connection: string;
  /** BullMQ key prefix (no trailing colon). */
  prefix: string;
  tickets: Pick<TicketService, 'advance' | 'entry' | 'markDead' | 'claimNotices' | 'noticeDone'>;
  /** Sends an applicant the number of a request filed late (see notifyFiled in src/notify/ticketNotifier.ts). */
  notify: (entry: OutboxEntry) => Promise<'sent' | 'failed' | 'retry'>;
  /** Tries per job, the first included. */
  attempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Run workers here (default true); false for a producer-only process (scripts). */
  work?: boolean;
}

/** The entry is dead in the database (TicketService gave it up): the job stops retrying too. */
class OutboxEntryDead extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'OutboxEntryDead';
  }
}

/**
 * The ticket outbox through BullMQ (REDIS_URL). The database's `ticket_outbox` stays the source of
 * truth (this Redis runs without persistence); a request queued for a retry becomes a job whose id
 * is its idempotency key, retried with a capped exponential backoff in BullMQ's delayed set. The
 * worker files it through `TicketService.advance` (idempotent), then sends the late numbers that
 * are due, each once. After the last attempt, or at once for a refusal, the job is in the
 * dead-letter list and the entry is marked dead in the database. The retrier's sweep re-queues what
 * Redis lost (`requeue`).
 */
export class OutboxQueue extends QueueFront<OutboxJob> {
  protected readonly queue: OrderedQueue<OutboxJob>;

  constructor(private readonly options: OutboxQueueOptions) {
    super();
    const { tickets } = options;
    this.queue = createOrderedQueue<OutboxJob>({
      connection: options.connection,
      prefix: options.prefix,
      name: 'ticket',
      ordered: false,
      orderKeyOf: (job) => job.key,
      attempts: options.attempts,
      backoffMs: options.backoffMs,
      maxBackoffMs: options.maxBackoffMs,
      work: options.work ?? true,
      log: options.log,
      process: async ({ key }) => {
        try {
          await tickets.advance(key);
        } catch (err) {
          if ((await tickets.entry(key).catch(() => null))?.deadAt) throw new OutboxEntryDead(err);
          throw err;
        }
        await deliverNotices(tickets, options.notify);
      },
      isPermanent: (error) => error instanceof OutboxEntryDead || isPermanentFailure(error),
      // An applicant told to wait hears at once that the request was given up (not at the next sweep).
      onDeadLetter: async ({ key }) => {
        await tickets.markDead(key);
        await deliverNotices(tickets, options.notify);
      },
    });
  }

  /** Queues a request left pending by a failed filing, to be tried after the first backoff. */
  enqueue(key: string): Promise<string> {
    return this.queue.enqueue({ key }, { jobId: key, delayMs: this.options.backoffMs });
  }

  /** Makes sure each key has a job (the sweep; also after a revive): lost ones added, dead ones retried. */
  async requeue(keys: string[]): Promise<void> {
    for (const key of keys) {
      const done = await this.queue.requeue({ key }, { jobId: key });
      if (done !== 'queued') this.options.log.info({ idempotencyKey: key, done }, 'ticket outbox: request re-queued');
    }
  }
}
