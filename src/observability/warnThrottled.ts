import type { Clock } from '../core/clock.js';

/** What `warnThrottled` writes with: the logger's `warn`, and a clock for tests. */
export interface ThrottleOptions {
  /** At most one line per key in this many milliseconds (default one minute). */
  intervalMs?: number;
  now?: Clock;
}

/**
 * A warning that anyone on the internet can cause (an unsigned webhook, a refused handshake) is
 * written at most once per key and interval; the next line says how many were left out since
 * (`suppressed`). Without it, a client sending thousands of bad requests a second floods the log
 * and buries what matters. Keys are a handful of fixed strings (channel and event), so the map
 * stays small; it is written here because pino has no sampling of its own.
 *
 * @example
 *   const warn = warnThrottled(log);
 *   warn(`whatsapp:signature`, { channel: 'whatsapp' }, 'webhook signature missing or wrong');
 */
export function warnThrottled(log: { warn(fields: object, message: string): void }, options: ThrottleOptions = {}): (key: string, fields: object, message: string) => void {
  const intervalMs = options.intervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  const keys = new Map<string, { lastAt: number; suppressed: number }>();
  return (key, fields, message) => {
    const at = now();
    const seen = keys.get(key);
    if (seen && at - seen.lastAt < intervalMs) {
      seen.suppressed++;
      return;
    }
    log.warn({ ...fields, ...(seen?.suppressed ? { suppressed: seen.suppressed } : {}) }, message);
    keys.set(key, { lastAt: at, suppressed: 0 });
  };
}
