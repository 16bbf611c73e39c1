import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../../src/i18n/messages.js';
import { textOf, type FakeGraph } from '../../support/fakeGraph.js';
import { startFakeGraph, startMetaService, type RunningService } from '../../support/metaService.js';
import { MetaUser, texts } from '../../support/metaUser.js';

/**
 * Graph API failures on the way out: throttling and server errors are retried (GRAPH_RETRY_BASE_MS
 * is 5 ms here) and the replies still arrive in order; permanent and window errors are tried once
 * and recorded as delivery failures.
 */

let graph: FakeGraph;
let run: RunningService;

beforeAll(async () => {
  graph = await startFakeGraph();
  run = await startMetaService(graph);
});
afterAll(async () => {
  await run.stop();
  await graph.close();
  fs.rmSync(run.dataDir, { recursive: true, force: true });
});

const throttled = { status: 429, body: { error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429, fbtrace_id: 'x' } } };
const serverError = { status: 500, body: { error: { message: 'An unknown error has occurred.', type: 'OAuthException', code: 1, is_transient: true } } };
const undeliverable = { status: 400, body: { error: { message: '(#131026) Message undeliverable', type: 'OAuthException', code: 131026 } } };
const windowClosed = { status: 400, body: { error: { message: '(#131047) Re-engagement message', type: 'OAuthException', code: 131047 } } };

describe('Graph API faults', () => {
  it('retries 429/130429 twice, then delivers: the replies arrive complete and in order after the earlier ones', async () => {
    const user = new MetaUser(run, graph, 'whatsapp', '6281400000001');
    expect(await user.say('daftar seller')).toEqual([t('id', 'seller.intro'), t('id', 'fields.name.question')]);

    graph.failNext(2, throttled);
    expect(await user.say('Rudi Hartono')).toEqual([t('id', 'fields.businessName.question')]);
    const attempts = graph.attemptsTo(user.userId);
    expect(attempts.map((a) => a.status)).toEqual([200, 200, 429, 429, 200]);
    // The same message was attempted three times.
    expect(attempts.slice(2).map((a) => textOf(a.body))).toEqual(Array(3).fill(t('id', 'fields.businessName.question')));
    expect(graph.textsTo(user.userId)).toEqual([t('id', 'seller.intro'), t('id', 'fields.name.question'), t('id', 'fields.businessName.question')]);
    expect(await run.service.windows.failures('whatsapp', user.userId)).toEqual([]);
  });

  it('retries a multi-message turn through 500s without reordering or duplicating it (Messenger)', async () => {
    const user = new MetaUser(run, graph, 'messenger', '24000000000002001');
    graph.failNext(2, serverError);
    const intro = user.said('seller.intro');
    expect(await user.say('daftar')).toEqual([intro, t('id', 'fields.name.question')]);
    expect(graph.attemptsTo(user.userId).map((a) => [a.status, textOf(a.body)])).toEqual([
      [500, intro],
      [500, intro],
      [200, intro],
      [200, t('id', 'fields.name.question')],
    ]);
  });

  it('does not retry a permanent error (131026): exactly one attempt of that reply, recorded as a delivery failure', async () => {
    const user = new MetaUser(run, graph, 'whatsapp', '6281400000002');
    graph.failNext(1, undeliverable);
    await user.say('daftar seller');
    const attempts = graph.attemptsTo(user.userId);
    const intro = attempts.filter((a) => textOf(a.body) === t('id', 'seller.intro'));
    expect(intro.map((a) => a.status)).toEqual([400]);
    expect((await run.service.windows.failures('whatsapp', user.userId)).map((f) => f.reason)).toEqual(['permanent']);
    // The rest of that turn (the name question) is not sent after the refusal either.
    expect(attempts.filter((a) => textOf(a.body)?.includes(t('id', 'fields.name.question')))).toEqual([]);
    // (Today the bot then tries one apology, common.error, asking the user to resend; the turn was
    // already applied, so a resent message answers the next question. Reported as a bug in
    // src/bot/plnBot.ts; this test deliberately does not pin that apology down.)
  });

  it('does not retry the window error (131047) and records it as windowClosed', async () => {
    const user = new MetaUser(run, graph, 'instagram', '17800000000002003');
    graph.failNext(1, windowClosed);
    await user.say('daftar');
    const attempts = graph.attemptsTo(user.userId);
    expect(attempts.filter((a) => textOf(a.body) === user.said('seller.intro')).map((a) => a.status)).toEqual([400]);
    expect((await run.service.windows.failures('instagram', user.userId)).map((f) => f.reason)).toEqual(['windowClosed']);
  });

  it('gives up after GRAPH_MAX_ATTEMPTS throttled attempts (5) instead of retrying forever', async () => {
    const user = new MetaUser(run, graph, 'whatsapp', '6281400000004');
    graph.failNext(5, throttled);
    await user.say('halo');
    const attempts = graph.attemptsTo(user.userId);
    expect(attempts.filter((a) => textOf(a.body) === t('id', 'welcome.greeting')).map((a) => a.status)).toEqual([429, 429, 429, 429, 429]);
    expect((await run.service.windows.failures('whatsapp', user.userId)).map((f) => f.reason)).toEqual(['exhausted']);
  });
});

describe('a wrong access token', () => {
  let wrong: RunningService;

  beforeAll(async () => {
    wrong = await startMetaService(graph, undefined, { WHATSAPP_ACCESS_TOKEN: 'EAAG-revoked' });
  });
  afterAll(async () => {
    await wrong.stop();
    fs.rmSync(wrong.dataDir, { recursive: true, force: true });
  });

  it('is refused by the Graph API with code 190 and not retried; the failure is recorded as auth', async () => {
    graph.reset();
    const user = new MetaUser(wrong, graph, 'whatsapp', '6281400000005');
    expect(texts(await user.post(user.text('daftar')))).toEqual([]);
    const calls = graph.requests.filter((r) => r.path.endsWith('/messages'));
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls.length).toBeLessThanOrEqual(2); // the reply, and at most the apology
    expect(calls.every((c) => c.status === 401 && c.headers.authorization === 'Bearer EAAG-revoked')).toBe(true);
    expect((await wrong.service.windows.failures('whatsapp', user.userId)).map((f) => f.reason)).toContain('auth');
  });
});
