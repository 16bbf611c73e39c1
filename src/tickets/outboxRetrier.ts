import { backoffDelay } from '../core/backoff.js';
import type { OutboxEntry, TicketService } from './ticketService.js';

type NoticeTickets = Pick<TicketService, 'claimNotices' | 'noticeDone'>;
type Notify = (entry: OutboxEntry) => Promise<'sent' | 'failed' | 'retry'>;

export interface OutboxRetrierOptions {
  tickets: Pick<TicketService, 'drainPending' | 'claimNotices' | 'noticeDone' | 'pendingCount' | 'pendingKeys'>;
  /** Sends an applicant the number of a request filed after they were told it was recorded; true when it reached them. */
  notify: (entry: OutboxEntry) => Promise<'sent' | 'failed' | 'retry'>;
  /** First wait after a failed drain; doubles up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How often to look when nothing is pending (and, with `requeue`, how often to sweep). */
  idleDelayMs?: number;
  /**
   * With a queue (REDIS_URL): each round hands the pending keys to it (a key already queued is
   * left alone) instead of filing them here, so the loop is only a sweep for what Redis lost. When
   * the queue is unreachable the round files them itself, as without a queue.
   */
  requeue?: (keys: string[]) => Promise<void>;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

/**
 * Sends the late numbers of the requests filed since their applicants were told to wait (or, for
 * a request given up, that an officer follows it up), each exactly once across instances (claimed
 * in the database first). Used by the retrier's rounds and
 * by the queue's worker right after a filing.
 */
export async function deliverNotices(tickets: NoticeTickets, notify: Notify): Promise<void> {
  for (const entry of await tickets.claimNotices()) {
    let outcome: 'sent' | 'failed' | 'retry';
    try {
      outcome = await notify(entry);
    } catch {
      outcome = 'retry';
    }
    await tickets.noticeDone(entry.idempotencyKey, outcome, entry.state === 'done' ? 'number' : 'givenUp');
  }
}

/**
 * Keeps the ticket outbox moving while the service runs: requests the ITSM or APKT could not take
 * (down, timing out) are retried with exponential backoff (or, with a queue, re-queued when Redis
 * lost them), and applicants who were told "recorded, the number follows" get the number once it
 * is filed, exactly once (the notice is claimed in the database before it is sent). Requests that
 * reach the service's maximum of attempts, or that the ITSM refuses, are marked dead by
 * `TicketService` and no longer retried here.
 */
export class OutboxRetrier {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Drains in a row that left requests failing: sets the wait before the next one. */
  private failures = 0;
  private stopped = false;

  constructor(private readonly options: OutboxRetrierOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Runs one round now (tests, and right after a request was queued). */
  kick(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.round();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.round(), ms);
    this.timer.unref();
  }

  private round(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.work().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async work(): Promise<void> {
    const { tickets, log } = this.options;
    let next = this.options.idleDelayMs ?? 30_000;
    try {
      if ((await tickets.pendingCount()) > 0) {
        if (!(await this.requeue())) next = await this.drain(next);
      }
      await deliverNotices(tickets, this.options.notify);
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'ticket outbox round failed');
    } finally {
      this.schedule(next);
    }
  }

  /** Hands the pending keys to the queue; false when there is none or it is unreachable. */
  private async requeue(): Promise<boolean> {
    if (!this.options.requeue) return false;
    try {
      await this.options.requeue(await this.options.tickets.pendingKeys());
      return true;
    } catch (err) {
      this.options.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'ticket outbox: queue unreachable; filing from here');
      return false;
    }
  }

  /** Files what is pending here; returns when to look next. */
  private async drain(idle: number): Promise<number> {
    const { tickets, log } = this.options;
    const result = await tickets.drainPending();
    if (result.failed > 0) {
      const next = backoffDelay(++this.failures, { baseMs: this.options.baseDelayMs, maxMs: this.options.maxDelayMs });
      log.warn({ pending: result.failed, retryInMs: next }, 'ticket outbox: filing still failing; will retry');
      return next;
    }
    this.failures = 0;
    if (result.completed > 0) log.info({ filed: result.completed }, 'ticket outbox: pending requests filed');
    return idle;
  }
}
