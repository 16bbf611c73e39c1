import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonym } from '../../../src/log.js';
import { deleteKeys } from '../../redis/redisTestEnv.js';
import { createTestSchema, DATABASE_URL, type TestSchema } from '../../storage/pgTestSchema.js';
import { describeMismatch, postWhatsApp, repliesOf, STEPS, stepWebhook, waitForSends } from '../../support/applicationScript.js';
import type { FakeGraph } from '../../support/fakeGraph.js';
import { startFakeGraph, startMetaService, tempDataDir, type RunningService } from '../../support/metaService.js';
import { MetaUser } from '../../support/metaUser.js';
import { newWamid } from '../../support/metaWebhooks.js';
import { productJpeg } from '../../support/photos.js';
import { runDeadLetters } from '../../tickets/deadLettersScript.js';

/**
 * Meta replies through the BullMQ send queue (REDIS_URL), with two instances sharing PostgreSQL
 * and Redis: one user's replies arrive in order whichever instance queued them and whichever sent
 * them, a reply Graph refuses for good is a dead letter and a delivery failure, and one webhook
 * posted to both instances is processed once (the Redis redelivery set).
 */

const REDIS_URL = process.env.REDIS_URL;
const ready = Boolean(DATABASE_URL && REDIS_URL);
if (!ready) console.warn('SKIPPED: send queue e2e tests: DATABASE_URL and REDIS_URL must both be set');

const throttled = { status: 429, body: { error: { message: '(#130429) Rate limit hit', code: 130429 } } };
const undeliverable = { status: 400, body: { error: { message: '(#131026) Message undeliverable to +6281234567890', code: 131026 } } };

let graph: FakeGraph;
let schema: TestSchema;
let prefix = '';
let databaseUrl = '';
let photo: Buffer;
const instances: RunningService[] = [];
const dataDirs: string[] = [];

async function metric(run: RunningService, pattern: RegExp): Promise<number> {
  return Number(pattern.exec(await run.service.metrics.scrape())?.[1] ?? 0);
}

