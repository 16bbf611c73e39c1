import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../../src/i18n/messages.js';
import { textOf, type FakeGraph } from '../../support/fakeGraph.js';
import { META, startFakeGraph, startMetaService, type RunningService } from '../../support/metaService.js';
import { answerUpToPhoto, MetaUser, texts } from '../../support/metaUser.js';
import { postWebhook, wa, whatsAppWebhook } from '../../support/metaWebhooks.js';
import { productJpeg } from '../../support/photos.js';

/**
 * A slow Graph API, end to end (SQLite, no send queue): a send Graph takes but answers only after
 * the client's timeout is delivered once and not fired again, and the user's next message is not
 * held behind it; a media look-up that never answers gets the applicant an answer within the
 * turn's budget, and the photo question stays open.
 */

/** The client's send timeout here; Graph answers the slow send only after 16 s. */
const SEND_TIMEOUT_MS = 3_000;
/** The turn budget here (20 s in production). */
const TURN_BUDGET_MS = 1_500;

let graph: FakeGraph;
let run: RunningService;
let photo: Buffer;

beforeAll(async () => {
  graph = await startFakeGraph();
  run = await startMetaService(graph, undefined, { GRAPH_SEND_TIMEOUT_MS: String(SEND_TIMEOUT_MS), TURN_BUDGET_MS: String(TURN_BUDGET_MS) });
  photo = await productJpeg(800, 600);
});
afterAll(async () => {
  await run.stop();
  await graph.close();
  fs.rmSync(run.dataDir, { recursive: true, force: true });
});

const post = async (userId: string, text: string) => {
  const res = await postWebhook(run.url, 'whatsapp', whatsAppWebhook([wa.text(userId, text)], META.phoneNumberId), { secret: META.appSecret });
  expect(res.status).toBe(200);
};

const waitFor = async (what: string, done: () => Promise<boolean> | boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('a Graph that answers after the client timeout', () => {
  it('delivers the reply once, and answers the next message without waiting for the slow send', async () => {
    const userId = '6281500000001';
    // Graph takes the first reply at once and answers only after 16 s (the client gives up at 3 s).
    graph.answerLate(1, 16_000);
    await post(userId, 'halo');
    await waitFor('the first reply reaches Graph', () => graph.attemptsTo(userId).length === 1, 5_000);
    const first = textOf(graph.attemptsTo(userId)[0]!.body);

    // The next message is processed while the first reply's send still waits for Graph.
    // (The first turn was committed before its reply was sent: its state is the one stored now.)
    const stateNow = async () => JSON.stringify((await run.service.engine.peek(`whatsapp:${userId}`))?.value ?? null);
    const afterFirst = await stateNow();
    await post(userId, 'daftar seller');
    await waitFor('the next message is processed', async () => (await stateNow()) !== afterFirst, SEND_TIMEOUT_MS - 500);
    expect(graph.unanswered).toBe(1);

    await run.channel('whatsapp').idle();
    // Not sent again: Graph may have delivered it (here it did), and has no idempotency key.
    const attempts = graph.attemptsTo(userId).map((a) => textOf(a.body));
    expect(attempts.filter((text) => text === first)).toHaveLength(1);
    // The next message's replies went out after it, in order.
    expect(graph.textsTo(userId)).toEqual([first, t('id', 'seller.intro'), expect.stringContaining(t('id', 'fields.name.question'))]);
    expect((await run.service.windows.failures('whatsapp', userId)).map((f) => f.reason)).toEqual(['unconfirmed']);
  }, 30_000);
});

describe('a Graph media look-up that never answers', () => {
  it('gets the applicant an answer within the turn budget, and a photo sent again is accepted', async () => {
    const user = new MetaUser(run, graph, 'whatsapp', '6281500000002');
    expect(await answerUpToPhoto(user)).toEqual([t('id', 'seller.photo.questionRequired')]);
    const stateBefore = JSON.stringify((await run.service.engine.peek(`whatsapp:${user.userId}`))?.value);

    const mediaId = randomUUID();
    graph.addWhatsAppMedia(mediaId, photo, 'image/jpeg');
    graph.stallMediaLookup(mediaId);
    const started = Date.now();
    const replies = texts(await user.post(wa.image(user.userId, mediaId)));
    const tookMs = Date.now() - started;
    expect(replies).toEqual([t('id', 'seller.photo.errors.downloadFailed')]);
    expect(tookMs).toBeLessThan(TURN_BUDGET_MS + 3_000);
    // The photo question is still open, nothing half-stored.
    expect(JSON.stringify((await run.service.engine.peek(`whatsapp:${user.userId}`))?.value)).toBe(stateBefore);

    // The applicant sends it again, Graph answers this time: accepted, on to the summary.
    const again = texts(await user.sendImage(photo));
    expect(again[0]).toBe(t('id', 'seller.photo.received'));
    expect(again[1]).toContain(t('id', 'seller.summary.intro'));
  }, 30_000);
});
