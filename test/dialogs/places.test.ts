import { describe, expect, it } from 'vitest';
import { eventFromText } from '../../dialogs/toEvent.js';
import { renderReply } from '../../src/bot/renderReply.js';
import { t } from '../../src/i18n/messages.js';
import { ANSWERS, Conversation, FakeServices } from './harness.js';

const q = (field: string) => t('id', `fields.${field}.question`);

/** The replies with their choices, as a channel lays them out. */
async function sayFull(c: Conversation, text: string) {
  const r = await c.send(eventFromText(text));
  return r.replies.map((reply) => renderReply(reply, r.locale));
}

/** A seller application up to the city question. */
async function atCity(): Promise<Conversation> {
  const c = new Conversation(new FakeServices());
  for (const a of ['mau daftar jadi seller', ANSWERS.name, ANSWERS.businessName, ANSWERS.productType]) await c.say(a);
  return c;
}

const fields = async (c: Conversation) => (await c.context()).application?.fields ?? {};

describe('places in the seller application (issue 14, item 1)', () => {
  it('"Jogjakrta": suggests Kota Yogyakarta, stores it on "ya", and fills its province', async () => {
    const c = await atCity();
    const guess = await sayFull(c, 'Jogjakrta');
    expect(guess.map((r) => r.text)).toEqual([t('id', 'fields.city.confirm', { value: 'Kota Yogyakarta' })]);
    expect(guess[0]!.choices.map((ch) => ch.value)).toEqual(['ya', 'tidak']);
    expect((await fields(c)).city).toBeUndefined();

    expect(await c.say('ya')).toEqual([t('id', 'fields.province.fromCity', { city: 'Kota Yogyakarta', province: 'DI Yogyakarta' }), q('phone')]);
    expect(await fields(c)).toMatchObject({ city: 'Kota Yogyakarta', province: 'DI Yogyakarta' });
  });

  it('"Jogjakrta" refused, then typed again: taken as typed, and the province asked', async () => {
    const c = await atCity();
    await c.say('Jogjakrta');
    expect(await c.say('tidak')).toEqual([t('id', 'seller.askAgain'), q('city')]);
    expect(await c.say('Jogjakrta')).toEqual([q('province')]);
    expect((await fields(c)).city).toBe('Jogjakrta');
  });

  it('"Jogjakrta" next to the province NTT: asked which one is right, not accepted', async () => {
    const c = await atCity();
    const first = await c.say('Jogjakrta, NTT');
    expect(first.at(-1)).toBe(t('id', 'fields.city.confirm', { value: 'Kota Yogyakarta' }));
    const mismatch = await sayFull(c, 'ya');
    expect(mismatch.map((r) => r.text)).toEqual([
      t('id', 'fields.province.mismatch', { city: 'Kota Yogyakarta', cityProvince: 'DI Yogyakarta', province: 'Nusa Tenggara Timur' }),
    ]);
    expect(mismatch[0]!.choices).toEqual([
      { title: 'DI Yogyakarta', value: 'ya' },
      { title: t('id', 'choices.otherCity'), value: 'tidak' },
    ]);
    // The city's province is right.
    expect(await c.say('ya')).toEqual([q('phone')]);
    expect(await fields(c)).toMatchObject({ city: 'Kota Yogyakarta', province: 'DI Yogyakarta' });
  });

  it('a province changed to one that does not fit the city: asked; "tidak" keeps the province and asks the city again', async () => {
    const c = await atCity();
    await c.say('Jogjakrta');
    await c.say('ya');
    const replies = await c.say('provinsinya NTT');
    // Only the question: no "Provinsi diubah menjadi …" before it, which it would contradict.
    expect(replies).toHaveLength(1);
    expect(replies.at(-1)).toBe(t('id', 'fields.province.mismatch', { city: 'Kota Yogyakarta', cityProvince: 'DI Yogyakarta', province: 'Nusa Tenggara Timur' }));
    expect(await c.say('tidak')).toEqual([t('id', 'fields.province.provinceKept', { province: 'Nusa Tenggara Timur' }), q('city')]);
    expect((await fields(c)).city).toBeUndefined();
    // Kota Kupang and Kabupaten Kupang are both in Nusa Tenggara Timur.
    expect(await c.say('Kupang')).toEqual([q('phone')]);
    expect(await fields(c)).toMatchObject({ city: 'Kupang', province: 'Nusa Tenggara Timur' });
  });

  it('the province typed again at the mismatch question is what they mean: the city is asked again', async () => {
    const c = await atCity();
    await c.say('Yogyakarta');
    expect(await c.say('ganti provinsi jadi NTT')).toEqual([t('id', 'fields.province.mismatch', { city: 'Kota Yogyakarta', cityProvince: 'DI Yogyakarta', province: 'Nusa Tenggara Timur' })]);
    expect(await c.say('NTT')).toEqual([t('id', 'fields.province.provinceKept', { province: 'Nusa Tenggara Timur' }), q('city')]);
  });

  it('"Sidoarjo": no province question, and the summary shows Jawa Timur', async () => {
    const c = await atCity();
    expect(await c.say('Sidoarjo')).toEqual([t('id', 'fields.province.fromCity', { city: 'Kabupaten Sidoarjo', province: 'Jawa Timur' }), q('phone')]);
    await c.say(ANSWERS.phone);
    await c.say(ANSWERS.email);
    const summary = await c.say('lewati');
    expect(summary[0]).toContain(`${t('id', 'fields.city.label')}: Kabupaten Sidoarjo`);
    expect(summary[0]).toContain(`${t('id', 'fields.province.label')}: Jawa Timur`);
  });

  it('"Bandung" (a city and a regency, both in Jawa Barat): stored as typed, the province still filled', async () => {
    const c = await atCity();
    expect(await c.say('bandung')).toEqual([t('id', 'fields.province.fromCity', { city: 'Bandung', province: 'Jawa Barat' }), q('phone')]);
    expect(await fields(c)).toMatchObject({ city: 'Bandung', province: 'Jawa Barat' });
  });

  it('"Banjar" (a city in Jawa Barat and a regency in Kalimantan Selatan): the province is asked', async () => {
    const c = await atCity();
    expect(await c.say('Banjar')).toEqual([q('province')]);
    expect(await c.say('kalsel')).toEqual([q('phone')]);
    expect(await fields(c)).toMatchObject({ city: 'Banjar', province: 'Kalimantan Selatan' });
  });

  it('a small place not in the data set is taken as typed, and the province asked', async () => {
    const c = await atCity();
    expect(await c.say('kepanjen')).toEqual([q('province')]);
    expect((await fields(c)).city).toBe('Kepanjen');
    expect(await c.say('jatim')).toEqual([q('phone')]);
    expect(await fields(c)).toMatchObject({ city: 'Kepanjen', province: 'Jawa Timur' });
  });

  it('"jawa" at the province question: its provinces as choices, not "not recognised"', async () => {
    const c = await atCity();
    await c.say('kepanjen');
    const replies = await sayFull(c, 'jawa');
    const options = ['Jawa Barat', 'Jawa Tengah', 'Jawa Timur', 'DKI Jakarta', 'Banten', 'DI Yogyakarta'];
    expect(replies.map((r) => r.text)).toEqual([t('id', 'fields.province.region', { region: 'Jawa', options: options.join(', ') })]);
    expect(replies[0]!.choices.map((ch) => ch.value)).toEqual(options);
    expect(replies[0]!.text).not.toContain(t('id', 'fields.province.errors.unknown'));
    // Not counted as a wrong answer: the officer is not offered after it.
    expect((await c.context()).misses ?? 0).toBe(0);
    expect(await c.say('Jawa Timur')).toEqual([q('phone')]);
    expect((await fields(c)).province).toBe('Jawa Timur');
  });

  it('"jawa" typed again and again: counted, and an officer offered in the end (no loop)', async () => {
    const c = await atCity();
    await c.say('kepanjen');
    await c.say('jawa');
    await c.say('jawa');
    expect((await c.context()).misses).toBe(1);
    await c.say('jawa');
    const last = await c.say('jawa');
    expect(last).toContain(t('id', 'seller.offerOfficer'));
    expect((await fields(c)).province).toBeUndefined();
  });

  it('"papua" typed again after the six provinces were offered is the province Papua (the understanding step drops "provinsi")', async () => {
    const c = await atCity();
    await c.say('kepanjen');
    await c.say('papua');
    expect(await c.say('provinsi papua')).toEqual([q('phone')]);
    expect((await fields(c)).province).toBe('Papua');
  });

  it('"papua" at the province question: six provinces, and the button for the province Papua stores it', async () => {
    const c = await atCity();
    await c.say('kepanjen');
    const [reply] = await sayFull(c, 'papua');
    expect(reply!.choices.map((ch) => ch.title)).toEqual(['Papua', 'Papua Barat', 'Papua Selatan', 'Papua Tengah', 'Papua Pegunungan', 'Papua Barat Daya']);
    expect(await c.say(reply!.choices[0]!.value)).toEqual([q('phone')]);
    expect((await fields(c)).province).toBe('Papua');
  });

  it('a province filled from the city follows the city when the city is changed at the summary', async () => {
    const c = await atCity();
    await c.say('Sidoarjo');
    await c.say(ANSWERS.phone);
    await c.say(ANSWERS.email);
    await c.say('lewati');
    await c.say('ubah');
    await c.say('kota');
    // Another regency: the province changes with it, and the summary comes back.
    const summary = await c.say('jaksel');
    expect(summary[0]).toBe(t('id', 'fields.province.fromCity', { city: 'Kota Jakarta Selatan', province: 'DKI Jakarta' }));
    expect(summary[1]).toContain('Kota Jakarta Selatan');
    expect(summary[1]).toContain('DKI Jakarta');
    await c.say('ubah');
    await c.say('kota');
    // A place not in the data set: the province is asked, not kept from the old city.
    expect(await c.say('Kepanjen')).toEqual([q('province')]);
    expect((await fields(c)).province).toBeUndefined();
  });
});
