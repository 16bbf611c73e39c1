import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisHealth, openRedis } from '../../src/storage/redis/connection.js';
import { RedisDedupe } from '../../src/storage/redis/dedupe.js';
import { REDIS_URL, deleteKeys, uniquePrefix, warnIfSkipped } from './redisTestEnv.js';

warnIfSkipped('redelivery de-duplication tests');

describe.skipIf(!REDIS_URL)('RedisDedupe', () => {
  const url = REDIS_URL ?? '';
  const prefix = `${uniquePrefix()}:`;
  const health = new RedisHealth();
  let one: Redis;
  let two: Redis;

  beforeAll(async () => {
    one = openRedis(url, { name: 'dedupe-1' });
    two = openRedis(url, { name: 'dedupe-2' });
    health.watch(one, 'one').watch(two, 'two');
    await health.waitReady(5_000);
  });

  afterAll(async () => {
    health.close();
    await deleteKeys(url, prefix);
    one.disconnect();
    two.disconnect();
  });

  it('lets exactly one instance claim a message id, remembering it for 8 days by default', async () => {
    const first = new RedisDedupe(one, { prefix });
    const second = new RedisDedupe(two, { prefix });
    const claims = await Promise.all([first.claim('wamid.A'), second.claim('wamid.A'), first.claim('wamid.A'), second.claim('wamid.A')]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const ttl = await one.pttl(`${prefix}dedupe:wamid.A`);
    expect(ttl).toBeGreaterThan(8 * 24 * 3600 * 1000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(8 * 24 * 3600 * 1000);
    expect(await second.claim('wamid.B')).toBe(true);
  });

  it('releases a claim whose turn failed, so the redelivery is processed', async () => {
    const first = new RedisDedupe(one, { prefix });
    const second = new RedisDedupe(two, { prefix });
    expect(await first.claim('wamid.failed')).toBe(true);
    expect(await second.claim('wamid.failed')).toBe(false);
    await first.release('wamid.failed');
    expect(await second.claim('wamid.failed')).toBe(true);
    expect(await first.claim('wamid.failed')).toBe(false);
  });

  it('forgets a message id once it expires', async () => {
    const short = new RedisDedupe(one, { prefix, ttlMs: 200 });
    expect(await short.claim('wamid.old')).toBe(true);
    expect(await short.claim('wamid.old')).toBe(false);
    await sleep(300);
    expect(await short.claim('wamid.old')).toBe(true);
  });

  it('two-phase: a claim never completed (release lost) expires after the pending TTL; a completed one lasts', async () => {
    const dedupe = new RedisDedupe(one, { prefix, pendingTtlMs: 200 });
    expect(await dedupe.claim('wamid.stale')).toBe(true);
    expect(await dedupe.claim('wamid.done')).toBe(true);
    await dedupe.complete('wamid.done');
    await sleep(300);
    expect(await dedupe.claim('wamid.stale')).toBe(true);
    expect(await dedupe.claim('wamid.done')).toBe(false);
    expect(await one.pttl(`${prefix}dedupe:wamid.done`)).toBeGreaterThan(8 * 24 * 3600 * 1000 - 60_000);
  });
});
