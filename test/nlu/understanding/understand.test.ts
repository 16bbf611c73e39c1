import { beforeAll, describe, expect, it } from 'vitest';
import { MarketplaceClassifier } from '../../../src/nlu/classifier.js';
import { ModelCache } from '../../../src/nlu/modelCache.js';
import { trainActClassifier, type ActClassifier } from '../../../src/nlu/understanding/classifier.js';
import { createUnderstanding, type Act, type OpenQuestion, type Understanding } from '../../../src/nlu/understanding/index.js';

let acts: ActClassifier;
let understanding: Understanding;
beforeAll(async () => {
  const modelCache = ModelCache.beside();
  acts = await trainActClassifier(undefined, modelCache);
  understanding = await createUnderstanding({ classifier: await MarketplaceClassifier.train(undefined, undefined, modelCache), acts });
});

const menu: OpenQuestion = { kind: 'menu' };
const summary: OpenQuestion = { kind: 'summary' };
const yesNo: OpenQuestion = { kind: 'yesNo', about: 'confirmProvince' };
const photo: OpenQuestion = { kind: 'photo', required: true };
const field = (f: 'name' | 'businessName' | 'productType' | 'city' | 'email'): OpenQuestion => ({ kind: 'field', field: f });
const choice: OpenQuestion = {
  kind: 'choice',
  about: 'complaintType',
  options: [
    { value: 'type:38', title: 'Tidak bisa login' },
    { value: 'type:23', title: 'Refund belum masuk' },
  ],
};
const labelled = 'nama sy Budi Santoso, usaha Keripik Bu Sri, jual keripik singkong, di Malang jatim, hp 0812-3456-7890, email budi@gmail.com';
const inOrder = 'Budi Santoso, Keripik Bu Sri, keripik singkong, Malang, Jawa Timur, 081234567890, budi@gmail.com';
const seven = (province: string, phone: string): Act => ({
  kind: 'fields',
  fields: { name: 'Budi Santoso', businessName: 'Keripik Bu Sri', productType: 'keripik singkong', city: 'Malang', province, phone, email: 'budi@gmail.com' },
});

/** The brief's must-pass examples, each at its open question. */
const MUST_PASS: Array<[string, OpenQuestion, Act | ((act: Act) => boolean)]> = [
  ['ini bayar ga sih?', field('businessName'), { kind: 'question', topic: 'fee' }],
  ['berapa lama verifikasinya', field('name'), { kind: 'question', topic: 'duration' }],
  ['kembali', field('productType'), { kind: 'navigation', to: 'back' }],
  ['ulang', field('city'), { kind: 'navigation', to: 'restart' }],
  ['lho kan udh sy tulis diatas min', field('name'), { kind: 'botComplaint' }],
  ['eh salah, emailnya budi.s@yahoo.com', photo, { kind: 'correction', field: 'email', value: 'budi.s@yahoo.com' }],
  ['eh salah, emailnya budi.s@yahoo.com', summary, { kind: 'correction', field: 'email', value: 'budi.s@yahoo.com' }],
  [labelled, menu, seven('jatim', '0812-3456-7890')],
  [labelled, field('name'), seven('jatim', '0812-3456-7890')],
  [inOrder, menu, seven('Jawa Timur', '081234567890')],
  [inOrder, field('name'), seven('Jawa Timur', '081234567890')],
  ...['iya bener', 'ok kirim min', 'udh bener smua', 'yes please', 'yes send it'].flatMap(
    (text) => [[text, summary, { kind: 'yes' }], [text, yesNo, { kind: 'yes' }]] as Array<[string, OpenQuestion, Act]>,
  ),
  ['makasih ya min 🙏', menu, { kind: 'thanks' }],
  ['assalamualaikum', menu, { kind: 'greeting', religious: true }],
  ['fotonya nyusul ya', photo, { kind: 'navigation', to: 'later' }],
  ['halo? msh lama ga?', menu, (act) => (act.kind === 'question' && act.topic === 'other') || act.kind === 'greeting'],
  ['Toko Batal Jaya', field('businessName'), { kind: 'answer' }],
  ['Budi', field('name'), { kind: 'answer' }],
  ['budi@gmail.com', field('email'), { kind: 'answer' }],
  ['budi@gmail.com', field('name'), { kind: 'fields', fields: { email: 'budi@gmail.com' } }],
  ['Tidak bisa login', choice, { kind: 'answer' }],
  ['2', choice, { kind: 'answer' }],
  ['type:23', choice, { kind: 'answer' }],
  ['kenapa saldo refund sy ga masuk?', { kind: 'freeText', about: 'problemDescription' }, { kind: 'answer' }],
];

