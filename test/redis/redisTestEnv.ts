import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis the tests use; they are skipped (visibly) when it is not configured. */
export const REDIS_URL = process.env.REDIS_URL;

export function warnIfSkipped(what: string): void {
  if (!REDIS_URL) console.warn(`SKIPPED: ${what} need a Redis server; REDIS_URL is not set (e.g. REDIS_URL=redis://127.0.0.1:6379)`);
}

/** A random prefix per test file, so files running in parallel never share a key. */
export function uniquePrefix(): string {
  return `test-${randomBytes(5).toString('hex')}`;
}

/** Deletes every key under the prefix (with SCAN, never KEYS or FLUSHDB: the Redis is shared). */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  fields: unknown;
  message: unknown;
}

/** A logger that keeps what it is given, for assertions (and stays quiet). */
export function memoryLog(): { lines: LogLine[]; info: (...args: unknown[]) => void; warn: (...args: unknown[]) => void; error: (...args: unknown[]) => void } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (fields: unknown, message?: unknown) => {
    lines.push({ level, fields, message });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}
