import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../redis/redisTestEnv.js';
import type { FakeGraph } from '../support/fakeGraph.js';
import { FakeItsm } from '../support/fakeItsm.js';
import { startFakeGraph, startMetaService, tempDataDir, type RunningService } from '../support/metaService.js';
import { MetaUser, said, texts } from '../support/metaUser.js';
import { productJpeg } from '../support/photos.js';
import { freePort } from '../support/serviceChild.js';
import { killRedisServer, startRedisServer } from '../support/throwawayRedis.js';
import { runDeadLetters } from './deadLettersScript.js';

/**
 * The ticket outbox through BullMQ (REDIS_URL; a throwaway redis-server so it can be restarted),
 * with the real ITSM over HTTP (a fake on loopback): a request the ITSM could not take is filed by
 * the queue's worker once it is back and the applicant gets the number once; a refusal is dead at
 * once and listed by `npm run dead-letters`; a request out of attempts is dead; `retry` files it;
 * jobs lost in a Redis restart are queued again by the outbox sweep.
 */

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) console.warn('SKIPPED: ticket outbox queue e2e tests: REDIS_URL must be set (they run their own redis-server)');

const PREFIX = 'outbox-e2e:';

let graph: FakeGraph;
let itsm: FakeItsm;
let run: RunningService;
let photo: Buffer;
let server: ChildProcess | undefined;
let redisUrl = '';
const dataDir = tempDataDir();

const doneText = (number: string) => said('whatsapp', 'seller.done', { number, phone: '0812-3456-7890', email: 'budi.santoso@gmail.com' });

/** An applicant who confirms while the ITSM is down: told "recorded"; returns the outbox key. */
async function queuedApplication(userId: string): Promise<{ user: MetaUser; key: string }> {
  const before = new Set(await run.service.tickets.pendingKeys());
  const user = new MetaUser(run, graph, 'whatsapp', userId);
  await user.say('daftar seller');
  for (const answer of ['Budi Santoso', 'Toko Budi Jaya', 'kerajinan rotan', 'kepanjen', 'jawa timur', '081234567890', 'budi.santoso@gmail.com']) await user.say(answer);
  await user.sendImage(photo);
  expect(await user.say('kirim')).toEqual([said('whatsapp', 'seller.queued')]);
  const key = (await run.service.tickets.pendingKeys()).find((k) => !before.has(k));
  if (!key) throw new Error('the request is not in the outbox');
  return { user, key };
}

/** `npm run dead-letters -- <args>` against the service's SQLite database and Redis. */
function deadLetters(args: string[]) {
  return runDeadLetters(args, { DATA_DIR: dataDir, REDIS_URL: redisUrl, REDIS_PREFIX: PREFIX });
}

