import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/messages.js';
import { ANSWERS, Conversation, FakeServices } from './harness.js';

/**
 * Issue 14, items 4 and 5: a report found without its number (by the phone *and* email on it, or
 * the sender's own WhatsApp number), wrong guesses limited, and no duplicate tickets: a report
 * not answered yet is never filed again, and a follow-up is filed only after an explicit yes,
 * with the explanation the customer already gave.
 */

const NUMBER = 'ITSM-20261124-00001';
const SUPPORT_ANSWER = { text: 'Toko Anda sudah kami aktifkan, silakan cek menu Toko Saya.', at: '2026-11-25T03:00:00.000Z' };

/** A seller application filed from a conversation of its own (phone 0812-3456-7890, budi.santoso@gmail.com). */
async function fileApplication(services: FakeServices, channel = 'whatsapp', conversationId = `conv-${randomUUID()}`) {
  const c = new Conversation(services, undefined, channel, conversationId);
  await c.say('daftar seller');
  for (const a of [ANSWERS.name, ANSWERS.businessName, ANSWERS.productType, ANSWERS.city, ANSWERS.province, ANSWERS.phone, ANSWERS.email]) await c.say(a);
  await c.photo();
  await c.say('kirim');
  return c;
}

/** The fake classifier places "lupa nomornya …" as the real one does (test/conversations checks the real one). */
function withStatusWords(services: FakeServices) {
  const base = services.nlu;
  services.nlu = (text) => (/lupa|nomor|kabar|laporan/i.test(text) ? { label: 'intent:status_inquiry', confidence: 0.9, alternatives: [] } : base(text));
  return services;
}

describe('a report found without its number', () => {
  it("'lupa nomornya, chatnya kehapus' in a new chat, then the phone, then the email: the report, not the number question again", async () => {
    const services = withStatusWords(new FakeServices());
    await fileApplication(services, 'whatsapp', '6281200000001');
    const c = new Conversation(services, undefined, 'messenger', 'psid-new-chat');
    expect(await c.say('lupa nomornya, chatnya kehapus')).toEqual([t('id', 'status.contactAsk')]);
    expect(await c.say('0812 3456 7890')).toEqual([t('id', 'status.contactAskEmail', { phone: '0812-3456-7890' })]);
    const shown = await c.say('budi.santoso@gmail.com');
    expect(shown[0]).toContain(`*${NUMBER}*`);
    expect(shown.join('\n')).not.toContain(t('id', 'status.askNumber'));
  });

  it('takes the phone and the email in one message, in either order, after "lupa" at the number question', async () => {
    const services = new FakeServices();
    await fileApplication(services);
    const c = new Conversation(services, undefined, 'instagram', 'igsid-1');
    expect(await c.say('cek status')).toEqual([t('id', 'status.askNumber')]);
    expect(await c.say('lupa')).toEqual([t('id', 'status.contactAsk')]);
    const shown = await c.say('email sy budi.santoso@gmail.com, hp 0812-3456-7890');
    expect(shown[0]).toContain(NUMBER);
  });

  it('an email first at the number question is kept, and the phone asked for', async () => {
    const services = new FakeServices();
    await fileApplication(services);
    const c = new Conversation(services, undefined, 'messenger', 'psid-2');
    await c.say('cek status');
    expect(await c.say('BUDI.SANTOSO@gmail.com')).toEqual([t('id', 'status.contactAskPhone', { email: 'budi.santoso@gmail.com' })]);
    expect((await c.say('+62 812 3456 7890'))[0]).toContain(NUMBER);
  });

  it('lists several reports by number and status only, and shows the one picked by its place in the list', async () => {
    const services = new FakeServices();
    await fileApplication(services, 'messenger');
    await fileApplication(services, 'whatsapp');
    services.replies.set('ITSM-20261124-00002', SUPPORT_ANSWER);
    const c = new Conversation(services, undefined, 'instagram', 'igsid-3');
    await c.say('cek status');
    await c.say('lupa nomornya');
    const listed = await c.say(`${ANSWERS.phone} ${ANSWERS.email}`);
    const text = listed.join('\n');
    expect(text).toContain(t('id', 'status.foundSeveral', { count: 2 }));
    expect(text).toContain('ITSM-20261124-00001');
    expect(text).toContain('ITSM-20261124-00002');
    // Numbers and status only: no name, phone, email or support answer in the list.
    for (const secret of [ANSWERS.name, 'budi.santoso@gmail.com', '3456', SUPPORT_ANSWER.text]) expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
    // Newest first: the second filed is number 1 in the list; picked without proving again.
    const shown = await c.say('1');
    expect(shown[0]).toContain('*ITSM-20261124-00002*');
    expect(shown[0]).toContain(SUPPORT_ANSWER.text);
  });

  it('needs the phone AND the email of the same report: one of them right is not enough', async () => {
    const services = new FakeServices();
    await fileApplication(services);
    const c = new Conversation(services, undefined, 'messenger', 'psid-4');
    await c.say('cek status');
    await c.say('lupa');
    const wrong = await c.say(`${ANSWERS.phone} orang.lain@gmail.com`);
    expect(wrong).toEqual([t('id', 'status.contactNotFound', { left: 2 }), t('id', 'status.contactAsk')]);
    expect((await c.context()).inquiry?.ticket ?? null).toBeNull();
  });

  it('three wrong pairs, then an officer takes over the search; starting again does not reset the count', async () => {
    const services = new FakeServices();
    await fileApplication(services);
    const c = new Conversation(services, undefined, 'messenger', 'psid-5');
    await c.say('cek status');
    await c.say('lupa');
    expect(await c.say('0811 1111 1111 a@gmail.com')).toContain(t('id', 'status.contactNotFound', { left: 2 }));
    await c.say('batal');
    await c.say('cek status');
    await c.say('lupa');
    expect(await c.say('0811 1111 1112 b@gmail.com')).toContain(t('id', 'status.contactNotFound', { left: 1 }));
    const third = await c.say('0811 1111 1113 c@gmail.com');
    expect(third[0]).toBe(t('id', 'status.contactGiveUp'));
    expect(await c.handoffs.openOf(c.key)).toMatchObject({ status: 'waiting', reason: 'stuck' });
    expect((await c.context()).officerRequested).toBe(true);
  });

  it('the sender\'s own WhatsApp number finds their reports from another chat without asking anything', async () => {
    const services = new FakeServices();
    await fileApplication(services, 'messenger');
    const c = new Conversation(services, undefined, 'whatsapp', '6281234567890');
    const withProfile = await c.engine.step({
      conversationKey: c.key,
      channel: c.channel,
      conversationId: c.conversationId,
      messageId: randomUUID(),
      event: { type: 'TEXT', text: 'cek status' },
      text: 'cek status',
      profile: { name: 'Budi', phone: '+6281234567890' },
    });
    expect(withProfile.replies.map((x) => x.key)).toContain('status.show');
  });
});

