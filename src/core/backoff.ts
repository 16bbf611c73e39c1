export interface Backoff {
  /** The wait before the first retry. */
  baseMs: number;
  /** The longest wait. */
  maxMs: number;
  /** Growth from one retry to the next (default 2). */
  factor?: number;
  /** Draw the wait from its upper half, so many clients failing together do not retry in lockstep. */
  jitter?: boolean;
}

/** The wait before retry `n` (1 = the first): `baseMs · factor^(n-1)`, capped at `maxMs`. */
export function backoffDelay(n: number, { baseMs, maxMs, factor = 2, jitter = false }: Backoff): number {
  const capped = Math.min(maxMs, baseMs * factor ** Math.max(0, n - 1));
  return jitter ? capped / 2 + Math.random() * (capped / 2) : capped;
}
