import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeGraph } from '../../support/fakeGraph.js';
import { META, startFakeGraph, startMetaService, tempDataDir, type RunningService } from '../../support/metaService.js';
import { MetaUser, said, texts } from '../../support/metaUser.js';
import { messengerWebhook, mg, postWebhook } from '../../support/metaWebhooks.js';
import { freePort } from '../../support/serviceChild.js';
import { killRedisServer, startRedisServer } from '../../support/throwawayRedis.js';
import { waitFor } from '../../redis/redisTestEnv.js';

/**
 * Redis (a throwaway redis-server, SIGKILLed) away when a reply is to be queued: the reply is sent
 * inline at once, counted, and the next ones go through the queue again once Redis is back.
 */

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) console.warn('SKIPPED: send queue Redis-down test: REDIS_URL must be set (it runs its own redis-server)');

let graph: FakeGraph;
let run: RunningService;
let server: ChildProcess | undefined;
let port = 0;
const dataDir = tempDataDir();

async function fallbacks(): Promise<number> {
  return Number(/^pln_send_queue_fallbacks_total\{channel="messenger"\} (\d+)$/m.exec(await run.service.metrics.scrape())?.[1] ?? 0);
}

describe.skipIf(!REDIS_URL)('the send queue with Redis down', () => {
  beforeAll(async () => {
    graph = await startFakeGraph();
    port = await freePort();
    server = await startRedisServer(port);
    run = await startMetaService(graph, dataDir, { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PREFIX: 'down-test:' });
  }, 30_000);

  afterAll(async () => {
    await run?.stop();
    await killRedisServer(server);
    await graph?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends the reply inline when the queue cannot take it, and queues again once Redis is back', async () => {
    const user = new MetaUser(run, graph, 'messenger', '7100000000001');
    const sends = run.service.queues.sends!;
    expect((await user.say('halo')).length).toBeGreaterThan(0);
    expect(await fallbacks()).toBe(0);
    expect((await sends.counts()).waiting).toBe(0);

    await killRedisServer(server);
    server = undefined;
    await waitFor(() => sends.health.degraded, 5_000, 'the queue to notice');
    const during = await user.say('halo');
    expect(during.length).toBeGreaterThan(0);
    expect(await fallbacks()).toBe(during.length);

    server = await startRedisServer(port);
    await sends.waitReady(10_000);
    const after = await user.say('halo');
    expect(after.length).toBeGreaterThan(0);
    expect(await fallbacks()).toBe(during.length);
  }, 40_000);
});

/**
 * Replies queued but not yet sent when Redis goes away (a send waiting out its backoff holds the
 * user's next reply behind it), and Redis restarted empty: the service notices (the queue no longer
 * has them, or Redis stays unreachable) and sends them inline. At least once: none is lost.
 */
describe.skipIf(!REDIS_URL)('replies stranded in the send queue by a Redis restart', () => {
  let strandGraph: FakeGraph;
  let strandRun: RunningService;
  let strandServer: ChildProcess | undefined;
  const strandDir = tempDataDir();

  beforeAll(async () => {
    strandGraph = await startFakeGraph();
    const strandPort = await freePort();
    strandServer = await startRedisServer(strandPort);
    // One Graph try per attempt, and a minute before the next attempt: a failed send holds its shard.
    strandRun = await startMetaService(strandGraph, strandDir, {
      REDIS_URL: `redis://127.0.0.1:${strandPort}`,
      REDIS_PREFIX: 'strand-test:',
      GRAPH_MAX_ATTEMPTS: '1',
      SEND_RETRY_BASE_MS: '60000',
    });
    (strandRun as RunningService & { redisPort?: number }).redisPort = strandPort;
  }, 30_000);

  afterAll(async () => {
    await strandRun?.stop();
    await killRedisServer(strandServer);
    await strandGraph?.close();
    fs.rmSync(strandDir, { recursive: true, force: true });
  }, 30_000);

  it('sends inline the replies a Redis restart took away, none lost', async () => {
    const user = new MetaUser(strandRun, strandGraph, 'messenger', '7100000000009');
    expect((await user.say('halo')).length).toBeGreaterThan(0);
    const before = strandGraph.sendsTo(user.userId).length;

    // The first reply to "daftar seller" fails once (a 500) and waits out its minute; the second
    // queues behind it. The webhook is answered at once; the replies are in the queue.
    strandGraph.failNext(1, { status: 500, body: { error: { message: 'temporarily down', code: 2 } } });
    const res = await postWebhook(strandRun.url, 'messenger', messengerWebhook('messenger', [mg.text(user.userId, 'daftar seller')], META.pageId), { secret: META.appSecret });
    expect(res.status).toBe(200);
    await waitFor(() => strandGraph.attempts.some((a) => a.status === 500), 5_000, 'the first reply to fail once');
    expect(strandGraph.sendsTo(user.userId).length).toBe(before);

    // Redis dies and comes back empty: the jobs are gone.
    const port = (strandRun as RunningService & { redisPort?: number }).redisPort!;
    await killRedisServer(strandServer);
    strandServer = await startRedisServer(port);

    await waitFor(() => strandGraph.sendsTo(user.userId).length >= before + 2, 15_000, 'the stranded replies to be sent');
    expect(texts(strandGraph.sendsTo(user.userId).slice(before, before + 2))).toEqual([said('messenger', 'seller.intro'), said('messenger', 'fields.name.question')]);
  }, 40_000);
});