describe('no duplicate tickets', () => {
  it("'ya blm ada kabar aja' on a report two minutes old that the support team has not answered files nothing", async () => {
    const services = withStatusWords(new FakeServices());
    const c = await fileApplication(services);
    const shown = await c.say('cek status');
    expect(shown[0]).toContain(`*${NUMBER}*`);
    expect(shown[0]).toContain(t('id', 'status.unanswered', { date: (await c.context()).inquiry?.ticket?.filedAt?.slice(0, 10) ?? '-' }));
    // No "is it settled?" about a report nobody answered, and an officer offered.
    expect(shown[0]).not.toContain(t('id', 'status.settledQuestion'));
    const after = await c.say('ya blm ada kabar aja');
    expect(after).toEqual([t('id', 'status.stillWaiting', { number: NUMBER })]);
    expect(services.ticketsIssued).toBe(1);
    expect(services.filed.filter((f) => f.kind === 'refile')).toEqual([]);
  });

  it("'belum' with the explanation in the same message: that explanation, shown, filed only after 'ya'", async () => {
    const services = new FakeServices();
    const c = await fileApplication(services);
    services.replies.set(NUMBER, SUPPORT_ANSWER);
    await c.say('cek status');
    const confirm = await c.say('belum, tokonya masih belum muncul di marketplace');
    expect(confirm).toEqual([t('id', 'status.confirmRefile', { number: NUMBER, text: 'tokonya masih belum muncul di marketplace' })]);
    expect(services.ticketsIssued).toBe(1);
    const filed = await c.say('ya');
    expect(filed[0]).toBe(t('id', 'status.refiled', { number: 'ITSM-20261124-00002', previous: NUMBER, phone: '0812-3456-7890', email: ANSWERS.email }));
    expect(services.filed.at(-1)).toMatchObject({ kind: 'refile', previousNumber: NUMBER, description: 'tokonya masih belum muncul di marketplace' });
  });

  it('the explanation said when asking is used for a bare "belum", not asked for again', async () => {
    const services = new FakeServices();
    const c = await fileApplication(services);
    services.replies.set(NUMBER, SUPPORT_ANSWER);
    await c.say(`${NUMBER} kok tokonya masih ga bisa dibuka ya`);
    const confirm = await c.say('belum');
    expect(confirm).toEqual([t('id', 'status.confirmRefile', { number: NUMBER, text: 'kok tokonya masih ga bisa dibuka ya' })]);
  });

  it('a bare "belum" asks what is still wrong; status talk is not taken as the explanation; "tidak" files nothing', async () => {
    const services = new FakeServices();
    const c = await fileApplication(services);
    services.replies.set(NUMBER, SUPPORT_ANSWER);
    await c.say('cek status');
    expect(await c.say('belum')).toEqual([t('id', 'status.refileDescribe', { number: NUMBER })]);
    const notYet = await c.say('ya blm ada kabar aja');
    expect(notYet.at(-1)).toBe(t('id', 'status.refileDescribe', { number: NUMBER }));
    expect(await c.say('menu toko saya kosong')).toEqual([t('id', 'status.confirmRefile', { number: NUMBER, text: 'menu toko saya kosong' })]);
    const dropped = await c.say('tidak');
    expect(dropped[0]).toContain(t('id', 'status.refileDropped'));
    expect(services.ticketsIssued).toBe(1);
  });

  it('more words while confirming are added to the explanation, nothing dropped', async () => {
    const services = new FakeServices();
    const c = await fileApplication(services);
    services.replies.set(NUMBER, SUPPORT_ANSWER);
    await c.say('cek status');
    await c.say('belum, produk saya tidak bisa diupload');
    const again = await c.say('errornya muncul tiap upload foto');
    expect(again).toEqual([t('id', 'status.confirmRefile', { number: NUMBER, text: 'produk saya tidak bisa diupload\nerrornya muncul tiap upload foto' })]);
  });
});
