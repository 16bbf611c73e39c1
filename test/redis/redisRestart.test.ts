import type { ChildProcess } from 'node:child_process';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisHandoffBus } from '../../src/handoff/redisHandoffBus.js';
import type { HandoffEvent } from '../../src/handoff/types.js';
import { RedisHealth, openRedis } from '../../src/storage/redis/connection.js';
import { RedisConversationLock } from '../../src/storage/redis/conversationLock.js';
import { RedisDedupe } from '../../src/storage/redis/dedupe.js';
import { RedisUnavailableError } from '../../src/storage/redis/errors.js';
import { createSendQueue } from '../../src/storage/redis/outboundQueue.js';
import type { OrderedQueue, SendJob } from '../../src/storage/redis/queueTypes.js';
import { freePort } from '../support/serviceChild.js';
import { killRedisServer, startRedisServer } from '../support/throwawayRedis.js';
import { handoffEvent, handoffIds } from './handoffEvents.js';
import { REDIS_URL, memoryLog, waitFor, warnIfSkipped } from './redisTestEnv.js';

warnIfSkipped('Redis restart tests');

/** Time a call that must fail fast; returns the error and how long it took. */
async function timed(call: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - started };
}

describe.skipIf(!REDIS_URL)('a Redis restart (throwaway redis-server, SIGKILL, same port)', () => {
  let port = 0;
  let server: ChildProcess | undefined;
  let url = '';
  const clients: Redis[] = [];
  const healthLog = memoryLog();
  const health = new RedisHealth(healthLog);
  // A connection opened while Redis is down (an instance starting during the outage).
  const lateLog = memoryLog();
  const lateHealth = new RedisHealth(lateLog);
  let late: Redis | undefined;
  const prefix = 'restart:';
  let lock: RedisConversationLock;
  let dedupe: RedisDedupe;
  let busA: RedisHandoffBus;
  let busB: RedisHandoffBus;
  let sendQueue: OrderedQueue<SendJob>;
  const busLog = memoryLog();
  const heardOnB: HandoffEvent[] = [];
  const heardOnA: HandoffEvent[] = [];
  const sent: string[] = [];

  function client(name: string): Redis {
    const opened = openRedis(url, { name, maxReconnectDelayMs: 500 });
    clients.push(opened);
    health.watch(opened, name);
    return opened;
  }

  beforeAll(async () => {
    port = await freePort();
    server = await startRedisServer(port, ['--enable-debug-command', 'yes']);
    url = `redis://127.0.0.1:${port}`;
    const commands = client('commands');
    lock = new RedisConversationLock(commands, { prefix, maxWaitMs: 2_000 });
    dedupe = new RedisDedupe(commands, { prefix });
    busA = new RedisHandoffBus({ publisher: commands, subscriber: client('sub-a'), prefix, log: busLog });
    busB = new RedisHandoffBus({ publisher: client('pub-b'), subscriber: client('sub-b'), prefix });
    busA.subscribe((event) => heardOnA.push(event));
    busB.subscribe((event) => heardOnB.push(event));
    sendQueue = createSendQueue({
      connection: url,
      prefix: 'restart',
      shards: 2,
      process: async (job) => {
        sent.push((job.payload as { text: string }).text);
      },
    });
    await health.waitReady(5_000);
    await sendQueue.waitReady();
    await waitFor(() => busA.subscribed && busB.subscribed, 5_000, 'subscriptions');
  });

  afterAll(async () => {
    await sendQueue?.close();
    await busA?.close();
    await busB?.close();
    health.close();
    lateHealth.close();
    late?.disconnect();
    for (const each of clients) each.disconnect();
    await killRedisServer(server);
  });

  it('works before the restart', async () => {
    await expect(lock.run('c', async () => 'locked')).resolves.toBe('locked');
    expect(await dedupe.claim('wamid.1')).toBe(true);
    busA.publish(handoffEvent(1));
    await waitFor(() => heardOnB.length === 1, 2_000, 'the event on B');
    await sendQueue.enqueue({ channel: 'whatsapp', userId: 'u', payload: { text: 'before' } });
    await waitFor(() => sent.includes('before'), 5_000, 'the send');
  });

  it('fails fast with RedisUnavailableError while Redis is down, and publishing does not throw', async () => {
    // A turn that holds the lock while Redis dies: its release fails quietly.
    let finishHeld = () => {};
    const held = lock.run('held', () => new Promise<void>((resolve) => (finishHeld = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 50));

    // A claim in flight when Redis dies: the server is made to stall (DEBUG SLEEP) so the command
    // is sent but unanswered at the kill.
    const staller = openRedis(url, { name: 'staller', commandTimeoutMs: 10_000 });
    clients.push(staller);
    await waitFor(() => staller.status === 'ready', 2_000, 'the staller connection');
    void staller.call('DEBUG', 'SLEEP', '3').catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const inFlight = timed(() => dedupe.claim('wamid.in-flight'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const killedAt = Date.now();
    await killRedisServer(server);
    const inFlightResult = await inFlight;
    const afterKill = Date.now() - killedAt;
    // Straight after the kill (the client may not have noticed yet) ...
    const lockNow = await timed(() => lock.run('c', async () => 'ran'));
    const claimNow = await timed(() => dedupe.claim('wamid.2'));
    console.log(
      `after SIGKILL: an in-flight claim failed ${afterKill} ms after the kill; lock.run failed in ${lockNow.ms} ms, dedupe.claim in ${claimNow.ms} ms`,
    );
    expect(inFlightResult.error).toBeInstanceOf(RedisUnavailableError);
    expect(afterKill).toBeLessThan(1_000);
    expect(lockNow.error).toBeInstanceOf(RedisUnavailableError);
    expect(claimNow.error).toBeInstanceOf(RedisUnavailableError);
    expect(lockNow.ms).toBeLessThan(1_000);
    expect(claimNow.ms).toBeLessThan(1_000);

    // ... and once it knows: at once.
    await waitFor(() => health.degraded && !health.ready, 2_000, 'health to report degraded');
    for (const call of [() => lock.run('c', async () => 'ran'), () => dedupe.claim('wamid.3'), () => dedupe.release('wamid.1')]) {
      const { error, ms } = await timed(call);
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect(ms).toBeLessThan(100);
    }
    const enqueue = await timed(() => sendQueue.enqueue({ channel: 'whatsapp', userId: 'u', payload: { text: 'lost' } }));
    expect(enqueue.error).toBeInstanceOf(RedisUnavailableError);
    expect(enqueue.ms).toBeLessThan(100);

    // The bus does not throw; this instance's consoles still hear the event, the others cannot.
    expect(() => busA.publish(handoffEvent(2))).not.toThrow();
    expect(handoffIds(heardOnA)).toEqual([1, 2]);
    await waitFor(() => busLog.lines.some((line) => line.level === 'warn'), 1_000, 'the dropped-event warning');

    finishHeld();
    await held;

    late = openRedis(url, { name: 'late', maxReconnectDelayMs: 500 });
    lateHealth.watch(late, 'late');
    await waitFor(() => lateLog.lines.some((line) => line.message === 'redis not reachable yet; degraded until it connects'), 2_000, 'the start-up warning');
    expect(lateHealth.ready).toBe(false);
    expect(healthLog.lines.filter((line) => line.level === 'warn').map((line) => line.message)).toContain(
      'redis connection lost; degraded until it reconnects',
    );
  });

  it('recovers by itself when Redis is back on the same port, with the same objects', async () => {
    server = await startRedisServer(port, ['--enable-debug-command', 'yes']);
    await health.waitReady(10_000);
    await lateHealth.waitReady(5_000);
    expect(await late?.ping()).toBe('PONG');
    expect(healthLog.lines.map((line) => line.message)).toContain('redis connection back');

    await expect(lock.run('c', async () => 'after')).resolves.toBe('after');
    // The restart (no persistence) emptied the set: the store's record of processed messages is the durable check.
    expect(await dedupe.claim('wamid.1')).toBe(true);
    expect(await dedupe.claim('wamid.1')).toBe(false);

    await waitFor(() => busA.subscribed && busB.subscribed, 5_000, 'resubscription');
    busA.publish(handoffEvent(3));
    await waitFor(() => heardOnB.length === 2, 3_000, 'the event on B after the restart');
    expect(handoffIds(heardOnB)).toEqual([1, 3]);
    busB.publish(handoffEvent(4));
    await waitFor(() => heardOnA.some((event) => event.type === 'handoff' && event.handoff.id === 4), 3_000, 'B to A');
    await waitFor(() => busLog.lines.some((line) => line.message === 'handoff events flow across instances again'), 2_000, 'the recovery log');

    await sendQueue.waitReady();
    // The shard queues' order guarantee (global concurrency 1) was wiped with the data and is back.
    expect(await clients[0]?.hget('restart:send-0:meta', 'concurrency')).toBe('1');
    await sendQueue.enqueue({ channel: 'whatsapp', userId: 'u', payload: { text: 'after' } });
    await waitFor(() => sent.includes('after'), 10_000, 'the send after the restart');
    expect(sent).toEqual(['before', 'after']);
  });
});
