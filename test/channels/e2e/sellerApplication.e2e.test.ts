import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../../src/i18n/messages.js';
import { choicesOf, textOf, type FakeGraph, type SendBody } from '../../support/fakeGraph.js';
import { fetchTicket, META, startFakeGraph, startMetaService, type RunningService } from '../../support/metaService.js';
import { MetaUser, said, texts } from '../../support/metaUser.js';
import { productJpeg } from '../../support/photos.js';

/**
 * The whole seller application over each Meta channel, end to end: signed webhooks into the real
 * service, replies read from the fake Graph API, the photo downloaded from it, the ticket read
 * back through the ticket API and the stored photo on disk.
 */

const ITSM = /ITSM-\d{8}-\d{5}/;
const ANSWERS = {
  businessName: 'Keripik Bu Sri',
  productType: 'makanan ringan',
  city: 'kepanjen',
  province: 'jawa timr',
  email: 'budi.santoso@gmail.com',
};

let graph: FakeGraph;
let run: RunningService;
let photo: Buffer;

beforeAll(async () => {
  graph = await startFakeGraph();
  run = await startMetaService(graph);
  photo = await productJpeg(1200, 900);
});
afterAll(async () => {
  await run.stop();
  await graph.close();
  fs.rmSync(run.dataDir, { recursive: true, force: true });
});

const only = (sends: SendBody[]): SendBody => {
  expect(sends).toHaveLength(1);
  return sends[0]!;
};

/** Checks the ticket behind `doneText` and the stored photo; returns the ticket. */
async function checkTicket(doneText: string, channel: string, applicant: Record<string, string>): Promise<Record<string, unknown>> {
  const number = ITSM.exec(doneText)?.[0];
  expect(number, doneText).toBeDefined();
  const { status, body: ticket } = await fetchTicket(run.url, number!);
  expect(status).toBe(200);
  expect(ticket).toMatchObject({
    number,
    channel,
    callType: 'Service Request',
    serviceFamily: '32. NEW PLN MOBILE',
    serviceGroup: '12. REGISTRASI PLN MOBILE - MA',
    serviceType: '07. Melakukan Registrasi Toko Marketplace',
    officer: 'chatbot.pln123',
    applicant,
    status: 'Open',
    apkt: { category: 'Keluhan', complaintType: 'Informasi', subType: 'Umum', itsmNumber: number },
  });
  const p = ticket.photo as { sha256: string; width: number; height: number; mimeType: string; fileName: string };
  expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(p).toMatchObject({ width: 1200, height: 900, mimeType: 'image/jpeg', fileName: `${p.sha256}.jpg` });
  const file = path.join(run.dataDir, 'photos', `${p.sha256}.jpg`);
  expect(fs.existsSync(file)).toBe(true);
  const bytes = fs.readFileSync(file);
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(p.sha256);
  const meta = await sharp(bytes).metadata();
  expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1200, 900]);
  return ticket;
}

