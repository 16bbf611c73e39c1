import { describe, expect, it } from 'vitest';
import type { FieldKey } from '../../dialogs/fields/index.js';
import type { Reply } from '../../dialogs/reply.js';
import { renderReply } from '../../src/bot/renderReply.js';
import { t } from '../../src/i18n/messages.js';
import { ANSWERS, Conversation, FakeServices } from './harness.js';

const q = (field: string) => t('id', `fields.${field}.question`);
const FULL: Partial<Record<FieldKey, string>> = {
  name: 'Budi Santoso',
  businessName: 'Keripik Bu Sri',
  productType: 'makanan ringan',
  city: 'Kepanjen',
  province: 'Jawa Timur',
  phone: '0812-3456-7890',
  email: 'budi.santoso@gmail.com',
};

/** A WhatsApp conversation where the application is offered as a form; returns it and the form's nonce. */
async function offered(services = new FakeServices()) {
  services.forms = true;
  const c = new Conversation(services, undefined, 'whatsapp', '6281234567890');
  const result = await c.send({ type: 'TEXT', text: 'mau daftar jadi seller' });
  const form = result.replies.find((r: Reply) => r.form)?.form;
  if (!form) throw new Error(`no form offered: ${JSON.stringify(result.replies)}`);
  return { c, services, nonce: form.nonce, replies: result.replies.map((r) => renderReply(r, result.locale).text) };
}

const submit = async (c: Conversation, nonce: string | null, answers: Partial<Record<FieldKey, string>>) => {
  const result = await c.send({ type: 'FORM', nonce, answers });
  return result.replies.map((r) => renderReply(r, result.locale).text);
};

