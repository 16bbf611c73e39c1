import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisHandoffBus } from '../../src/handoff/redisHandoffBus.js';
import type { HandoffEvent } from '../../src/handoff/types.js';
import { RedisHealth, openRedis } from '../../src/storage/redis/connection.js';
import { handoffEvent, handoffIds } from './handoffEvents.js';
import { REDIS_URL, memoryLog, uniquePrefix, waitFor, warnIfSkipped } from './redisTestEnv.js';

warnIfSkipped('Redis handoff bus tests');

/** Two "instances", each with its own publisher and subscriber connections. */
describe.skipIf(!REDIS_URL)('RedisHandoffBus', () => {
  const url = REDIS_URL ?? '';
  const prefix = `${uniquePrefix()}:`;
  const health = new RedisHealth();
  const clients: Redis[] = [];
  const buses: RedisHandoffBus[] = [];
  const logs = [memoryLog(), memoryLog()];

  function bus(index: number): RedisHandoffBus {
    const publisher = openRedis(url, { name: `bus-pub-${index}` });
    const subscriber = openRedis(url, { name: `bus-sub-${index}` });
    clients.push(publisher, subscriber);
    health.watch(publisher, `pub-${index}`).watch(subscriber, `sub-${index}`);
    const created = new RedisHandoffBus({ publisher, subscriber, prefix, log: logs[index] });
    buses.push(created);
    return created;
  }

  // Connections are opened in beforeAll: a skipped describe still runs its body.
  let one: RedisHandoffBus;
  let two: RedisHandoffBus;

  beforeAll(async () => {
    one = bus(0);
    two = bus(1);
    await health.waitReady(5_000);
    await waitFor(() => one.subscribed && two.subscribed, 5_000, 'both buses to subscribe');
  });

  afterAll(async () => {
    for (const each of buses) await each.close();
    health.close();
    for (const client of clients) client.disconnect();
  });

  it('delivers an event published on one instance to the listeners of the other, and locally once', async () => {
    const onOne: HandoffEvent[] = [];
    const onTwo: HandoffEvent[] = [];
    const offOne = one.subscribe((event) => onOne.push(event));
    const offTwo = two.subscribe((event) => onTwo.push(event));
    one.publish(handoffEvent(1));
    two.publish(handoffEvent(2));
    await waitFor(() => onOne.length >= 2 && onTwo.length >= 2, 2_000, 'both events on both instances');
    await new Promise((resolve) => setTimeout(resolve, 100));
    // No duplicate from an instance's own message coming back through Redis.
    expect(handoffIds(onOne)).toEqual([1, 2]);
    expect(handoffIds(onTwo)).toEqual([1, 2]);
    expect(onTwo.find((event) => event.type === 'handoff' && event.handoff.id === 1)).toEqual(handoffEvent(1));
    offOne();
    offTwo();
    one.publish(handoffEvent(3));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(onOne).toHaveLength(2);
    expect(onTwo).toHaveLength(2);
  });

  it('ignores garbage on the channel', async () => {
    const got: HandoffEvent[] = [];
    const off = two.subscribe((event) => got.push(event));
    const raw = clients[0] as Redis;
    await raw.publish(one.channel, 'not json');
    await raw.publish(one.channel, JSON.stringify({ from: 'elsewhere', event: { type: 'nope' } }));
    one.publish(handoffEvent(4));
    await waitFor(() => got.length === 1, 2_000, 'the valid event');
    off();
    expect(logs[1]?.lines.map((line) => line.message)).toEqual(
      expect.arrayContaining(['ignoring a handoff bus message that is not JSON', 'ignoring a handoff bus message of unknown shape']),
    );
  });
});
