import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../../src/i18n/messages.js';
import { choicesOf, type FakeGraph } from '../../support/fakeGraph.js';
import { META, startFakeGraph, startMetaService, tempDataDir, type RunningService } from '../../support/metaService.js';
import { MetaUser, said, texts } from '../../support/metaUser.js';
import { messengerWebhook, mg, newWamid, postWebhook, wa, whatsAppWebhook } from '../../support/metaWebhooks.js';
import { productJpeg } from '../../support/photos.js';

/**
 * What Meta's delivery does to a bot: redeliveries (also after a restart), batches of several
 * users and messages, events that are not messages, and message kinds the bot cannot read.
 */

let graph: FakeGraph;
let run: RunningService;
let photo: Buffer;
const dataDir = tempDataDir();

beforeAll(async () => {
  graph = await startFakeGraph();
  run = await startMetaService(graph, dataDir);
  photo = await productJpeg(900, 700);
});
afterAll(async () => {
  await run.stop();
  await graph.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const post = async (channel: 'whatsapp' | 'messenger' | 'instagram', body: unknown, target = run) => {
  const res = await postWebhook(target.url, channel, body, { secret: META.appSecret });
  expect(res.status).toBe(200);
  await target.idle();
};

/** Tickets filed for one conversation, read straight from the database. */
function ticketsOf(conversationId: string): string[] {
  const db = new Database(path.join(dataDir, 'pln123.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[string], { number: string }>('SELECT number FROM itsm_tickets WHERE conversation_id = ? ORDER BY number').all(conversationId).map((r) => r.number);
  } finally {
    db.close();
  }
}

describe('redelivered messages', () => {
  it('answers a WhatsApp message redelivered with the same wamid once, also when both copies arrive together', async () => {
    const user = '6281200000001';
    const id = newWamid();
    const body = whatsAppWebhook([wa.text(user, 'daftar seller', { id, name: 'Rina' })], META.phoneNumberId);
    await post('whatsapp', body);
    expect(graph.textsTo(user)).toEqual([t('id', 'seller.intro'), expect.stringContaining(t('id', 'fields.name.question'))]);
    await post('whatsapp', body);
    await Promise.all([post('whatsapp', body), post('whatsapp', body)]);
    expect(graph.sendsTo(user)).toHaveLength(2);

    // Two copies of a new message posted at the same time: still one answer.
    const next = whatsAppWebhook([wa.text(user, 'Rina Kartika', { name: 'Rina' })], META.phoneNumberId);
    await Promise.all([post('whatsapp', next), post('whatsapp', next), post('whatsapp', next)]);
    expect(graph.textsTo(user)).toHaveLength(3);
    expect(graph.textsTo(user)[2]).toBe(t('id', 'fields.businessName.question'));
  });

  it('drops a redelivery that arrives after a restart on the same DATA_DIR, and the conversation resumes', async () => {
    const user = '6281200000002';
    const first = whatsAppWebhook([wa.text(user, 'daftar seller')], META.phoneNumberId);
    const second = whatsAppWebhook([wa.text(user, 'Dewi Lestari')], META.phoneNumberId);
    await post('whatsapp', first);
    await post('whatsapp', second);
    expect(graph.textsTo(user)).toHaveLength(3);

    await run.stop();
    run = await startMetaService(graph, dataDir);
    await post('whatsapp', second);
    await post('whatsapp', first);
    expect(graph.textsTo(user)).toHaveLength(3);
    await post('whatsapp', whatsAppWebhook([wa.text(user, 'Dewi Craft')], META.phoneNumberId));
    expect(graph.textsTo(user).at(-1)).toBe(t('id', 'fields.productType.question'));
  });

  it('files exactly one ticket for a redelivered confirmation (Messenger quick reply, same mid)', async () => {
    const psid = '24000000000001001';
    const user = new MetaUser(run, graph, 'messenger', psid);
    await user.say('daftar');
    for (const answer of ['Andi Wijaya', 'Kopi Andi', 'kopi bubuk', 'Medan', 'sumut', '081311112222', 'andi@outlook.com']) await user.say(answer);
    const summary = (await user.sendImage(photo))[1]!;
    const kirim = choicesOf(summary).find((c) => c.title === 'Kirim')!;
    expect(kirim).toBeDefined();

    const confirm = messengerWebhook('messenger', [mg.quickReply(psid, kirim.id, kirim.title, { mid: 'm_confirm_once' })], META.pageId);
    await post('messenger', confirm);
    await Promise.all([post('messenger', confirm), post('messenger', confirm)]);
    await run.stop();
    run = await startMetaService(graph, dataDir);
    user.run = run;
    await post('messenger', confirm);

    const done = texts(user.newSends());
    expect(done).toHaveLength(1);
    const number = /ITSM-\d{8}-\d{5}/.exec(done[0]!)?.[0];
    expect(number).toBeDefined();
    expect(ticketsOf(psid)).toEqual([number]);

    // A second tap (a new mid) is a double tap, not a second application.
    expect(await user.say('kirim')).toEqual([said('messenger', 'seller.alreadyFiled', { number: number! })]);
    expect(ticketsOf(psid)).toEqual([number]);
  });
});

describe('batches', () => {
  it('answers two WhatsApp users sent in one webhook (one value, and two entries), each in their own conversation', async () => {
    const a = '6281200000011';
    const b = '6281200000012';
    await post('whatsapp', whatsAppWebhook([wa.text(a, 'daftar seller', { name: 'Ayu' }), wa.text(b, 'halo', { name: 'Bima' })], META.phoneNumberId));
    expect(graph.textsTo(a)).toEqual([t('id', 'seller.intro'), expect.stringContaining(t('id', 'fields.name.question'))]);
    expect(graph.textsTo(b)).toEqual([t('id', 'welcome.greeting')]);

    await post('whatsapp', whatsAppWebhook([[wa.text(a, 'Ayu Lestari', { name: 'Ayu' })], [wa.text(b, 'daftar', { name: 'Bima' })]], META.phoneNumberId));
    expect(graph.textsTo(a).at(-1)).toBe(t('id', 'fields.businessName.question'));
    expect(graph.textsTo(b).slice(1)).toEqual([t('id', 'seller.intro'), expect.stringContaining(t('id', 'fields.name.question'))]);
    const snapA = await run.service.engine.peek(`whatsapp:${a}`);
    const snapB = await run.service.engine.peek(`whatsapp:${b}`);
    expect(snapA?.context.application?.fields).toEqual({ name: 'Ayu Lestari' });
    expect(snapB?.context.application?.fields).toEqual({});
    expect(snapA?.context.profile).toEqual({ name: 'Ayu', phone: `+${a}` });
    expect(snapB?.context.profile).toEqual({ name: 'Bima', phone: `+${b}` });
  });

  it('processes one user\'s several messages of one batch in order', async () => {
    const u = '6281200000013';
    await post('whatsapp', whatsAppWebhook([wa.text(u, 'daftar'), wa.text(u, 'Citra Dewi'), wa.text(u, 'Toko Citra')], META.phoneNumberId));
    expect(graph.textsTo(u)).toEqual([
      t('id', 'seller.intro'),
      t('id', 'fields.name.question'),
      t('id', 'fields.businessName.question'),
      t('id', 'fields.productType.question'),
    ]);
  });

  it('answers two Messenger users in one webhook, and skips the echo of our own message in it', async () => {
    const p1 = '24000000000001011';
    const p2 = '24000000000001012';
    await post('messenger', messengerWebhook('messenger', [[mg.text(p1, 'daftar'), mg.echo(META.pageId, p1, 'echo')], [mg.text(p2, 'daftar seller')]], META.pageId));
    for (const p of [p1, p2]) expect(graph.textsTo(p)).toEqual([said('messenger', 'seller.intro'), t('id', 'fields.name.question')]);
    expect(await run.service.engine.peek(`messenger:${p1}`)).not.toBeNull();
    expect(await run.service.engine.peek(`messenger:${p2}`)).not.toBeNull();
  });
});

describe('events that are not messages, and messages the bot cannot read', () => {
  it('acknowledges WhatsApp statuses and reactions with 200 and sends nothing', async () => {
    const u = '6281200000021';
    graph.reset();
    await post('whatsapp', whatsAppWebhook([wa.status('wamid.out1', u, 'sent'), wa.status('wamid.out1', u, 'delivered'), wa.status('wamid.out1', u, 'read'), wa.status('wamid.out2', u, 'failed')], META.phoneNumberId));
    await post('whatsapp', whatsAppWebhook([wa.reaction(u, 'wamid.out1', '👍')], META.phoneNumberId));
    expect(graph.attempts).toEqual([]);
    expect(await run.service.engine.peek(`whatsapp:${u}`)).toBeNull();
  });

  it.each(['messenger', 'instagram'] as const)('acknowledges %s reads, deliveries, reactions and echoes with 200 and sends nothing', async (channel) => {
    const p = channel === 'messenger' ? '24000000000001021' : '17800000000001021';
    const account = channel === 'messenger' ? META.pageId : META.igAccountId;
    graph.reset();
    await post(channel, messengerWebhook(channel, [mg.read(p), mg.delivery(p), mg.reaction(p, 'm_abc'), mg.echo(account, p, 'Halo')], account));
    expect(graph.attempts).toEqual([]);
  });

  it('answers a WhatsApp sticker, audio and location each with one polite reply', async () => {
    const u = '6281200000022';
    const user = new MetaUser(run, graph, 'whatsapp', u);
    for (const [event, kind] of [[wa.sticker(u, 'sticker-1'), 'sticker'], [wa.audio(u, 'audio-1'), 'audio'], [wa.location(u, -6.24, 106.8), 'location']] as const) {
      // Said what cannot be read, then the menu again (the third unusable message offers an officer).
      const replies = texts(await user.post(event));
      expect(replies[0]).toBe(t('id', `media.${kind}`));
      expect(replies[1]).toBe(kind === 'location' ? t('id', 'repair.stuck') : t('id', 'welcome.menu'));
    }
    // The sticker and audio were never downloaded.
    expect(graph.requests.filter((r) => r.method === 'GET' && /sticker-1|audio-1/.test(r.path))).toEqual([]);
  });

  it('answers a Messenger sticker and audio, and an Instagram audio, each with one polite reply, also mid-application', async () => {
    const p = '24000000000001022';
    const user = new MetaUser(run, graph, 'messenger', p);
    await user.say('daftar');
    for (const [event, kind] of [[mg.sticker(p, graph.addCdnFile('/cdn/sticker.png', photo, 'image/png')), 'sticker'], [mg.audio(p, graph.addCdnFile('/cdn/voice.mp4', Buffer.from('x'), 'audio/mp4')), 'audio']] as const) {
      expect(texts(await user.post(event))).toEqual([t('id', `media.${kind}`), t('id', 'fields.name.question')]);
    }
    // Still at the name question.
    expect(await user.say('Eka Putri')).toEqual([t('id', 'fields.businessName.question')]);

    const ig = '17800000000001022';
    const igUser = new MetaUser(run, graph, 'instagram', ig);
    expect(texts(await igUser.post(mg.audio(ig, graph.addCdnFile('/cdn/ig-voice.mp4', Buffer.from('x'), 'audio/mp4'))))).toEqual([t('id', 'media.audio'), t('id', 'welcome.menu')]);
  });
});
