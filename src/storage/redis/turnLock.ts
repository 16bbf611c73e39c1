import { RedisUnavailableError } from './errors.js';
import { KeyedQueue } from '../../core/keyedQueue.js';

/** Runs one conversation's turns one at a time (see DialogEngine). */
export interface TurnLock {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

/**
 * The cross-instance lock (Redis) with a clear degraded mode: while Redis is unreachable, turns
 * are still served, ordered within this instance only, and the outage is logged once. Two
 * instances could then interleave one conversation's turns; the conversation store still refuses
 * to process one message twice. When Redis is back, the lock is used again by itself.
 */
export class DegradingTurnLock implements TurnLock {
  private readonly local = new KeyedQueue();
  private degradedSince: number | null = null;

  constructor(
    private readonly primary: TurnLock,
    private readonly log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void },
    /** Whether Redis is reachable now: a turn that took the lock just before an outage is no sign of recovery. */
    private readonly isUp: () => boolean = () => true,
  ) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let started = false;
    try {
      const result = await this.primary.run(key, () => {
        started = true;
        return task();
      });
      this.recovered();
      return result;
    } catch (err) {
      if (started || !(err instanceof RedisUnavailableError)) throw err;
      if (this.degradedSince === null) {
        this.degradedSince = Date.now();
        this.log.warn({ err: err.message }, 'redis unavailable: conversation turns are ordered per instance only until it is back');
      }
      return this.local.run(key, task);
    }
  }

  get degraded(): boolean {
    return this.degradedSince !== null;
  }

  private recovered(): void {
    if (this.degradedSince === null || !this.isUp()) return;
    this.log.info({ degradedMs: Date.now() - this.degradedSince }, 'redis is back: conversation turns are locked across instances again');
    this.degradedSince = null;
  }
}
