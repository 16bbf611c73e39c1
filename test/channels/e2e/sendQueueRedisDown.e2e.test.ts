import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeGraph } from '../../support/fakeGraph.js';
import { startFakeGraph, startMetaService, tempDataDir, type RunningService } from '../../support/metaService.js';
import { MetaUser } from '../../support/metaUser.js';
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
