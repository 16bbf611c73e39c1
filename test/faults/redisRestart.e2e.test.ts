import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createService, type Service } from '../../src/service.js';
import { createTestSchema, DATABASE_URL, type TestSchema } from '../storage/pgTestSchema.js';
import { waitFor } from '../redis/redisTestEnv.js';
import { describeMismatch, ITSM_NUMBER, postWhatsApp, repliesOf, STEPS, stepWebhook, waitForSends, type ExpectedReply } from '../support/applicationScript.js';
import type { FakeGraph } from '../support/fakeGraph.js';
import { metaEnv, startFakeGraph, tempDataDir } from '../support/metaService.js';
import { productJpeg } from '../support/photos.js';
import { freePort } from '../support/serviceChild.js';
import { killRedisServer, startRedisServer } from '../support/throwawayRedis.js';

/**
 * Redis dies (SIGKILL) under two in-process instances that share PostgreSQL and a throwaway
 * redis-server on a free port (the shared Redis at REDIS_URL is not used, not even for keys),
 * while seller applications are in flight, and comes back on the same port, empty.
 *
 * Observed and checked:
 * - During the outage the instances keep serving (degraded mode: a conversation's turns are
 *   ordered per instance only): every webhook is answered 200, applications in flight and new
 *   ones complete, no turn fails, nothing crashes.
 * - `/readyz` stays 200 on both instances during the outage (the instance still serves; taking
 *   every instance out of the load balancer would be worse) and says `"redis":"degraded"`; in the logs: one "connection lost" warning per Redis connection and one "ordered per instance only"
 *   warning per instance, not one per turn. Known flaw, counted and printed rather than failed: a
 *   turn that took the lock before the kill and finishes after it (its release fails, logged)
 *   makes `DegradingTurnLock` log "redis is back ..." although Redis is still down, and the next
 *   turn logs the "ordered per instance only" warning again. Turns are not affected.
 * - When redis-server is back on the same port the clients reconnect by themselves ("redis
 *   connection back"), and the next turn uses the cross-instance lock again ("redis is back ..."):
 *   a turn waits while its conversation's lock key is held in Redis, as it did before the outage
 *   and unlike during it.
 * - Every conversation ends with exactly one ITSM ticket.
 */

const REDIS_URL = process.env.REDIS_URL;
const ready = Boolean(DATABASE_URL && REDIS_URL);
if (!ready) console.warn('SKIPPED: Redis restart fault test: DATABASE_URL and REDIS_URL must both be set (it runs its own redis-server; REDIS_URL only says Redis tests are wanted)');

type LogLine = Record<string, unknown> & { msg?: string; level?: number; redis?: string };

interface Instance {
  service: Service;
  url: string;
  logs: LogLine[];
}

interface Applicant {
  id: string;
  expected: ExpectedReply[];
  /**
   * Under way when redis-server is killed: a reply queued just before may be lost with Redis and
   * is then sent inline by the service, at least once; one delivered just before the kill but not
   * yet seen as delivered may so come twice. Its replies are checked for order and loss, each
   * counted once.
   */
  atLeastOnce?: boolean;
}

/** Each text once, at its first place. */
const firstSeen = (texts: string[]): string[] => texts.filter((text, i) => texts.indexOf(text) === i);

const LOCK_DEGRADED = 'redis unavailable: conversation turns are ordered per instance only until it is back';
const LOCK_BACK = 'redis is back: conversation turns are locked across instances again';
const RELEASE_FAILED = 'could not release a conversation lock; it expires by itself';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let graph: FakeGraph;
let schema: TestSchema;
let redisServer: ChildProcess | undefined;
let redisPort = 0;
let prefix = '';
let photo: Buffer;
const instances: Instance[] = [];
const dataDirs: string[] = [];

