import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { t } from '../../src/i18n/messages.js';
import { eventFromText } from '../../dialogs/toEvent.js';
import { renderReply } from '../../src/bot/renderReply.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import { ANSWERS, Conversation, FakeServices, PHOTO, fillForm, tempDir } from './harness.js';

const q = (field: string) => t('id', `fields.${field}.question`);

describe('seller application dialog', () => {
  it('explains the procedure first, then asks the seven fields in the SOP order', async () => {
    const c = new Conversation(new FakeServices());
    const first = await c.say('halo min, saya mau daftar jadi seller');
    expect(first).toEqual([t('id', 'seller.intro'), q('name')]);
    expect(await c.say(ANSWERS.name)).toEqual([q('businessName')]);
    expect(await c.say(ANSWERS.businessName)).toEqual([q('productType')]);
    expect(await c.say(ANSWERS.productType)).toEqual([q('city')]);
    expect(await c.say(ANSWERS.city)).toEqual([q('province')]);
    expect(await c.say(ANSWERS.province)).toEqual([q('phone')]);
    expect(await c.say(ANSWERS.phone)).toEqual([q('email')]);
    const afterEmail = await c.say(ANSWERS.email);
    // Bot Framework channels: the photo is optional.
    expect(afterEmail).toEqual([t('id', 'seller.photo.questionOptional')]);
  });

  it('completes with normalised values, one ticket, and the ITSM number with both follow-up channels', async () => {
    const services = new FakeServices();
    const c = new Conversation(services);
    await fillForm(c);
    const summary = await c.say('lewati');
    expect(summary).toHaveLength(1);
    expect(summary[0]).toContain('Budi Santoso');
    expect(summary[0]).toContain('Jawa Timur');
    expect(summary[0]).toContain('0812-3456-7890');
    expect(summary[0]).toContain(`${t('id', 'seller.photo.label')}: ${t('id', 'seller.photo.none')}`);
    const done = await c.say('kirim');
    expect(services.filed).toHaveLength(1);
    expect(services.filed[0]!.applicant).toEqual({
      name: 'Budi Santoso',
      businessName: 'Keripik Bu Sri',
      productType: 'makanan ringan',
      city: 'Kepanjen',
      province: 'Jawa Timur',
      phone: '+6281234567890',
      email: 'budi.santoso@gmail.com',
    });
    expect(services.filed[0]!.photo).toBeNull();
    expect(done).toEqual([t('id', 'seller.done', { number: 'ITSM-20261124-00001', phone: '0812-3456-7890', email: 'budi.santoso@gmail.com' })]);
    expect(await c.state()).toBe('"idle"');
    expect((await c.context()).lastTicket?.itsmNumber).toBe('ITSM-20261124-00001');
  });

  it('requires the product photo on WhatsApp and files it with the ticket', async () => {
    const services = new FakeServices();
    const c = new Conversation(services, undefined, 'whatsapp', '6281234567890');
    const afterEmail = await fillForm(c);
    expect(afterEmail).toEqual([t('id', 'seller.photo.questionRequired')]);
    // Required here: said so, the conversation is kept for later, no loop.
    expect(await c.say('lewati')).toEqual([t('id', 'repair.photoLater')]);
    expect(await c.say('ini fotonya')).toEqual([t('id', 'repair.notAnAnswer'), t('id', 'seller.photo.questionRequired')]);
    const afterPhoto = await c.photo();
    expect(afterPhoto[0]).toBe(t('id', 'seller.photo.received'));
    expect(afterPhoto[1]).toContain(`${t('id', 'seller.photo.label')}: ${t('id', 'seller.photo.attached')}`);
    await c.say('ya');
    expect(services.filed[0]!.photo).toEqual(PHOTO);
    expect(services.filed[0]!.channel).toBe('whatsapp');
  });

  it('requires the photo too on a Bot Framework conversation that calls itself WhatsApp (npm run chat -- --channel whatsapp)', async () => {
    const c = new Conversation(new FakeServices(), undefined, 'bf:whatsapp', 'chat-1');
    expect(await fillForm(c)).toEqual([t('id', 'seller.photo.questionRequired')]);
    expect(await c.say('lewati')).toEqual([t('id', 'repair.photoLater')]);
  });

  it('tells why a photo was refused and asks again', async () => {
    const services = new FakeServices();
    const c = new Conversation(services, undefined, 'instagram', 'ig-1');
    await fillForm(c);
    services.photoError = 'notImage';
    expect(await c.photo()).toEqual([t('id', 'seller.photo.errors.notImage')]);
    services.photoError = 'tooLarge';
    expect(await c.photo()).toEqual([t('id', 'seller.photo.errors.tooLarge')]);
    services.photoError = null;
    const ok = await c.photo();
    expect(ok[0]).toBe(t('id', 'seller.photo.received'));
  });

  it('asks a photo sent too early to wait, without losing the question', async () => {
    const c = new Conversation(new FakeServices(), undefined, 'whatsapp', '628111');
    await c.say('daftar');
    expect(await c.photo()).toEqual([t('id', 'seller.photo.later'), q('name')]);
    expect(await c.say('Siti Aminah')).toEqual([q('businessName')]);
  });

  it('asks for a mobile number when given a landline: the follow-up is promised by SMS/WhatsApp', async () => {
    const c = new Conversation(new FakeServices());
    await c.say('daftar');
    for (const a of [ANSWERS.name, ANSWERS.businessName, ANSWERS.productType, ANSWERS.city, ANSWERS.province]) await c.say(a);
    expect(await c.say('(0341) 551234')).toEqual([t('id', 'fields.phone.errors.landline')]);
    expect((await c.context()).application?.fields.phone).toBeUndefined();
    expect(await c.say('0812 3456 7890')).toEqual([q('email')]);
    expect((await c.context()).application?.fields.phone).toBe('+6281234567890');
  });

  it('confirms a guessed province and accepts it with "ya"', async () => {
    const c = new Conversation(new FakeServices());
    await c.say('daftar');
    for (const a of [ANSWERS.name, ANSWERS.businessName, ANSWERS.productType, ANSWERS.city]) await c.say(a);
    const confirm = await c.say('jawa timr');
    expect(confirm).toEqual([t('id', 'fields.province.confirm', { value: 'Jawa Timur', typed: 'jawa timr' })]);
    expect(await c.say('iya')).toEqual([q('phone')]);
    expect((await c.context()).application?.fields.province).toBe('Jawa Timur');
  });

  it('asks again when a guessed province is rejected', async () => {
    const c = new Conversation(new FakeServices());
    await c.say('daftar');
    for (const a of [ANSWERS.name, ANSWERS.businessName, ANSWERS.productType, ANSWERS.city]) await c.say(a);
    await c.say('jawa timr');
    expect(await c.say('bukan')).toEqual([t('id', 'seller.askAgain'), q('province')]);
    expect(await c.say('DKI')).toEqual([q('phone')]);
    expect((await c.context()).application?.fields.province).toBe('DKI Jakarta');
  });

  it('suggests a fix for an email domain typo; no to it asks again, and the same address typed again is kept as typed', async () => {
    const c = new Conversation(new FakeServices());
    await c.say('daftar');
    for (const a of [ANSWERS.name, ANSWERS.businessName, ANSWERS.productType, ANSWERS.city, ANSWERS.province, ANSWERS.phone]) await c.say(a);
    expect(await c.say('budi@gmial.com')).toEqual([t('id', 'fields.email.confirm', { value: 'budi@gmail.com', typed: 'budi@gmial.com' })]);
    await c.say('ya');
    expect((await c.context()).application?.fields.email).toBe('budi@gmail.com');

    const d = new Conversation(new FakeServices());
    await d.say('daftar');
    for (const a of [ANSWERS.name, ANSWERS.businessName, ANSWERS.productType, ANSWERS.city, ANSWERS.province, ANSWERS.phone]) await d.say(a);
    await d.say('budi@gmial.com');
    expect(await d.say('tidak')).toEqual([t('id', 'seller.askAgain'), q('email')]);
    expect((await d.context()).application?.fields.email).toBeUndefined();
    // Typed the same again: that is the address they mean (a domain of their own, say).
    await d.say('budi@gmial.com');
    expect((await d.context()).application?.fields.email).toBe('budi@gmial.com');

    // "budi@gmail" is not an address: rejecting the suggestion asks again instead of keeping it.
    const e = new Conversation(new FakeServices());
    await e.say('daftar');
    for (const a of [ANSWERS.name, ANSWERS.businessName, ANSWERS.productType, ANSWERS.city, ANSWERS.province, ANSWERS.phone]) await e.say(a);
    expect(await e.say('budi@gmail')).toEqual([t('id', 'fields.email.confirm', { value: 'budi@gmail.com', typed: 'budi@gmail' })]);
    expect(await e.say('tidak')).toEqual([t('id', 'seller.askAgain'), q('email')]);
    expect((await e.context()).application?.fields.email).toBeUndefined();
  });

  it('gives a specific hint for an invalid answer and offers an officer after the third failure', async () => {
    const c = new Conversation(new FakeServices());
    await c.say('daftar');
    for (const a of [ANSWERS.name, ANSWERS.businessName, ANSWERS.productType, ANSWERS.city, ANSWERS.province]) await c.say(a);
    const first = await c.say('nomor saya rahasia');
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(/Contoh/);
    expect(await c.say('12')).toHaveLength(1);
    const third = await c.say('+1 202 555 0143');
    expect(third).toHaveLength(2);
    expect(third[1]).toBe(t('id', 'seller.offerOfficer'));
    expect((await c.context()).officerRequested).toBe(false);
    expect(await c.say('petugas')).toEqual([t('id', 'officer.queuedStuck', { position: 1 }), t('id', 'officer.continueForm')]);
    const ctx = await c.context();
    expect(ctx.officerRequested).toBe(true);
    expect(await c.handoffs.openOf(c.key)).toMatchObject({ status: 'waiting', reason: 'stuck' });
    // The form is still there: a valid answer continues it.
    expect(await c.say('081234567890')).toEqual([q('email')]);
  });

  it('changes one field from the summary without starting over ("ubah email")', async () => {
    const services = new FakeServices();
    const c = new Conversation(services);
    await fillForm(c);
    await c.say('lewati');
    expect(await c.say('ubah email')).toEqual([q('email')]);
    const summary = await c.say('budi.baru@yahoo.co.id');
    expect(summary[0]).toContain('budi.baru@yahoo.co.id');
    expect(summary[0]).toContain('Keripik Bu Sri');
    await c.say('kirim');
    expect(services.filed[0]!.applicant.email).toBe('budi.baru@yahoo.co.id');
    expect(services.filed[0]!.applicant.name).toBe('Budi Santoso');
  });

  it('changes a field through the choice list ("ubah" then a field)', async () => {
    const c = new Conversation(new FakeServices());
    await fillForm(c);
    await c.say('lewati');
    const choose = await c.say('ubah');
    expect(choose).toEqual([t('id', 'seller.summary.chooseField')]);
    expect(await c.say('kota')).toEqual([q('city')]);
    const summary = await c.say('kab. sidoarjo');
    expect(summary[0]).toContain('Kabupaten Sidoarjo');
    expect(summary[0]).not.toContain('Kepanjen');
    expect(summary[0]).toContain('Jawa Timur');
  });

  it('cancels at any point with "batal" and starts afresh afterwards', async () => {
    const services = new FakeServices();
    const c = new Conversation(services);
    await c.say('daftar');
    await c.say(ANSWERS.name);
    expect(await c.say('batal')).toEqual([t('id', 'seller.cancelled')]);
    expect(await c.state()).toBe('"idle"');
    expect((await c.context()).application).toBeNull();
    expect(await c.say('batal')).toEqual([t('id', 'common.nothingToCancel')]);
    expect(await c.say('daftar')).toEqual([t('id', 'seller.intro'), q('name')]);
    expect(services.filed).toHaveLength(0);
  });

  it('resumes at the same question after a restart of the process', async () => {
    const dir = tempDir();
    const services = new FakeServices();
    const db1 = openSqlite(dir);
    const before = new Conversation(services, db1);
    await before.say('daftar');
    await before.say(ANSWERS.name);
    await before.say(ANSWERS.businessName);
    db1.close();
    // A new process: new database handle, new engine, same file.
    const after = new Conversation(services, openSqlite(dir));
    expect(await after.say(ANSWERS.productType)).toEqual([q('city')]);
    expect((await after.context()).application?.fields.name).toBe('Budi Santoso');
    expect(path.isAbsolute(dir)).toBe(true);
  });

  it('files one ticket when the confirmation arrives twice', async () => {
    const services = new FakeServices();
    const c = new Conversation(services);
    await fillForm(c);
    await c.say('lewati');
    // The same message redelivered (same id): dropped without a reply.
    const first = await c.say('kirim', 'confirm-1');
    const again = await c.say('kirim', 'confirm-1');
    expect(first[0]).toContain('ITSM-20261124-00001');
    expect(again).toEqual([]);
    // The user taps "Kirim" a second time (new id): no second ticket.
    const second = await c.say('kirim', 'confirm-2');
    expect(second).toEqual([t('id', 'seller.alreadyFiled', { number: 'ITSM-20261124-00001' })]);
    expect(await c.state()).toBe('"idle"');
    expect(services.filed).toHaveLength(1);
    expect(services.ticketsIssued).toBe(1);
  });

  it('keeps the application when filing fails, and retries it under the same idempotency key', async () => {
    const services = new FakeServices();
    services.failFiling = 1;
    const c = new Conversation(services);
    await fillForm(c);
    await c.say('lewati');
    expect(await c.say('kirim')).toEqual([t('id', 'seller.submitFailed')]);
    const done = await c.say('kirim');
    expect(done[0]).toContain('ITSM-20261124-00001');
    expect(services.filed).toHaveLength(2);
    expect(services.filed[0]!.idempotencyKey).toBe(services.filed[1]!.idempotencyKey);
  });

  it('answers stickers and other media politely without changing the question', async () => {
    const c = new Conversation(new FakeServices());
    await c.say('daftar');
    const r = await c.engine.step({ conversationKey: c.key, channel: 'emulator', conversationId: 'conv-1', messageId: 'sticker', event: { type: 'UNSUPPORTED', what: 'sticker' } });
    expect(r.replies.map((x) => x.key)).toEqual(['media.sticker', 'fields.name.question']);
    expect(await c.say(ANSWERS.name)).toEqual([q('businessName')]);
  });

  it('answers someone who writes English in English at once, and switches back on request', async () => {
    const c = new Conversation(new FakeServices());
    const first = await c.engine.step({ conversationKey: c.key, channel: 'emulator', conversationId: c.conversationId, messageId: 'hello', event: eventFromText('hello, how can I register as a seller?') });
    expect(first.locale).toBe('en');
    // A question about the procedure is answered from it, with the menu (its first button registers).
    expect(first.replies.map((r) => renderReply(r, first.locale).text)).toEqual([t('en', 'language.switchedAuto'), t('en', 'faq.requirements'), t('en', 'welcome.menu')]);
    const started = await c.engine.step({ conversationKey: c.key, channel: 'emulator', conversationId: c.conversationId, messageId: 'reg', event: eventFromText('register as seller') });
    expect(started.replies.map((r) => renderReply(r, started.locale).text)).toEqual([t('en', 'seller.intro'), t('en', 'fields.name.question')]);
    const back = await c.engine.step({ conversationKey: c.key, channel: 'emulator', conversationId: c.conversationId, messageId: 'lang', event: eventFromText('bahasa indonesia') });
    expect(back.locale).toBe('id');
    expect(back.replies.map((r) => renderReply(r, back.locale).text)).toEqual([t('id', 'language.switched'), t('id', 'fields.name.question')]);
  });

  it('offers the WhatsApp profile name and number as one-tap answers', async () => {
    const c = new Conversation(new FakeServices(), undefined, 'whatsapp', '6281298765432');
    const profile = { name: 'Dewi Lestari', phone: '+6281298765432' };
    const step = (text: string) =>
      c.engine.step({ conversationKey: c.key, channel: 'whatsapp', conversationId: c.conversationId, messageId: text + Math.random(), event: eventFromText(text), profile });
    const first = await step('daftar');
    const ask = first.replies[1]!;
    expect(ask.key).toBe('fields.name.question');
    expect(ask.choices).toEqual([{ value: 'Dewi Lestari', key: 'choices.asIs', vars: { value: 'Dewi Lestari' } }]);
    expect(renderReply(ask, 'id').text).toContain(t('id', 'seller.defaults.name'));
    await step('Dewi Lestari');
    for (const a of [ANSWERS.businessName, ANSWERS.productType, ANSWERS.city]) await step(a);
    const phoneAsk = (await step(ANSWERS.province)).replies[0]!;
    expect(phoneAsk.choices).toEqual([{ value: '0812-9876-5432', key: 'choices.asIs', vars: { value: '0812-9876-5432' } }]);
    await step('0812-9876-5432');
    expect((await c.context()).application?.fields.phone).toBe('+6281298765432');
  });

  it('a value given again as it is already recorded is said to be so, then the open question (no silent re-ask)', async () => {
    const c = new Conversation(new FakeServices());
    await c.say('mau daftar jadi seller');
    for (const value of [ANSWERS.name, ANSWERS.businessName, ANSWERS.productType]) await c.say(value);
    // Malang determines the province: it is filled in, and the phone is asked next.
    const afterCity = await c.say('malang');
    expect(afterCity.at(-1)).toBe(q('phone'));
    const again = await c.say('jatim');
    expect(again).toEqual([`${t('id', 'repair.alreadyRecorded')}\n\n${t('id', 'fields.province.label')}: Jawa Timur`, q('phone')]);
    expect((await c.context()).application?.fields.phone).toBeUndefined();
  });

  it('"kirim" before the photo: required, says the photo is still missing; optional, goes to the summary', async () => {
    const whatsapp = new Conversation(new FakeServices(), undefined, 'whatsapp', '6281234567890');
    await fillForm(whatsapp);
    expect(await whatsapp.say('kirim')).toEqual([t('id', 'seller.photo.neededBeforeSubmit')]);
    expect(await whatsapp.say('kirim aja min')).toEqual([t('id', 'seller.photo.neededBeforeSubmit')]);
    const afterPhoto = await whatsapp.photo();
    expect(afterPhoto[0]).toBe(t('id', 'seller.photo.received'));
    expect(afterPhoto[1]).toContain(t('id', 'seller.summary.intro'));

    const services = new FakeServices();
    const emulator = new Conversation(services);
    await fillForm(emulator);
    const summary = await emulator.say('kirim');
    expect(summary[0]).toContain(t('id', 'seller.summary.intro'));
    expect(summary[0]).toContain(`${t('id', 'seller.photo.label')}: ${t('id', 'seller.photo.none')}`);
    expect(services.filed).toHaveLength(0);
  });
});
