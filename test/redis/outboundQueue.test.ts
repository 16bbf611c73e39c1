import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createSendQueue } from '../../src/storage/redis/outboundQueue.js';
import type { OrderedQueue, SendJob } from '../../src/storage/redis/queueTypes.js';
import { REDIS_URL, deleteKeys, memoryLog, uniquePrefix, waitFor, warnIfSkipped } from './redisTestEnv.js';

warnIfSkipped('outbound send queue tests');

interface Sent {
  instance: string;
  userId: string;
  seq: number;
  start: number;
  end: number;
}

describe.skipIf(!REDIS_URL)('send queue (BullMQ)', () => {
  const url = REDIS_URL ?? '';
  const prefix = uniquePrefix();
  const queues: Array<OrderedQueue<SendJob>> = [];

  afterAll(async () => {
    await Promise.all(queues.map((queue) => queue.close()));
    await deleteKeys(url, prefix);
  });

  it('keeps each user\'s sends in order with two instances enqueueing and working concurrently', async () => {
    const sent: Sent[] = [];
    const instance = (name: string) => {
      const queue = createSendQueue({
        connection: url,
        prefix: `${prefix}-order`,
        shards: 4,
        attempts: 1,
        process: async (job) => {
          const start = Date.now();
          await sleep(Math.random() * 8);
          sent.push({ instance: name, userId: job.userId, seq: (job.payload as { seq: number }).seq, start, end: Date.now() });
        },
      });
      queues.push(queue);
      return queue;
    };
    const a = instance('a');
    const b = instance('b');
    await Promise.all([a.waitReady(), b.waitReady()]);
    const users = Array.from({ length: 6 }, (_, i) => `62812000${i}`);
    const perUser = 15;
    // Per user the enqueues are sequential (as the conversation lock makes them), alternating
    // between the two instances; the users run in parallel.
    await Promise.all(
      users.map(async (userId) => {
        for (let seq = 0; seq < perUser; seq += 1) {
          await (seq % 2 === 0 ? a : b).enqueue({ channel: 'whatsapp', userId, payload: { seq } }, { orderKey: `whatsapp:${userId}` });
        }
      }),
    );
    await waitFor(() => sent.length === users.length * perUser, 15_000, 'all sends');
    for (const userId of users) {
      const mine = sent.filter((each) => each.userId === userId);
      expect(mine.map((each) => each.seq)).toEqual(Array.from({ length: perUser }, (_, i) => i));
      // One at a time per user: each send starts after the previous one ended.
      for (let i = 1; i < mine.length; i += 1) expect(mine[i]!.start).toBeGreaterThanOrEqual(mine[i - 1]!.end);
    }
    // (Without the shard queues' global concurrency of 1, the idle instance takes a user's next
    // send while the other is still busy with the previous one, and the checks above fail.)
    expect(await a.deadLetters()).toEqual([]);
  });

  it('retries a failing send with backoff, holding the user\'s later sends, then dead-letters one that keeps failing', async () => {
    const log = memoryLog();
    const tries = new Map<string, number[]>();
    const done: string[] = [];
    const queue = createSendQueue({
      connection: url,
      prefix: `${prefix}-retry`,
      shards: 2,
      attempts: 3,
      backoffMs: 100,
      log,
      process: async (job) => {
        const { label } = job.payload as { label: string };
        const times = tries.get(label) ?? [];
        times.push(Date.now());
        tries.set(label, times);
        if (label === 'flaky' && times.length < 3) throw new Error('Graph API 503');
        if (label === 'broken') throw new Error('Graph API 400: invalid recipient');
        done.push(label);
      },
    });
    queues.push(queue);
    await queue.waitReady();
    await queue.enqueue({ channel: 'whatsapp', userId: 'u1', payload: { label: 'flaky' } });
    await queue.enqueue({ channel: 'whatsapp', userId: 'u1', payload: { label: 'after-flaky' } });
    await queue.enqueue({ channel: 'messenger', userId: 'u2', payload: { label: 'broken' } });
    await queue.enqueue({ channel: 'messenger', userId: 'u2', payload: { label: 'after-broken' } });
    await waitFor(() => done.includes('after-flaky') && done.includes('after-broken'), 10_000, 'the later sends');

    expect(done.indexOf('flaky')).toBeLessThan(done.indexOf('after-flaky'));
    const flaky = tries.get('flaky') ?? [];
    expect(flaky).toHaveLength(3);
    // Exponential backoff: 100 ms, then 200 ms (timer slack allowed below, never above much).
    expect(flaky[1]! - flaky[0]!).toBeGreaterThanOrEqual(95);
    expect(flaky[2]! - flaky[1]!).toBeGreaterThanOrEqual(195);
    // The later send of the same user waited for the retries.
    expect(tries.get('after-flaky')![0]!).toBeGreaterThan(flaky[2]!);
    expect(tries.get('broken')).toHaveLength(3);
    expect(tries.get('after-broken')![0]!).toBeGreaterThan(tries.get('broken')![2]!);

    await waitFor(() => log.lines.some((line) => line.level === 'error'), 2_000, 'the dead-letter log line');
    const dead = await queue.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      data: { channel: 'messenger', userId: 'u2', payload: { label: 'broken' } },
      failedReason: 'Graph API 400: invalid recipient',
      attemptsMade: 3,
    });
    expect(dead[0]?.id).toMatch(/^send-\d+:\d+$/);
  });

  it('hands a job waiting out its backoff back to the queue on shutdown; another instance finishes it', async () => {
    const shared = { connection: url, prefix: `${prefix}-handover`, shards: 1, attempts: 3, backoffMs: 5_000 };
    let firstTries = 0;
    const first = createSendQueue({
      ...shared,
      process: async () => {
        firstTries += 1;
        throw new Error('Graph API timeout');
      },
    });
    await first.waitReady();
    await first.enqueue({ channel: 'whatsapp', userId: 'u3', payload: { label: 'handover' } });
    await first.enqueue({ channel: 'whatsapp', userId: 'u3', payload: { label: 'next' } });
    await waitFor(() => firstTries === 1, 5_000, 'the first attempt');
    const closing = Date.now();
    await first.close();
    expect(Date.now() - closing).toBeLessThan(2_000);

    const finished: string[] = [];
    const second = createSendQueue({
      ...shared,
      process: async (job) => {
        finished.push((job.payload as { label: string }).label);
      },
    });
    queues.push(second);
    await second.waitReady();
    await waitFor(() => finished.length === 2, 5_000, 'both sends on the second instance');
    // Still in order: the job put back went to the head of the queue.
    expect(finished).toEqual(['handover', 'next']);
    expect(await second.deadLetters()).toEqual([]);
  });
});
