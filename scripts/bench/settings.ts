/** An integer setting of the benchmarks from the environment, `fallback` when unset; out of range is an error. */
export function intSetting(name: string, fallback: number, min: number, max: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}`);
  return value;
}

/** BENCH_LEVELS: the concurrent-conversation levels, comma-separated. */
export function levelsSetting(fallback: string): number[] {
  const levels = (process.env.BENCH_LEVELS ?? fallback).split(',').map((s) => Number(s.trim()));
  if (levels.length === 0 || levels.some((n) => !Number.isInteger(n) || n < 1 || n > 512)) throw new Error('BENCH_LEVELS must be a comma-separated list of integers from 1 to 512');
  return levels;
}