/** Waits until the outbox entry matches (the notice is marked sent just after the message went out). */
async function waitForEntry(key: string, matches: (entry: Record<string, unknown>) => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const entry = await run.service.tickets.entry(key);
    if (entry && matches(entry as unknown as Record<string, unknown>)) return;
    if (Date.now() > until) throw new Error(`outbox entry ${key}: ${what} (now ${JSON.stringify({ state: entry?.state, notice: entry?.notice, deadAt: entry?.deadAt })})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function waitForText(user: MetaUser, timeoutMs = 10_000): Promise<string[]> {
  let got: string[] = [];
  await waitFor(() => (got = texts(user.newSends())).length > 0, timeoutMs, 'a message to the applicant');
  return got;
}

describe.skipIf(!REDIS_URL)('the ticket outbox through BullMQ', () => {
  beforeAll(async () => {
    graph = await startFakeGraph();
    itsm = await FakeItsm.start();
    photo = await productJpeg(800, 600);
    const port = await freePort();
    server = await startRedisServer(port);
    redisUrl = `redis://127.0.0.1:${port}`;
    run = await startMetaService(graph, dataDir, {
      REDIS_URL: redisUrl,
      REDIS_PREFIX: PREFIX,
      ITSM_URL: `${itsm.url}/itsm`,
      APKT_URL: `${itsm.url}/apkt`,
      TICKETING_TIMEOUT_MS: '300',
      OUTBOX_RETRY_BASE_MS: '150',
      OUTBOX_RETRY_MAX_MS: '300',
      OUTBOX_MAX_ATTEMPTS: '4',
      // Only the worker files; the sweep runs when the test kicks it.
      OUTBOX_SWEEP_MS: '600000',
    });
  }, 30_000);

  afterAll(async () => {
    await run?.stop();
    await killRedisServer(server);
    await itsm?.close();
    await graph?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('files a request the ITSM could not take once it is back (by the worker), and sends the number once', async () => {
    itsm.down = true;
    const { user, key } = await queuedApplication('6281800000001');
    const filingsBefore = itsm.itsm.size;
    itsm.down = false;
    const late = await waitForText(user);
    const number = [...itsm.itsm.values()].at(-1)!.number;
    expect(late).toEqual([doneText(number)]);
    expect(itsm.itsm.size).toBe(filingsBefore + 1);
    await waitForEntry(key, (e) => e.state === 'done' && e.notice === 'sent' && e.deadAt === null, 'filed and notified');
    // The sweep finds nothing to do, and nobody hears twice.
    await run.service.outbox.kick();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(user.newSends()).toEqual([]);
    expect(itsm.itsm.size).toBe(filingsBefore + 1);
  });

  it('marks a request the ITSM refuses (400) dead at once, lists it masked, and files it after `retry`', async () => {
    itsm.down = true;
    const { user, key } = await queuedApplication('6281800000002');
    itsm.refuseWith = 400;
    itsm.down = false;
    await waitForEntry(key, (e) => e.deadAt !== null, 'marked dead');
    // The applicant, told to wait for the number, hears at once that an officer follows it up.
    expect(await waitForText(user)).toEqual([said('whatsapp', 'filing.givenUp', { phone: '0812-3456-7890', email: 'budi.santoso@gmail.com' })]);
    // No retry after the refusal.
    const attempts = itsm.attempts;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(itsm.attempts).toBe(attempts);
    expect((await run.service.queues.outbox!.deadLetters()).map((d) => d.data.key)).toContain(key);
    expect(/^pln_dead_letters\{queue="ticket_outbox"\} (\d+)$/m.exec(await run.service.metrics.scrape())?.[1]).toBe('1');

    const listed = await deadLetters([]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('Dead ticket outbox entries (database): 1');
    expect(listed.stdout).toContain(`outbox:${key}`);
    expect(listed.stdout).toContain('seller application from whatsapp conversation');
    expect(listed.stdout).toContain('B*** S***');
    expect(listed.stdout).toContain('HTTP 400');
    for (const secret of ['Budi', 'Santoso', '81234567890', 'budi.santoso', '6281800000002']) expect(listed.stdout).not.toContain(secret);
    const json = (await deadLetters(['--json'])).stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; queue: string });
    expect(json).toContainEqual(expect.objectContaining({ id: `outbox:${key}`, queue: 'ticket_outbox' }));

    itsm.refuseWith = null;
    const retried = await deadLetters(['retry', `outbox:${key}`]);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toContain(`Revived outbox:${key} and queued it.`);
    // Filed after all: the number follows.
    const late = await waitForText(user);
    expect(late).toEqual([doneText([...itsm.itsm.values()].at(-1)!.number)]);
    await waitForEntry(key, (e) => e.state === 'done' && e.notice === 'sent' && e.deadAt === null, 'filed and notified');
    expect(await deadLetters(['retry', `outbox:${key}`])).toMatchObject({ code: 1 });
  }, 30_000);

  it('gives a request up after OUTBOX_MAX_ATTEMPTS while the ITSM stays down', async () => {
    itsm.down = true;
    const { key } = await queuedApplication('6281800000003');
    await waitForEntry(key, (e) => e.deadAt !== null, 'given up', 8_000);
    expect(await run.service.tickets.entry(key)).toMatchObject({ state: 'pending', attempts: 4 });
    // The job reaches BullMQ's failed set once the dead-letter hook (mark dead, tell the applicant) is done.
    const listed = async () => (await run.service.queues.outbox!.deadLetters()).map((d) => d.data.key);
    for (const until = Date.now() + 5_000; !(await listed()).includes(key); ) {
      if (Date.now() > until) throw new Error('the job did not reach the dead-letter list');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await run.service.tickets.pendingKeys()).not.toContain(key);
    itsm.down = false;
  }, 20_000);

  it('queues again, from the outbox sweep, the requests a Redis restart lost', async () => {
    itsm.down = true;
    const { user, key } = await queuedApplication('6281800000004');
    const filingsBefore = itsm.itsm.size;
    // The job waits out its backoff in Redis; Redis dies and comes back empty.
    await killRedisServer(server);
    server = await startRedisServer(Number(new URL(redisUrl).port));
    await run.service.queues.outbox!.waitReady(10_000);
    itsm.down = false;
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(itsm.itsm.size, 'nothing queued any more').toBe(filingsBefore);
    expect(user.newSends()).toEqual([]);

    await run.service.outbox.kick();
    // Filed after all: the number follows.
    const late = await waitForText(user);
    expect(late).toEqual([doneText([...itsm.itsm.values()].at(-1)!.number)]);
    expect(itsm.itsm.size).toBe(filingsBefore + 1);
    await waitForEntry(key, (e) => e.state === 'done' && e.notice === 'sent', 'filed and notified');
  }, 30_000);
});