describe('the seller application as a WhatsApp form (FORM events)', () => {
  it('explains first, then sends the form with the chat as the alternative, without asking the first question too', async () => {
    const { replies, c } = await offered();
    expect(replies).toEqual([t('id', 'seller.intro'), t('id', 'seller.flow.message')]);
    expect((await c.context()).application?.form).toMatchObject({ answered: false });
  });

  it('a complete form: then only the photo and the confirmation, and one ticket with the values normalised', async () => {
    const { c, services, nonce } = await offered();
    expect(await submit(c, nonce, FULL)).toEqual([t('id', 'seller.flow.received'), t('id', 'seller.photo.questionRequired')]);
    const summary = await c.photo();
    expect(summary.at(-1)).toContain('Keripik Bu Sri');
    await c.say('kirim');
    expect(services.filed).toHaveLength(1);
    expect(services.filed[0]!.applicant).toEqual({ ...FULL, phone: '+6281234567890' });
    expect(services.filed[0]!.photo).not.toBeNull();
    // Four customer actions: open the form and submit it (one FORM), the photo, "kirim".
  });

  it('asks about a typo in the email and a landline in the chat, one by one, then goes on', async () => {
    const { c, services, nonce } = await offered();
    const first = await submit(c, nonce, { ...FULL, email: 'budi.santoso@gmial.com', phone: '021-555-1234' });
    expect(first[0]).toBe(t('id', 'seller.flow.received'));
    // The phone comes first in the form's order, but a guess to confirm is asked before anything else.
    expect(first.join('\n')).toContain('budi.santoso@gmail.com');
    const afterYes = await c.say('iya');
    expect(afterYes).toEqual([t('id', 'fields.phone.errors.landline'), q('phone')]);
    expect(await c.say('0812 3456 7890')).toEqual([t('id', 'seller.photo.questionRequired')]);
    await c.photo();
    await c.say('kirim');
    expect(services.filed).toHaveLength(1);
    expect(services.filed[0]!.applicant).toMatchObject({ email: 'budi.santoso@gmail.com', phone: '+6281234567890' });
  });

  it('asks in the chat for what the form left out', async () => {
    const { c, nonce } = await offered();
    const { city: _city, ...withoutCity } = FULL;
    expect(await submit(c, nonce, withoutCity)).toEqual([t('id', 'seller.flow.received'), q('city')]);
  });

  it('says why a value of the form was not taken when its question comes, once', async () => {
    const { c, nonce } = await offered();
    expect(await submit(c, nonce, { ...FULL, phone: '021-555-1234' })).toEqual([t('id', 'seller.flow.received'), t('id', 'fields.phone.errors.landline'), q('phone')]);
    // Asked again (a question in between): the reason is not repeated.
    const again = await c.say('ini gratis ga?');
    expect(again.at(-1)).toBe(q('phone'));
    expect(again).not.toContain(t('id', 'fields.phone.errors.landline'));
  });

  it('takes a form once: the same answer again, a token that was not this conversation\'s, or another form is refused', async () => {
    const { c, services, nonce } = await offered();
    await submit(c, nonce, FULL);
    const replayed = await submit(c, nonce, { ...FULL, name: 'Orang Lain' });
    expect(replayed).toEqual([t('id', 'seller.flow.stale'), t('id', 'seller.photo.questionRequired')]);
    expect(await submit(c, null, FULL)).toEqual([t('id', 'seller.flow.stale'), t('id', 'seller.photo.questionRequired')]);
    expect(await submit(c, 'AAAAAAAAAAAAAAAA', FULL)).toEqual([t('id', 'seller.flow.stale'), t('id', 'seller.photo.questionRequired')]);
    await c.photo();
    await c.say('kirim');
    expect(services.filed.map((f) => f.applicant.name)).toEqual(['Budi Santoso']);
  });

  it('"lewat chat saja": the questions in the chat, never taken as a name; the application finished there; a late form files nothing more', async () => {
    const { c, services, nonce } = await offered();
    expect(await c.say('lewat chat saja')).toEqual([q('name')]);
    for (const value of [ANSWERS.name, ANSWERS.businessName, ANSWERS.productType, ANSWERS.city, ANSWERS.province, ANSWERS.phone, ANSWERS.email]) await c.say(value);
    await c.photo();
    await c.say('kirim');
    expect(services.filed).toHaveLength(1);
    expect(services.filed[0]!.applicant.name).toBe('Budi Santoso');
    const late = await submit(c, nonce, { ...FULL, name: 'Budi Lain' });
    expect(late[0]).toBe(t('id', 'seller.flow.stale'));
    expect(services.filed).toHaveLength(1);
    expect(services.ticketsIssued).toBe(1);
  });

  it('"lewat chat saja" tapped after the form was sent is still no answer: the open question again', async () => {
    const { c, nonce } = await offered();
    expect(await submit(c, nonce, { ...FULL, businessName: 'x' })).toEqual([t('id', 'seller.flow.received'), t('id', 'fields.businessName.errors.tooShort'), q('businessName')]);
    expect(await c.say('lewat chat saja')).toEqual([q('businessName')]);
    expect((await c.context()).application?.fields.businessName).toBeUndefined();
  });

  it('typing the answers instead of opening the form goes on in the chat', async () => {
    const { c } = await offered();
    expect(await c.say('Budi Santoso')).toEqual([q('businessName')]);
    expect((await c.context()).application?.fields.name).toBe('Budi Santoso');
  });

  it('both ways in one conversation: some answers typed, then the form; one ticket, the form\'s values', async () => {
    const { c, services, nonce } = await offered();
    await c.say('Budi Santoso');
    await c.say('Warung Lama');
    expect(await submit(c, nonce, FULL)).toEqual([t('id', 'seller.flow.received'), t('id', 'seller.photo.questionRequired')]);
    await c.photo();
    await c.say('kirim');
    await c.say('kirim');
    expect(services.ticketsIssued).toBe(1);
    expect(services.filed[0]!.applicant.businessName).toBe('Keripik Bu Sri');
  });

  it('is not offered where the channel has no form: elsewhere, and on WhatsApp without a Flow configured', async () => {
    const services = new FakeServices();
    services.forms = true;
    const elsewhere = new Conversation(services, undefined, 'emulator', 'conv-9');
    expect(await elsewhere.say('mau daftar jadi seller')).toEqual([t('id', 'seller.intro'), q('name')]);
    const unconfigured = new Conversation(new FakeServices(), undefined, 'whatsapp', '6281234567890');
    expect(await unconfigured.say('mau daftar jadi seller')).toEqual([t('id', 'seller.intro'), q('name')]);
    // A form answer with no form sent is refused, and the open question asked again.
    expect(await submit(unconfigured, 'AAAAAAAAAAAAAAAA', FULL)).toEqual([t('id', 'seller.flow.stale'), q('name')]);
  });
});