describe('seller application over WhatsApp (Cloud API webhooks)', () => {
  it('completes with one-tap profile answers, reply buttons, a list, a photo, and files the ticket', async () => {
    const user = new MetaUser(run, graph, 'whatsapp', '6281234567890', 'Budi Santoso');

    const intro = await user.post(user.text('mau daftar jadi seller dong'));
    expect(texts(intro)).toHaveLength(2);
    expect(intro[0]).toMatchObject({ messaging_product: 'whatsapp', to: expect.stringMatching(/^\+?6281234567890$/), type: 'text', text: { body: t('id', 'seller.intro') } });
    // The name question offers the WhatsApp profile name as a one-tap reply button.
    const nameQ = intro[1]!;
    expect(nameQ.type).toBe('interactive');
    expect(nameQ.interactive?.type).toBe('button');
    expect(textOf(nameQ)).toContain(t('id', 'fields.name.question'));
    expect(textOf(nameQ)).toContain(t('id', 'seller.defaults.name'));
    expect(choicesOf(nameQ).map((c) => c.title)).toEqual(['Budi Santoso']);

    expect(texts(await user.tap('Budi Santoso'))).toEqual([t('id', 'fields.businessName.question')]);
    expect(await user.say(ANSWERS.businessName)).toEqual([t('id', 'fields.productType.question')]);
    expect(await user.say(ANSWERS.productType)).toEqual([t('id', 'fields.city.question')]);
    expect(await user.say(ANSWERS.city)).toEqual([t('id', 'fields.province.question')]);

    const confirm = only(await user.post(user.text(ANSWERS.province)));
    expect(textOf(confirm)).toBe(t('id', 'fields.province.confirm', { value: 'Jawa Timur' }));
    expect(confirm.interactive?.type).toBe('button');
    expect(choicesOf(confirm).map((c) => c.title)).toEqual(['Ya', 'Tidak']);

    // The phone question offers the sender's own WhatsApp number.
    const phoneQ = only(await user.tap('Ya'));
    expect(textOf(phoneQ)).toContain(t('id', 'fields.phone.question'));
    expect(textOf(phoneQ)).toContain(t('id', 'seller.defaults.phone'));
    expect(phoneQ.interactive?.type).toBe('button');
    expect(choicesOf(phoneQ).map((c) => c.title)).toEqual(['0812-3456-7890']);

    expect(texts(await user.tap('0812-3456-7890'))).toEqual([t('id', 'fields.email.question')]);
    expect(await user.say('budi@yahoo.co.id')).toEqual([t('id', 'seller.photo.questionRequired')]);

    const requestsBefore = graph.requests.length;
    const afterPhoto = await user.sendImage(photo);
    const mediaCalls = graph.requests.slice(requestsBefore).filter((r) => r.method === 'GET');
    expect(texts(afterPhoto)[0]).toBe(t('id', 'seller.photo.received'));
    const summary = afterPhoto[1]!;
    expect(afterPhoto).toHaveLength(2);
    expect(textOf(summary)).toContain(t('id', 'seller.summary.intro'));
    expect(textOf(summary)).toContain('Jawa Timur');
    expect(textOf(summary)).toContain('0812-3456-7890');
    // Three choices: WhatsApp reply buttons.
    expect(summary.interactive?.type).toBe('button');
    expect(choicesOf(summary).map((c) => c.title)).toEqual(['Kirim', 'Ubah data', 'Batal']);

    // Eight choices: a WhatsApp list.
    const chooseField = only(await user.tap('Ubah data'));
    expect(textOf(chooseField)).toBe(t('id', 'seller.summary.chooseField'));
    expect(chooseField.interactive?.type).toBe('list');
    expect(choicesOf(chooseField).map((c) => c.title)).toEqual([
      'Nama Pemohon',
      'Nama Usaha',
      'Jenis Produk',
      'Kota',
      'Provinsi',
      'No. Telepon',
      'Email',
      'Foto Contoh Produk',
    ]);
    expect(texts(await user.tap('Email'))).toEqual([t('id', 'fields.email.question')]);
    const summary2 = only(await user.post(user.text(ANSWERS.email)));
    expect(textOf(summary2)).toContain(ANSWERS.email);
    expect(summary2.interactive?.type).toBe('button');

    const done = only(await user.tap('Kirim'));
    const doneText = textOf(done) ?? '';
    expect(doneText).toMatch(ITSM);
    expect(doneText).toContain('0812-3456-7890');
    expect(doneText).toContain(ANSWERS.email);
    await checkTicket(doneText, 'whatsapp', {
      name: 'Budi Santoso',
      businessName: ANSWERS.businessName,
      productType: ANSWERS.productType,
      province: 'Jawa Timur',
      phone: '+6281234567890',
      email: ANSWERS.email,
    });

    // The photo was fetched in two steps with the WhatsApp token: media id -> URL -> bytes.
    expect(mediaCalls.map((r) => r.path)).toEqual([expect.stringMatching(/^\/v25\.0\/[0-9a-f-]{36}$/), expect.stringMatching(/^\/media\/[0-9a-f-]{36}$/)]);
    expect(mediaCalls.every((r) => r.status === 200 && r.headers.authorization === `Bearer ${META.whatsappToken}`)).toBe(true);
    expect(mediaCalls[0]!.query.get('phone_number_id')).toBe(META.phoneNumberId);
  });
});