async function startInstance(env: Record<string, string | undefined>): Promise<Instance> {
  const logs: LogLine[] = [];
  const log = pino({ level: 'info', base: undefined }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  const service = createService(loadConfig(env), log);
  const port = await service.start();
  return { service, url: `http://127.0.0.1:${port}`, logs };
}

const count = (instance: Instance, msg: string, redis?: string) => instance.logs.filter((l) => l.msg === msg && (redis === undefined || l.redis === redis)).length;

async function metric(instance: Instance, pattern: RegExp): Promise<number> {
  return Number(pattern.exec(await instance.service.metrics.scrape())?.[1] ?? 0);
}

async function readyz(instance: Instance): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${instance.url}/readyz`);
  return { status: res.status, body: (await res.json()) as unknown };
}

describe.skipIf(!ready)('Redis killed and restarted under two instances', () => {
  beforeAll(async () => {
    graph = await startFakeGraph();
    photo = await productJpeg(640, 480);
    schema = await createTestSchema(DATABASE_URL!, { migrated: true });
    redisPort = await freePort();
    redisServer = await startRedisServer(redisPort);
    prefix = `test-${crypto.randomBytes(4).toString('hex')}:`;
    const url = `${DATABASE_URL}${DATABASE_URL!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema.name}`)}`;
    for (let i = 0; i < 2; i++) {
      const dir = tempDataDir();
      dataDirs.push(dir);
      instances.push(await startInstance(metaEnv(graph.url, dir, { DATABASE_URL: url, REDIS_URL: `redis://127.0.0.1:${redisPort}`, REDIS_PREFIX: prefix })));
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.service.stop()));
    await killRedisServer(redisServer);
    await schema?.drop();
    await graph?.close();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  let next = 0;
  const applicant = (): Applicant => ({ id: `62857${process.pid % 1000}${String(next++).padStart(5, '0')}`, expected: [] });

  /** One step on the given instance, waiting for its replies. */
  async function step(a: Applicant, n: number, target: Instance): Promise<void> {
    const res = await postWhatsApp(target.url, stepWebhook(graph, a.id, n, photo));
    expect(res.status, `${a.id}: webhook of step ${n}`).toBe(200);
    a.expected.push(...repliesOf(n, n + 1));
    if (a.atLeastOnce) await waitFor(() => firstSeen(graph.textsTo(a.id)).length >= a.expected.length, 20_000, `${a.id}: the replies to step ${n}`);
    else await waitForSends(graph, a.id, a.expected.length);
    const received = a.atLeastOnce ? firstSeen(graph.textsTo(a.id)) : graph.textsTo(a.id);
    expect(describeMismatch(received, a.expected), `${a.id} after step ${n}`).toBeNull();
  }

  /** The rest of an application from step `from`, each message to the other instance than the one before. */
  async function complete(a: Applicant, from = 0, pauseMs = 0): Promise<void> {
    for (let n = from; n < STEPS.length; n++) {
      await step(a, n, instances[n % 2]!);
      if (pauseMs) await sleep(pauseMs);
    }
  }

  /**
   * Whether turns use the Redis lock: the conversation's lock key is taken in Redis by someone
   * else, step 0 is posted to `target`, and the reply must wait until the key is deleted.
   */
  async function waitsForHeldLock(a: Applicant, target: Instance): Promise<void> {
    const client = new Redis(`redis://127.0.0.1:${redisPort}`, { maxRetriesPerRequest: 1 });
    try {
      const key = `${prefix}lock:whatsapp:${a.id}`;
      expect(await client.set(key, 'held-by-the-test', 'PX', 8_000, 'NX')).toBe('OK');
      const res = await postWhatsApp(target.url, stepWebhook(graph, a.id, 0, photo));
      expect(res.status).toBe(200);
      await sleep(600);
      expect(graph.sendsTo(a.id), 'no reply while the lock is held').toHaveLength(0);
      await client.del(key);
      a.expected.push(...repliesOf(0, 1));
      await waitForSends(graph, a.id, a.expected.length, 5_000);
      expect(describeMismatch(graph.textsTo(a.id), a.expected)).toBeNull();
    } finally {
      client.disconnect();
    }
  }

  it('keeps completing applications while Redis is down, recovers when it is back, one ticket per conversation', async () => {
    const all: Applicant[] = [];
    const fresh = () => {
      const a = applicant();
      all.push(a);
      return a;
    };

    // ---- Redis up: the lock is in use on both instances ---------------------------------------
    const probeA = fresh();
    const probeB = fresh();
    await waitsForHeldLock(probeA, instances[0]!);
    await waitsForHeldLock(probeB, instances[1]!);

    // ---- applications in flight, then SIGKILL of redis-server -------------------------------
    const inFlight = Array.from({ length: 6 }, () => fresh());
    for (const a of [...inFlight, probeA, probeB]) a.atLeastOnce = true;
    const running = Promise.all([...inFlight.map((a) => complete(a, 0, 40)), complete(probeA, 1, 40), complete(probeB, 1, 40)]);
    await waitFor(() => inFlight.every((a) => graph.sendsTo(a.id).length >= 4), 20_000, 'the applications to be under way');
    const killedAt = Date.now();
    await killRedisServer(redisServer);
    redisServer = undefined;

    // Degraded, not down: /readyz, /healthz and the logs during the outage.
    for (const instance of instances) {
      // The lock's and the bus's connections (the queues' own connections are counted apart below).
      await waitFor(() => ['lock', 'bus-pub', 'bus-sub'].every((c) => count(instance, 'redis connection lost; degraded until it reconnects', c) === 1), 5_000, 'the outage to be noticed');
    }
    const duringOutage = await Promise.all(instances.map(readyz));
    const health = await Promise.all(instances.map(async (i) => (await fetch(`${i.url}/healthz`)).status));
    console.log(`/readyz during the Redis outage: ${duringOutage.map((r, i) => `instance ${i}: ${r.status} ${JSON.stringify(r.body)}`).join('; ')}; /healthz: ${health.join(', ')}`);
    for (const r of duringOutage) expect(r).toEqual({ status: 200, body: { status: 'ready', redis: 'degraded' } });
    expect(health).toEqual([200, 200]);

    await running;
    const inFlightDoneAt = Date.now();
    // New applications during the outage, both instances taking turns.
    const duringApplicants = Array.from({ length: 4 }, () => fresh());
    await Promise.all(duringApplicants.map((a) => complete(a)));
    const outageMs = Date.now() - killedAt;

    // What the logs say about the outage: one warning per connection, not one per turn; the lock's
    // "ordered per instance only" warning once, plus once more after each false "redis is back"
    // (see the header: a turn that took the lock before the kill and finished after it).
    const falseBack = instances.map((i) => count(i, LOCK_BACK));
    const releaseFailed = instances.map((i) => count(i, RELEASE_FAILED));
    for (const [i, instance] of instances.entries()) {
      for (const connection of ['lock', 'bus-pub', 'bus-sub']) {
        expect(count(instance, 'redis connection lost; degraded until it reconnects', connection), `instance ${i}, ${connection}`).toBe(1);
      }
      expect(count(instance, 'redis connection back'), `instance ${i}`).toBe(0);
      expect(falseBack[i], `instance ${i}: "redis is back" during the outage`).toBeLessThanOrEqual(releaseFailed[i]!);
      expect(count(instance, LOCK_DEGRADED), `instance ${i}`).toBe(1 + falseBack[i]!);
      expect(count(instance, 'turn failed'), `instance ${i}`).toBe(0);
      expect(count(instance, 'message processing failed'), `instance ${i}`).toBe(0);
    }

    // ---- redis-server back on the same port (empty: no persistence) ------------------------
    redisServer = await startRedisServer(redisPort);
    const restartedAt = Date.now();
    for (const instance of instances) {
      await waitFor(() => ['lock', 'bus-pub', 'bus-sub'].every((c) => count(instance, 'redis connection back', c) === 1), 10_000, 'the connections to come back');
    }
    const reconnectMs = Date.now() - restartedAt;
    // The lock is used again on both instances: a turn waits while its lock key is held.
    const probeC = fresh();
    const probeD = fresh();
    await waitsForHeldLock(probeC, instances[0]!);
    await waitsForHeldLock(probeD, instances[1]!);
    for (const [i, instance] of instances.entries()) expect(count(instance, LOCK_BACK), `instance ${i}`).toBe(falseBack[i]! + 1);

    // New applications (and the probes') complete after the recovery.
    const afterApplicants = Array.from({ length: 4 }, () => fresh());
    await Promise.all([...afterApplicants.map((a) => complete(a)), complete(probeC, 1), complete(probeD, 1)]);
    for (const r of await Promise.all(instances.map(readyz))) expect(r).toEqual({ status: 200, body: { status: 'ready', redis: 'ready' } });

    // ---- one ticket per conversation, no failed turn, every webhook answered 200 ---------------
    const pool = schema.pool({ max: 1 });
    const tickets = await pool.query<{ conversation_id: string; n: number; numbers: string[] }>(
      'SELECT conversation_id, COUNT(*)::int AS n, array_agg(number) AS numbers FROM itsm_tickets GROUP BY conversation_id',
    );
    expect(tickets.rows).toHaveLength(all.length);
    let sentTwice = 0;
    for (const a of all) {
      const row = tickets.rows.find((r) => r.conversation_id === a.id);
      expect(row?.n, `${a.id}: tickets`).toBe(1);
      const texts = graph.textsTo(a.id);
      const announced = (a.atLeastOnce ? firstSeen(texts) : texts).filter((text) => ITSM_NUMBER.test(text));
      expect(announced).toHaveLength(1);
      if (a.atLeastOnce) sentTwice += texts.length - firstSeen(texts).length;
      else expect(firstSeen(texts), `${a.id}: a reply sent twice`).toHaveLength(texts.length);
      expect(ITSM_NUMBER.exec(announced[0]!)?.[0]).toBe(row?.numbers[0]);
    }
    expect((await pool.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM apkt_records')).rows[0]?.n).toBe(all.length);
    let replied = 0;
    for (const instance of instances) {
      expect(await metric(instance, /^pln_turns_total\{channel="whatsapp",outcome="failed"\} (\d+)$/m)).toBe(0);
      replied += await metric(instance, /^pln_turns_total\{channel="whatsapp",outcome="replied"\} (\d+)$/m);
      const text = await instance.service.metrics.scrape();
      const non200 = [...text.matchAll(/^pln_webhooks_total\{channel="whatsapp",status="(\d+)"\} (\d+)$/gm)].filter((m) => m[1] !== '200' && Number(m[2]) > 0);
      expect(non200).toEqual([]);
    }
    expect(replied).toBe(all.length * STEPS.length);
    console.log(
      `Redis outage: ${outageMs} ms; applications in flight at the kill finished ${inFlightDoneAt - killedAt} ms after it, ${duringApplicants.length} more completed during the outage; ` +
        `lock releases that failed at the kill (logged): ${releaseFailed.join(' + ')}; "redis is back" logged WHILE REDIS WAS STILL DOWN: ${falseBack.join(' + ')} time(s); clients reconnected ${reconnectMs} ms after redis-server was back; ` +
        `${all.length} conversations, ${tickets.rows.length} tickets, none duplicated; replies of the applications under way at the kill sent twice (at least once): ${sentTwice}`,
    );
  }, 60_000);
});
