import { describe, expect, it } from 'vitest';
import { PixelBudget } from '../../src/media/pixelBudget.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('PixelBudget', () => {
  it('runs small jobs together and holds the rest until their pixels fit, first come first served', async () => {
    const budget = new PixelBudget(10);
    const started: string[] = [];
    let peak = 0;
    const job = (name: string, pixels: number, ms: number) =>
      budget.run(pixels, async () => {
        started.push(name);
        peak = Math.max(peak, budget.pixelsInFlight);
        await new Promise((r) => setTimeout(r, ms));
        return name;
      });
    const done = await Promise.all([job('a', 4, 20), job('b', 4, 20), job('big', 8, 5), job('c', 1, 5)]);
    expect(done).toEqual(['a', 'b', 'big', 'c']);
    // "c" fits beside a and b, but waits behind "big", which waited for a and b.
    expect(started).toEqual(['a', 'b', 'big', 'c']);
    expect(peak).toBeLessThanOrEqual(10);
    expect(budget.pixelsInFlight).toBe(0);
  });

  it('runs a job larger than the budget alone, and gives the pixels back when a job fails', async () => {
    const budget = new PixelBudget(10);
    let alone = true;
    const huge = budget.run(1_000, async () => {
      await tick();
      alone &&= budget.pixelsInFlight === 10;
      throw new Error('corrupt photo');
    });
    const after = budget.run(3, async () => budget.pixelsInFlight);
    await expect(huge).rejects.toThrow('corrupt photo');
    expect(await after).toBe(3);
    expect(alone).toBe(true);
    expect(budget.pixelsInFlight).toBe(0);
  });
});
