import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/core/backoff.js';

describe('backoffDelay', () => {
  it('doubles from the base up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, { baseMs: 100, maxMs: 1_000 }))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(backoffDelay(0, { baseMs: 100, maxMs: 1_000 })).toBe(100);
    expect(backoffDelay(3, { baseMs: 1_000, maxMs: 60_000, factor: 4 })).toBe(16_000);
    expect(backoffDelay(5_000, { baseMs: 100, maxMs: 1_000, factor: 4 })).toBe(1_000);
  });

  it('with jitter, waits between half the delay and all of it', () => {
    for (let i = 0; i < 100; i++) {
      const wait = backoffDelay(3, { baseMs: 100, maxMs: 1_000, jitter: true });
      expect(wait).toBeGreaterThanOrEqual(200);
      expect(wait).toBeLessThanOrEqual(400);
    }
  });
});
