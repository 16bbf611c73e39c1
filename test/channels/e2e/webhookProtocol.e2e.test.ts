import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMetaPayload } from '../../../src/channels/meta/signature.js';
import { t } from '../../../src/i18n/messages.js';
import type { FakeGraph } from '../../support/fakeGraph.js';
import { META, startFakeGraph, startMetaService, type RunningService } from '../../support/metaService.js';
import { said } from '../../support/metaUser.js';
import { metaEscapedJson, messengerWebhook, mg, postWebhook, wa, whatsAppWebhook } from '../../support/metaWebhooks.js';

/**
 * The webhook endpoints as Meta uses them: the GET handshake, signatures over the exact bytes
 * (including non-ASCII and Meta's escaped-unicode form), and the 400/401/404/413 refusals.
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

const verify = (url: string, channel: string, token: string, challenge: string, mode = 'subscribe') =>
  fetch(`${url}/webhooks/${channel}?${new URLSearchParams({ 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge }).toString()}`);

describe('GET verification handshake', () => {
  it.each(['whatsapp', 'messenger', 'instagram'])('%s: the right token echoes hub.challenge byte for byte as plain text', async (channel) => {
    for (const challenge of ['1158201444', '0042', 'x_Y-z.9~AbC']) {
      const res = await verify(run.url, channel, META.verifyToken, challenge);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe(challenge);
    }
  });

  it.each(['whatsapp', 'messenger', 'instagram'])('%s: a wrong token or mode is 403 and echoes nothing', async (channel) => {
    const wrong = await verify(run.url, channel, 'not-the-token', '1158201444');
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).not.toContain('1158201444');
    expect((await verify(run.url, channel, `${META.verifyToken}x`, '1')).status).toBe(403);
    expect((await verify(run.url, channel, META.verifyToken, '1', 'unsubscribe')).status).toBe(403);
  });
});

describe('POST signature and body checks', () => {
  const user = '6281100000001';
  const body = () => whatsAppWebhook([wa.text(user, 'mau daftar seller', { name: 'Ani' })], META.phoneNumberId);

  it('refuses a wrong signature, a signature made with another secret, and a missing one with 401: nothing is sent', async () => {
    graph.reset();
    const raw = JSON.stringify(body());
    const cases: Array<string | null> = [
      `sha256=${'0'.repeat(64)}`,
      signMetaPayload(raw, 'another-secret'),
      signMetaPayload(`${raw} `, META.appSecret), // signed over other bytes
      signMetaPayload(raw, META.appSecret).replace('sha256=', 'sha1='),
      'garbage',
      null,
    ];
    for (const signature of cases) {
      const res = await postWebhook(run.url, 'whatsapp', raw, { secret: META.appSecret, signature });
      expect(res.status, String(signature)).toBe(401);
    }
    const mg401 = await postWebhook(run.url, 'messenger', messengerWebhook('messenger', [mg.text('24000000000000901', 'daftar')], META.pageId), {
      secret: META.appSecret,
      signature: null,
    });
    expect(mg401.status).toBe(401);
    await run.idle();
    expect(graph.attempts).toEqual([]);
    expect(await run.service.engine.peek(`whatsapp:${user}`)).toBeNull();
  });

  it('accepts a valid signature over raw UTF-8 bytes with emoji and "é", and the text arrives intact', async () => {
    const u = '6281100000002';
    const start = whatsAppWebhook([wa.text(u, 'Mau daftar seller dong 😊 é', { name: 'André' })], META.phoneNumberId);
    const raw = Buffer.from(JSON.stringify(start), 'utf8');
    expect(raw.includes(Buffer.from('é', 'utf8'))).toBe(true);
    expect((await postWebhook(run.url, 'whatsapp', raw, { secret: META.appSecret })).status).toBe(200);
    await run.idle();
    expect(graph.textsTo(u)[0]).toBe(t('id', 'seller.intro'));

    for (const answer of ['André Siti', 'Kafé ☕ Bu Hélène 😊']) {
      const raw2 = Buffer.from(JSON.stringify(whatsAppWebhook([wa.text(u, answer, { name: 'André' })], META.phoneNumberId)), 'utf8');
      expect((await postWebhook(run.url, 'whatsapp', raw2, { secret: META.appSecret })).status).toBe(200);
    }
    await run.idle();
    expect(graph.textsTo(u).slice(-2)).toEqual([t('id', 'fields.businessName.question'), t('id', 'fields.productType.question')]);
    const snap = await run.service.engine.peek(`whatsapp:${u}`);
    expect(snap?.context.application?.fields).toMatchObject({ name: 'André Siti', businessName: 'Kafé ☕ Bu Hélène 😊' });
  });

  it("accepts Meta's escaped-unicode form (\\u00e9), signed over those escaped bytes", async () => {
    const psid = '24000000000000902';
    const first = metaEscapedJson(messengerWebhook('messenger', [mg.text(psid, 'daftar seller ☕')], META.pageId));
    expect(first).toContain('\\u2615');
    expect((await postWebhook(run.url, 'messenger', first, { secret: META.appSecret })).status).toBe(200);
    const second = metaEscapedJson(messengerWebhook('messenger', [mg.text(psid, 'Renée Hélène')], META.pageId));
    expect(second).toContain('Ren\\u00e9e H\\u00e9l\\u00e8ne');
    expect(second).not.toContain('é');
    expect((await postWebhook(run.url, 'messenger', second, { secret: META.appSecret })).status).toBe(200);
    await run.idle();
    expect(graph.textsTo(psid)).toEqual([said('messenger', 'seller.intro'), t('id', 'fields.name.question'), t('id', 'fields.businessName.question')]);
    const snap = await run.service.engine.peek(`messenger:${psid}`);
    expect(snap?.context.application?.fields.name).toBe('Renée Hélène');

    // The same escaped body signed over its decoded (re-serialised) form is not Meta's signature.
    const resigned = await postWebhook(run.url, 'messenger', second, { secret: META.appSecret, signature: signMetaPayload(JSON.stringify(JSON.parse(second)), META.appSecret) });
    expect(resigned.status).toBe(401);
  });

  it('answers malformed JSON (signed) with 400', async () => {
    graph.reset();
    for (const raw of ['{"object": "whatsapp_business_account", "entry": [', '', 'null?', '\u00ff\u00fe']) {
      const res = await postWebhook(run.url, 'whatsapp', raw, { secret: META.appSecret });
      expect(res.status, JSON.stringify(raw)).toBe(400);
    }
    await run.idle();
    expect(graph.attempts).toEqual([]);
  });

  it("answers a foreign shape (signed) with 400: another channel's envelope or no envelope", async () => {
    graph.reset();
    const cases: Array<[ 'whatsapp' | 'messenger' | 'instagram', unknown]> = [
      ['whatsapp', { object: 'page' }],
      ['whatsapp', messengerWebhook('messenger', [mg.text('24000000000000903', 'daftar')], META.pageId)],
      ['messenger', whatsAppWebhook([wa.text('6281100000003', 'daftar')], META.phoneNumberId)],
      ['messenger', messengerWebhook('instagram', [mg.text('17800000000000903', 'daftar')], META.igAccountId)],
      ['instagram', messengerWebhook('messenger', [mg.text('24000000000000904', 'daftar')], META.pageId)],
      ['whatsapp', [1, 2, 3]],
      ['whatsapp', 'just a string'],
    ];
    for (const [channel, body] of cases) {
      const res = await postWebhook(run.url, channel, JSON.stringify(body), { secret: META.appSecret });
      expect(res.status, `${channel} ${JSON.stringify(body).slice(0, 60)}`).toBe(400);
    }
    await run.idle();
    expect(graph.attempts).toEqual([]);
  });
});

describe('a service with a small body limit and Instagram not configured', () => {
  let small: RunningService;

  beforeAll(async () => {
    small = await startMetaService(graph, undefined, { WEBHOOK_BODY_LIMIT_BYTES: '2048', INSTAGRAM_ACCESS_TOKEN: undefined });
  });
  afterAll(async () => {
    await small.stop();
    fs.rmSync(small.dataDir, { recursive: true, force: true });
  });

  it('answers a signed body over WEBHOOK_BODY_LIMIT_BYTES with 413 and one under it with 200', async () => {
    graph.reset();
    const u = '6281100000004';
    const big = JSON.stringify(whatsAppWebhook([wa.text(u, `daftar ${'x'.repeat(3000)}`)], META.phoneNumberId));
    expect(Buffer.byteLength(big)).toBeGreaterThan(2048);
    expect((await postWebhook(small.url, 'whatsapp', big, { secret: META.appSecret })).status).toBe(413);
    await small.idle();
    expect(graph.attempts).toEqual([]);

    const ok = JSON.stringify(whatsAppWebhook([wa.text(u, 'daftar')], META.phoneNumberId));
    expect(Buffer.byteLength(ok)).toBeLessThan(2048);
    expect((await postWebhook(small.url, 'whatsapp', ok, { secret: META.appSecret })).status).toBe(200);
    await small.idle();
    expect(graph.textsTo(u)).toEqual([t('id', 'seller.intro'), t('id', 'fields.name.question')]);
  });

  it('answers 404 on the webhook of a channel without credentials, GET and POST', async () => {
    expect(small.service.channels.instagram).toBeUndefined();
    expect((await verify(small.url, 'instagram', META.verifyToken, '123')).status).toBe(404);
    const res = await postWebhook(small.url, 'instagram', messengerWebhook('instagram', [mg.text('17800000000000905', 'daftar')], META.igAccountId), { secret: META.appSecret });
    expect(res.status).toBe(404);
    // The configured channels are still on.
    expect((await verify(small.url, 'messenger', META.verifyToken, '123')).status).toBe(200);
  });
});