describe.skipIf(!ready)('Meta replies through the send queue, two instances', () => {
  beforeAll(async () => {
    graph = await startFakeGraph();
    photo = await productJpeg(640, 480);
    schema = await createTestSchema(DATABASE_URL!, { migrated: true });
    const url = `${DATABASE_URL}${DATABASE_URL!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema.name}`)}`;
    databaseUrl = url;
    prefix = `test-${crypto.randomBytes(4).toString('hex')}:`;
    for (let i = 0; i < 2; i++) {
      const dir = tempDataDir();
      dataDirs.push(dir);
      instances.push(
        await startMetaService(graph, dir, {
          DATABASE_URL: url,
          REDIS_URL,
          REDIS_PREFIX: prefix,
          // A throttled send waits a while inside Graph's own retries, so replies lag behind turns.
          GRAPH_RETRY_BASE_MS: '60',
          GRAPH_MAX_ATTEMPTS: '8',
          SEND_MAX_ATTEMPTS: '2',
          SEND_RETRY_BASE_MS: '50',
        }),
      );
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(instances.map((r) => r.stop()));
    await schema?.drop();
    await graph?.close();
    await deleteKeys(REDIS_URL!, prefix.replace(/:$/, ''));
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps one user\'s replies in order across both instances while Graph throttles, none sent inline', async () => {
    const userId = '6281700000001';
    const pool = schema.pool({ max: 1 });
    const processed = async (wamid: string) =>
      (await pool.query('SELECT 1 FROM processed_messages WHERE message_id = $1', [`whatsapp:${userId}:${wamid}`])).rowCount === 1;
    // Each step goes to the other instance as soon as the previous turn is stored, not when its
    // replies are out: the replies of several turns are queued at once, from both instances.
    graph.failNext(4, throttled);
    for (let step = 0; step < STEPS.length; step++) {
      const wamid = newWamid();
      const res = await postWhatsApp(instances[step % 2]!.url, stepWebhook(graph, userId, step, photo, wamid));
      expect(res.status).toBe(200);
      const until = Date.now() + 10_000;
      while (!(await processed(wamid))) {
        if (Date.now() > until) throw new Error(`step ${step} was not processed`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    expect(graph.sendsTo(userId).length, 'replies lag behind the turns').toBeLessThan(repliesOf(0, STEPS.length).length);
    const expected = repliesOf(0, STEPS.length);
    await waitForSends(graph, userId, expected.length);
    await Promise.all(instances.map((r) => r.idle()));
    expect(describeMismatch(graph.textsTo(userId), expected)).toBeNull();
    for (const run of instances) expect(await metric(run, /^pln_send_queue_fallbacks_total\{channel="whatsapp"\} (\d+)$/m)).toBe(0);
    const counts = await instances[0]!.service.queues.sends!.counts();
    expect(counts).toMatchObject({ waiting: 0, active: 0, failed: 0 });
    await pool.end();
  }, 60_000);

  it('dead-letters a reply Graph refuses for good and records it as a delivery failure', async () => {
    const user = new MetaUser(instances[0]!, graph, 'whatsapp', '6281700000002');
    graph.failNext(1, undeliverable);
    await user.say('halo');
    const dead = (await instances[1]!.service.queues.sends!.deadLetters()).filter((d) => d.data.userId === user.userId);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ data: { channel: 'whatsapp' }, attemptsMade: 1, failedReason: expect.stringContaining('131026') });
    // Recorded once, whichever instance's worker sent it; the gauge counts it on both.
    expect((await instances[1]!.service.windows.failures('whatsapp', user.userId)).map((f) => f.reason)).toEqual(['permanent']);
    for (const run of instances) expect(await metric(run, /^pln_dead_letters\{queue="send"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    // Listed by `npm run dead-letters`, the user as the logs' pseudonym only.
    const listed = await runDeadLetters(['--json'], { DATABASE_URL: databaseUrl, REDIS_URL, REDIS_PREFIX: prefix });
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; queue: string; what: string; reason: string });
    expect(lines).toContainEqual(expect.objectContaining({ id: dead[0]!.id, queue: 'send', what: expect.stringContaining(pseudonym(user.userId)) }));
    expect(listed.stdout).not.toContain(user.userId);
    expect(listed.stdout).not.toContain('81234567890');
    // The user's next message is answered: the dead letter holds nobody up.
    expect((await user.say('halo')).length).toBeGreaterThan(0);

    // Put back (as `npm run dead-letters -- retry` does): sent this time.
    const before = graph.sendsTo(user.userId).length;
    expect(await instances[0]!.service.queues.sends!.retryDeadLetter(dead[0]!.id)).toBe(true);
    await waitForSends(graph, user.userId, before + 1);
    expect((await instances[0]!.service.queues.sends!.deadLetters()).filter((d) => d.data.userId === user.userId)).toEqual([]);
  });

  it('processes a webhook posted to both instances once: the second answers 200 without a turn', async () => {
    const userId = '6281700000003';
    const body = stepWebhook(graph, userId, 0, photo);
    const turns = async () => {
      let n = 0;
      for (const run of instances) n += await metric(run, /^pln_turns_total\{channel="whatsapp",outcome="(?:replied|duplicate)"\} (\d+)$/m);
      return n;
    };
    const dropped = async () => {
      let n = 0;
      for (const run of instances) n += await metric(run, /^pln_webhook_redeliveries_dropped_total\{channel="whatsapp"\} (\d+)$/m);
      return n;
    };
    const turnsBefore = await turns();
    const results = await Promise.all(instances.map((run) => postWhatsApp(run.url, body)));
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    await waitForSends(graph, userId, repliesOf(0, 1).length);
    await Promise.all(instances.map((r) => r.idle()));
    expect(describeMismatch(graph.textsTo(userId), repliesOf(0, 1))).toBeNull();
    // One turn in all (no "duplicate" turn either): the redelivery never reached a conversation.
    expect((await turns()) - turnsBefore).toBe(1);
    expect(await dropped()).toBe(1);
    // Posted again later (Meta redelivering): dropped before the database too.
    expect((await postWhatsApp(instances[1]!.url, body)).status).toBe(200);
    expect(await dropped()).toBe(2);
  });
});
