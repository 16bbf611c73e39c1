import { afterAll, describe, expect, it } from 'vitest';
import { createOrderedQueue, createSendQueue, safeJobId } from '../../src/storage/redis/outboundQueue.js';
import type { OrderedQueue } from '../../src/storage/redis/queueTypes.js';
import { REDIS_URL, deleteKeys, memoryLog, uniquePrefix, waitFor, warnIfSkipped } from './redisTestEnv.js';

warnIfSkipped('queue dead-letter tests');

class Refused extends Error {}

/** The queue family's dead-letter side: permanent errors, the dead-letter hook, retry, requeue, deterministic ids, unordered mode. */
describe.skipIf(!REDIS_URL)('queue dead letters (BullMQ)', () => {
  const url = REDIS_URL ?? '';
  const prefix = uniquePrefix();
  const queues: Array<OrderedQueue<unknown>> = [];
  const keep = <T>(queue: OrderedQueue<T>) => {
    queues.push(queue as OrderedQueue<unknown>);
    return queue;
  };

  afterAll(async () => {
    await Promise.all(queues.map((queue) => queue.close()));
    await deleteKeys(url, prefix);
  });

  it('dead-letters a permanent error at once, tells the hook first, and retries it with a fresh count', async () => {
    const hooked: Array<{ label: string; attempts: number; error: string }> = [];
    let refuse = true;
    const done: string[] = [];
    const queue = keep(
      createSendQueue({
        connection: url,
        prefix: `${prefix}-perm`,
        shards: 2,
        attempts: 3,
        backoffMs: 50,
        log: memoryLog(),
        isPermanent: (error) => error instanceof Refused,
        onDeadLetter: async (job, error, attempts) => void hooked.push({ label: (job.payload as { label: string }).label, attempts, error: String(error) }),
        process: async (job) => {
          if (refuse) throw new Refused('Graph API 400');
          done.push((job.payload as { label: string }).label);
        },
      }),
    );
    await queue.waitReady();
    const id = await queue.enqueue({ channel: 'whatsapp', userId: 'u1', payload: { label: 'refused' } });
    expect(await queue.outcome(id, 5_000)).toEqual({ state: 'failed', reason: 'Graph API 400' });
    expect(hooked).toEqual([{ label: 'refused', attempts: 1, error: 'Error: Graph API 400' }]);
    const [dead] = await queue.deadLetters();
    expect(dead).toMatchObject({ id, attemptsMade: 1 });
    expect((await queue.counts()).failed).toBe(1);

    refuse = false;
    expect(await queue.retryDeadLetter(id)).toBe(true);
    expect(await queue.outcome(id, 5_000)).toEqual({ state: 'completed' });
    expect(done).toEqual(['refused']);
    expect(await queue.deadLetters()).toEqual([]);
    expect(await queue.retryDeadLetter(id)).toBe(false);
    expect(await queue.retryDeadLetter('nonsense')).toBe(false);
  });

  it('queues a deterministic id once, also after it completed (within the hour)', async () => {
    const done: string[] = [];
    const queue = keep(
      createSendQueue({ connection: url, prefix: `${prefix}-ids`, shards: 2, process: async (job) => void done.push((job.payload as { label: string }).label) }),
    );
    await queue.waitReady();
    const first = await queue.enqueue({ channel: 'whatsapp', userId: 'u2', payload: { label: 'reply-0' } }, { jobId: 'wamid.HBgM:0' });
    await queue.settled([first], 5_000);
    const again = await queue.enqueue({ channel: 'whatsapp', userId: 'u2', payload: { label: 'reply-0 again' } }, { jobId: 'wamid.HBgM:0' });
    expect(again).toBe(first);
    await queue.settled([again], 5_000);
    expect(done).toEqual(['reply-0']);
    expect(safeJobId('wamid.HBgM:0')).toMatch(/^h-[0-9a-f]{40}$/);
    expect(safeJobId('app-0001')).toBe('app-0001');
    expect(safeJobId('42')).not.toBe('42');
  });

  it('unordered: retries in the delayed set without holding others up, dead after the last attempt; requeue puts back what is missing or dead', async () => {
    const tries = new Map<string, number>();
    const deadKeys: string[] = [];
    let failing = new Set(['flaky', 'hopeless']);
    const queue = keep(
      createOrderedQueue<{ key: string }>({
        connection: url,
        prefix: `${prefix}-unordered`,
        name: 'ticket',
        ordered: false,
        orderKeyOf: (job) => job.key,
        attempts: 3,
        backoffMs: 100,
        maxBackoffMs: 150,
        log: memoryLog(),
        onDeadLetter: async (job) => void deadKeys.push(job.key),
        process: async ({ key }) => {
          tries.set(key, (tries.get(key) ?? 0) + 1);
          if (failing.has(key) && !(key === 'flaky' && (tries.get(key) ?? 0) >= 2)) throw new Error(`${key} down`);
        },
      }),
    );
    await queue.waitReady();
    const hopeless = await queue.enqueue({ key: 'hopeless' }, { jobId: 'hopeless' });
    const flaky = await queue.enqueue({ key: 'flaky' }, { jobId: 'flaky' });
    const fine = await queue.enqueue({ key: 'fine' }, { jobId: 'fine', delayMs: 50 });
    // The healthy job is not held up by the others' backoffs.
    expect(await queue.outcome(fine, 1_000)).toEqual({ state: 'completed' });
    expect(await queue.outcome(flaky, 5_000)).toEqual({ state: 'completed' });
    expect(await queue.outcome(hopeless, 5_000)).toEqual({ state: 'failed', reason: 'hopeless down' });
    expect(tries.get('hopeless')).toBe(3);
    expect(deadKeys).toEqual(['hopeless']);

    failing = new Set();
    expect(await queue.requeue({ key: 'hopeless' }, { jobId: 'hopeless' })).toBe('retried');
    expect(await queue.requeue({ key: 'lost' }, { jobId: 'lost' })).toBe('added');
    await waitFor(() => tries.get('hopeless') === 4 && tries.get('lost') === 1, 5_000, 'the requeued jobs');
    expect(await queue.requeue({ key: 'fine' }, { jobId: 'fine' })).toBe('added');
    await waitFor(() => tries.get('fine') === 2, 5_000, 'the completed job queued again');
    expect(await queue.deadLetters()).toEqual([]);
  });
});

