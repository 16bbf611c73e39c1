import { beforeAll, describe, expect, it } from 'vitest';
import { correctionWords, readCorrection } from '../../../src/nlu/understanding/correction.js';
import { EntityRecogniser } from '../../../src/nlu/understanding/entities.js';
import { fieldWords } from '../../../src/nlu/understanding/fields.js';
import { buildLexicon, loadLexiconFile } from '../../../src/nlu/understanding/lexicon.js';
import { phraseKey, prepare } from '../../../src/nlu/understanding/text.js';
import type { Act, OpenQuestion } from '../../../dialogs/understanding.js';

const lexicon = buildLexicon(loadLexiconFile(), phraseKey);
let recogniser: EntityRecogniser;
beforeAll(async () => {
  recogniser = await EntityRecogniser.create(lexicon);
});
async function read(text: string, open: OpenQuestion): Promise<Act | undefined> {
  const m = prepare(text, lexicon);
  return readCorrection(m.text, await recogniser.recognise(m.text), open, correctionWords(lexicon), fieldWords(lexicon));
}
const summary: OpenQuestion = { kind: 'summary' };
const photo: OpenQuestion = { kind: 'photo', required: true };
const fieldQ = (field: 'phone' | 'email' | 'city' | 'province'): OpenQuestion => ({ kind: 'field', field });

describe('readCorrection', () => {
  it.each([
    ['eh salah, emailnya budi.s@yahoo.com', photo, 'email', 'budi.s@yahoo.com'],
    ['eh salah, emailnya budi.s@yahoo.com', summary, 'email', 'budi.s@yahoo.com'],
    ['ganti kota jadi Batu', fieldQ('phone'), 'city', 'Batu'],
    ['ubah email', summary, 'email', null],
    ['ubah foto', summary, 'photo', null],
    ['fotonya mau diganti', summary, 'photo', null],
    ['no hp nya salah, yg bener 081298765432', photo, 'phone', '081298765432'],
    ['nama tokonya salah ketik, harusnya Keripik Bu Sri', summary, 'businessName', 'Keripik Bu Sri'],
    ['salah kak, kotanya Batu bukan Malang', fieldQ('email'), 'city', 'Batu'],
    ['ralat: kab malang bukan kota malang', fieldQ('phone'), 'city', 'kab malang'],
    ['kota saya salah, yang benar Kota Blitar', fieldQ('province'), 'city', 'Kota Blitar'],
    ['bukan, harusnya jawa tengah', { kind: 'yesNo', about: 'confirmProvince' }, 'province', 'jawa tengah'],
    ['change city to Batu', summary, 'city', 'Batu'],
    ["wrong city, it's Cimahi", photo, 'city', 'Cimahi'],
    ['sorry, my email is actually budi.s@yahoo.com', summary, 'email', 'budi.s@yahoo.com'],
    ['typo, harusnya budi.santoso@gmail.com', photo, 'email', 'budi.santoso@gmail.com'],
    ['ralat nomor hp saya 081277778888', { kind: 'freeText', about: 'x' }, 'phone', '081277778888'],
  ] as Array<[string, OpenQuestion, string, string | null]>)('%s at %j', async (text, open, field, value) => {
    expect(await read(text, open)).toEqual({ kind: 'correction', field, value });
  });

  it.each([
    ['jasa edit foto dan video', { kind: 'field', field: 'productType' }],
    ['salah satu produk saya keripik', { kind: 'field', field: 'productType' }],
    ['mau ganti nama toko saya', { kind: 'menu' }],
    ['ganti nomor hp ga bisa, otp ga masuk', { kind: 'freeText', about: 'x' }],
    ['saya salah transfer', summary],
    ['nama saya Budi', { kind: 'field', field: 'name' }],
  ] as Array<[string, OpenQuestion]>)('no correction in %s at %j', async (text, open) => {
    expect(await read(text, open)).toBeUndefined();
  });
});
