import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConversationLock } from '../../src/storage/redis/conversationLock.js';
import { RedisHealth, openRedis } from '../../src/storage/redis/connection.js';
import { LockTimeoutError } from '../../src/storage/redis/errors.js';
import { REDIS_URL, deleteKeys, memoryLog, uniquePrefix, waitFor, warnIfSkipped } from './redisTestEnv.js';

warnIfSkipped('conversation lock tests');

/** Two "instances": each has its own connection and its own lock object, as two processes would. */
describe.skipIf(!REDIS_URL)('RedisConversationLock', () => {
  const url = REDIS_URL ?? '';
  const prefix = `${uniquePrefix()}:`;
  const clients: Redis[] = [];
  const health = new RedisHealth();

  function instance(name: string, options: { ttlMs?: number; maxWaitMs?: number } = {}) {
    const client = openRedis(url, { name });
    clients.push(client);
    health.watch(client, name);
    const log = memoryLog();
    return { client, log, lock: new RedisConversationLock(client, { prefix, log, ...options }) };
  }

  // Connections are opened in beforeAll: a skipped describe still runs its body.
  let a: ReturnType<typeof instance>;
  let b: ReturnType<typeof instance>;

  beforeAll(async () => {
    a = instance('lock-a');
    b = instance('lock-b');
    await health.waitReady(5_000);
  });

  afterAll(async () => {
    health.close();
    await deleteKeys(url, prefix);
    for (const client of clients) client.disconnect();
  });

  it('runs the turns of one conversation one at a time across two instances, all of them', async () => {
    let running = 0;
    let overlaps = 0;
    const ran: string[] = [];
    const turn = (label: string) => async () => {
      running += 1;
      if (running > 1) overlaps += 1;
      await sleep(5 + Math.random() * 15);
      ran.push(label);
      running -= 1;
      return label;
    };
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? a : b).lock.run('whatsapp:628111', turn(`t${i}`))),
    );
    expect(overlaps).toBe(0);
    expect(results).toEqual(Array.from({ length: 24 }, (_, i) => `t${i}`));
    expect([...ran].sort()).toEqual([...results].sort());
    // Each instance keeps its own turns in arrival order.
    const order = (parity: number) => ran.filter((label) => Number(label.slice(1)) % 2 === parity);
    const numeric = (labels: string[]) => labels.map((label) => Number(label.slice(1)));
    expect(numeric(order(0))).toEqual([...numeric(order(0))].sort((x, y) => x - y));
    expect(numeric(order(1))).toEqual([...numeric(order(1))].sort((x, y) => x - y));
    expect(await a.client.exists(`${prefix}lock:whatsapp:628111`)).toBe(0);
  });

  it('lets different conversations run at the same time', async () => {
    let running = 0;
    let peak = 0;
    const turn = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(100);
      running -= 1;
    };
    await Promise.all([a.lock.run('c1', turn), b.lock.run('c2', turn)]);
    expect(peak).toBe(2);
  });

  it('propagates the work error and still releases the lock', async () => {
    await expect(a.lock.run('fails', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(b.lock.run('fails', async () => 'next')).resolves.toBe('next');
  });

  it('gives up with LockTimeoutError after the bounded wait', async () => {
    const quick = instance('lock-quick', { maxWaitMs: 200 });
    await health.waitReady(5_000);
    let release = () => {};
    const held = a.lock.run('busy', () => new Promise<void>((resolve) => (release = resolve)));
    await sleep(50);
    const started = Date.now();
    const error = await quick.lock.run('busy', async () => 'never').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(1_000);
    release();
    await held;
  });

  it('keeps a lock alive past its TTL while the work runs (watchdog)', async () => {
    const short = instance('lock-short', { ttlMs: 300 });
    const waiter = instance('lock-waiter', { maxWaitMs: 600 });
    await health.waitReady(5_000);
    let aborted = false;
    const held = short.lock.run('long', async (signal) => {
      await sleep(1_000);
      aborted = signal.aborted;
    });
    await sleep(50);
    await expect(waiter.lock.run('long', async () => 'stole it')).rejects.toBeInstanceOf(LockTimeoutError);
    await held;
    expect(aborted).toBe(false);
  });

  it('frees the lock of a holder that died without releasing it once the TTL runs out', async () => {
    const doomed = instance('lock-doomed', { ttlMs: 500 });
    const survivor = instance('lock-survivor', { maxWaitMs: 3_000 });
    await health.waitReady(5_000);
    let finish = () => {};
    let lostSignal: AbortSignal | undefined;
    const dying = doomed.lock.run('orphan', (signal) => {
      lostSignal = signal;
      return new Promise<void>((resolve) => (finish = resolve));
    });
    await sleep(50);
    expect(await a.client.exists(`${prefix}lock:orphan`)).toBe(1);
    // The holder's connection goes away (process killed): no release, no more extensions.
    doomed.client.disconnect();
    const started = Date.now();
    await expect(survivor.lock.run('orphan', async () => 'taken over')).resolves.toBe('taken over');
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(2_000);
    // The old holder learns that its lock is gone.
    await waitFor(() => lostSignal?.aborted === true, 1_000, 'the dead holder to see its lock lost');
    finish();
    await dying;
    expect(doomed.log.lines.map((line) => line.message)).toContain("could not release a conversation lock; it expires by itself");
  });
});