describe('understand: the must-pass examples', () => {
  it.each(MUST_PASS)('%s at %j', async (text, open, expected) => {
    const act = await understanding.understand(text, open);
    if (typeof expected === 'function') expect(expected(act), JSON.stringify(act)).toBe(true);
    else expect(act).toEqual(expected);
  });
});

describe('understand', () => {
  it('never throws, whatever it is given', async () => {
    const odd = ['', ' ', '\n\n', '🙂'.repeat(500), 'a'.repeat(20_000), 'nama '.repeat(2_000), '\u0000\uFFFF', '?'.repeat(50), 'budi@@gmail..com', '+62'];
    for (const open of [menu, field('name'), summary, photo, choice, { kind: 'proof' } as OpenQuestion]) {
      for (const text of odd) await expect(understanding.understand(text, open)).resolves.toHaveProperty('kind');
    }
  });

  it('takes a problem description, questions included, as the answer', async () => {
    const freeText: OpenQuestion = { kind: 'freeText', about: 'problemDescription' };
    expect(await understanding.understand('kenapa saldo saya berkurang? padahal ga ada transaksi', freeText)).toEqual({ kind: 'answer' });
    expect(await understanding.understand('nomor hp saya ga bisa dipakai daftar', freeText)).toEqual({ kind: 'answer' });
    expect(await understanding.understand('batal', freeText)).toEqual({ kind: 'navigation', to: 'cancel' });
  });

  it('takes a complaint or a wish at the menu as the answer (the Marketplace classifier places it)', async () => {
    expect(await understanding.understand('akun sy ga bisa login', menu)).toEqual({ kind: 'answer' });
    expect(await understanding.understand('mau daftar jadi seller', menu)).toEqual({ kind: 'answer' });
    expect(await understanding.understand('akun sy ga bisa login', field('city'))).toEqual({ kind: 'complaint' });
  });

  it('never returns a question, a navigation word or a complaint as a field value', async () => {
    for (const text of ['nama saya kembali?', 'usaha saya batal', 'jual apa aja boleh?', 'kota saya ga muncul di aplikasi']) {
      const act = await understanding.understand(text, field('name'));
      expect(act.kind === 'fields' && Object.values(act.fields).some((v) => /\?|batal|kembali|muncul/.test(v ?? '')), JSON.stringify(act)).toBe(false);
    }
  });

  it('works without the Marketplace classifier', async () => {
    const bare = await createUnderstanding({ acts });
    expect(await bare.understand('eh btw akun sy ga bisa login', field('name'))).toEqual({ kind: 'complaint' });
    expect(await bare.understand('ini bayar ga sih?', field('businessName'))).toEqual({ kind: 'question', topic: 'fee' });
  });
});

describe('a request for a person inside a problem told (issue 14)', () => {
  it.each([
    ['pas bayar pake iconcash muncul tulisan transaksi gagal, hubungi CS'],
    ['petugas tolong, saya sudah bayar tapi belum terkonfirmasi'],
  ])('%s is the problem, for the menu to place', async (text) => {
    expect(await understanding.understand(text, menu)).toEqual({ kind: 'answer' });
  });

  it.each([['mau bicara dengan petugas'], ['lupa nomornya, sm petugas aja deh']])('%s still asks for an officer', async (text) => {
    expect(await understanding.understand(text, menu)).toEqual({ kind: 'officer' });
  });
});

describe('words that are never part of a value (issue 14)', () => {
  it('a chat particle after a corrected city is left out ("solo deng")', async () => {
    expect(await understanding.understand('eh kotanya solo deng', { kind: 'field', field: 'phone' })).toEqual({ kind: 'fields', fields: { city: 'solo' } });
  });

  it('a refund told in English at the menu is no name and city', async () => {
    expect(await understanding.understand('my refund never arrived in my ICONCash balance', menu)).toEqual({ kind: 'answer' });
  });
});
