import type { OutboxEntry, TicketService } from './ticketService.js';

export interface OutboxRetrierOptions {
  tickets: Pick<TicketService, 'drainPending' | 'claimNotices' | 'noticeDone' | 'pendingCount'>;
  /** Sends an applicant the number of a request filed after they were told it was recorded; true when it reached them. */
  notify: (entry: OutboxEntry) => Promise<'sent' | 'failed' | 'retry'>;
  /** First wait after a failed drain; doubles up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How often to look when nothing is pending. */
  idleDelayMs?: number;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

/**
 * Keeps the ticket outbox moving while the service runs: requests the ITSM or APKT could not take
 * (down, timing out) are retried with exponential backoff, and applicants who were told "recorded,
 * the number follows" get the number once it is filed, exactly once (the notice is claimed in the
 * database before it is sent).
 */
export class OutboxRetrier {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private delay: number;
  private stopped = false;

  constructor(private readonly options: OutboxRetrierOptions) {
    this.delay = options.baseDelayMs;
  }

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
        const result = await tickets.drainPending();
        if (result.failed > 0) {
          next = this.delay;
          this.delay = Math.min(this.delay * 2, this.options.maxDelayMs);
          log.warn({ pending: result.failed, retryInMs: next }, 'ticket outbox: filing still failing; will retry');
        } else {
          this.delay = this.options.baseDelayMs;
          if (result.completed > 0) log.info({ filed: result.completed }, 'ticket outbox: pending requests filed');
        }
      }
      for (const entry of await tickets.claimNotices()) {
        let outcome: 'sent' | 'failed' | 'retry';
        try {
          outcome = await this.options.notify(entry);
        } catch {
          outcome = 'retry';
        }
        await tickets.noticeDone(entry.idempotencyKey, outcome);
      }
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'ticket outbox round failed');
    } finally {
      this.schedule(next);
    }
  }
}