describe.each([
  { channel: 'messenger' as const, userId: '24000000000000001' },
  { channel: 'instagram' as const, userId: '17800000000000002' },
])('seller application over $channel', ({ channel, userId }) => {
  it('completes with typed answers, quick replies, a CDN photo, and files the ticket', async () => {
    const user = new MetaUser(run, graph, channel, userId);

    const intro = await user.post(user.text('Halo kak, saya mau daftar jadi seller di marketplace'));
    expect(texts(intro)).toEqual([said(channel, 'seller.intro'), t('id', 'fields.name.question')]);
    // The WhatsApp *bold* markers are removed for Messenger/Instagram.
    expect(said(channel, 'seller.intro')).not.toContain('*');
    expect(intro[0]).toMatchObject({ recipient: { id: userId }, messaging_type: 'RESPONSE', message: { text: said(channel, 'seller.intro') } });
    // No profile from Messenger/Instagram: no one-tap name.
    expect(choicesOf(intro[1]!)).toEqual([]);

    expect(await user.say('siti aminah')).toEqual([t('id', 'fields.businessName.question')]);
    expect(await user.say(ANSWERS.businessName)).toEqual([t('id', 'fields.productType.question')]);
    expect(await user.say(ANSWERS.productType)).toEqual([t('id', 'fields.city.question')]);
    expect(await user.say(ANSWERS.city)).toEqual([t('id', 'fields.province.question')]);
    const confirm = only(await user.post(user.text(ANSWERS.province)));
    expect(confirm.message?.quick_replies?.map((q) => [q.content_type, q.title])).toEqual([
      ['text', 'Ya'],
      ['text', 'Tidak'],
    ]);
    expect(texts(await user.tap('Ya'))).toEqual([t('id', 'fields.phone.question')]);
    expect(await user.say('0857 1234 5678')).toEqual([t('id', 'fields.email.question')]);
    expect(await user.say(ANSWERS.email)).toEqual([said(channel, 'seller.photo.questionRequired')]);

    const afterPhoto = await user.sendImage(photo);
    expect(texts(afterPhoto)[0]).toBe(t('id', 'seller.photo.received'));
    expect(afterPhoto).toHaveLength(2);
    const summary = afterPhoto[1]!;
    expect(textOf(summary)).toContain('0857-1234-5678');
    // Choices as quick replies (Messenger and Instagram alike).
    expect(summary.message?.quick_replies?.map((q) => q.title)).toEqual(['Kirim', 'Ubah data', 'Batal']);

    const chooseField = only(await user.tap('Ubah data'));
    expect(textOf(chooseField)).toBe(said(channel, 'seller.summary.chooseField'));
    expect(chooseField.message?.quick_replies).toHaveLength(8);
    expect(chooseField.message?.quick_replies?.every((q) => q.content_type === 'text' && (q.title ?? '').length <= 20)).toBe(true);
    expect(texts(await user.tap('Jenis Produk'))).toEqual([t('id', 'fields.productType.question')]);
    const summary2 = only(await user.post(user.text('keripik singkong')));
    expect(textOf(summary2)).toContain('keripik singkong');

    const done = only(await user.tap('Kirim'));
    const doneText = textOf(done) ?? '';
    expect(doneText).toContain('0857-1234-5678');
    await checkTicket(doneText, channel, {
      name: 'Siti Aminah',
      businessName: ANSWERS.businessName,
      productType: 'keripik singkong',
      province: 'Jawa Timur',
      phone: '+6285712345678',
      email: ANSWERS.email,
    });

    // The CDN photo was fetched without a token, and nothing else was asked of the Graph API.
    const cdn = graph.requests.filter((r) => r.path.startsWith(`/cdn/${channel}/`));
    expect(cdn).toHaveLength(1);
    expect(cdn[0]!.headers.authorization).toBeUndefined();
    // Every send went to /me/messages with this channel's own token.
    const sends = graph.attempts.filter((a) => a.to === userId);
    expect(sends.length).toBeGreaterThan(10);
    expect(sends.every((a) => a.channel === channel && a.status === 200)).toBe(true);
  });
});
