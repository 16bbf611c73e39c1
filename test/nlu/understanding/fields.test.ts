import { beforeAll, describe, expect, it } from 'vitest';
import { EntityRecogniser } from '../../../src/nlu/understanding/entities.js';
import { cleanValue, fieldWords, readFields, type Fields } from '../../../src/nlu/understanding/fields.js';
import { readForm } from '../../../src/nlu/understanding/forms.js';
import { buildLexicon, loadLexiconFile } from '../../../src/nlu/understanding/lexicon.js';
import { phraseKey, prepare } from '../../../src/nlu/understanding/text.js';
import type { FieldName, OpenQuestion } from '../../../dialogs/understanding.js';

const lexicon = buildLexicon(loadLexiconFile(), phraseKey);
const words = fieldWords(lexicon);
const filter = { isForm: (w: readonly string[]): boolean => readForm(prepare(w.join(' '), lexicon), { kind: 'menu' }, lexicon) !== undefined };
let recogniser: EntityRecogniser;
beforeAll(async () => {
  recogniser = await EntityRecogniser.create(lexicon);
});

const menu: OpenQuestion = { kind: 'menu' };
const field = (f: FieldName): OpenQuestion => ({ kind: 'field', field: f });
async function read(text: string, open: OpenQuestion): Promise<Fields | undefined> {
  const m = prepare(text, lexicon);
  return readFields(m.text, await recogniser.recognise(m.text), open, words, filter);
}

const labelled = 'nama sy Budi Santoso, usaha Keripik Bu Sri, jual keripik singkong, di Malang jatim, hp 0812-3456-7890, email budi@gmail.com';
const inOrder = 'Budi Santoso, Keripik Bu Sri, keripik singkong, Malang, Jawa Timur, 081234567890, budi@gmail.com';

describe('readFields', () => {
  it.each([menu, field('name')])('reads all seven labelled fields at %j, values as typed', async (open) => {
    expect(await read(labelled, open)).toEqual({
      name: 'Budi Santoso',
      businessName: 'Keripik Bu Sri',
      productType: 'keripik singkong',
      city: 'Malang',
      province: 'jatim',
      phone: '0812-3456-7890',
      email: 'budi@gmail.com',
    });
  });

  it.each([menu, field('name')])('reads all seven unlabelled fields in the form order at %j', async (open) => {
    expect(await read(inOrder, open)).toEqual({
      name: 'Budi Santoso',
      businessName: 'Keripik Bu Sri',
      productType: 'keripik singkong',
      city: 'Malang',
      province: 'Jawa Timur',
      phone: '081234567890',
      email: 'budi@gmail.com',
    });
  });

  it('reads one value a line', async () => {
    expect(await read('Nama: Rina Wati\nUsaha: Rina Cake\nKota: Bekasi\nHP: 085712345678', field('name'))).toEqual({
      name: 'Rina Wati',
      businessName: 'Rina Cake',
      city: 'Bekasi',
      phone: '085712345678',
    });
  });

  it.each([
    ['budi@gmail.com', field('name'), { email: 'budi@gmail.com' }],
    ['081234567890', field('businessName'), { phone: '081234567890' }],
    ['jatim', field('city'), { province: 'jatim' }],
    ['Semarang jateng', field('city'), { city: 'Semarang', province: 'jateng' }],
    ['kab malang jawa timur', field('city'), { city: 'kab malang', province: 'jawa timur' }],
    ['nama saya Siti Aminah', field('name'), { name: 'Siti Aminah' }],
    ['Budi Santoso, hp 081234567890', field('name'), { name: 'Budi Santoso', phone: '081234567890' }],
    ['keripik, kue kering, 081234567890', field('productType'), { productType: 'keripik, kue kering', phone: '081234567890' }],
    ['toko Hendra Elektronik, kota Medan', menu, { businessName: 'toko Hendra Elektronik', city: 'Medan' }],
    ['halo min, saya Dewi dari Surabaya, wa 081398765432', menu, { name: 'Dewi', city: 'Surabaya', phone: '081398765432' }],
  ] as Array<[string, OpenQuestion, Fields]>)('%s at %j', async (text, open, fields) => {
    expect(await read(text, open)).toEqual(fields);
  });

  it.each([
    ['Budi', field('name')],
    ['budi@gmail.com', field('email')],
    ['0812-3456-7890', field('phone')],
    ['Toko Batal Jaya', field('businessName')],
    ['Warung Makan Bu Sri', field('businessName')],
    ['keripik, kue kering, sambal', field('productType')],
    ['kerajinan dari bambu', field('productType')],
    ['jualan kue di rumah', field('productType')],
    ['ini bayar ga sih?', field('businessName')],
    ['boleh jual makanan rumahan?', field('productType')],
    ['produk saya hilang dari etalase', field('name')],
    ['nomor hp saya ga bisa dipakai daftar', field('city')],
    ['mau daftar jualan keripik', menu],
    ['email saya budi@gmail.com', menu],
  ] as Array<[string, OpenQuestion]>)('gives no fields for %s at %j', async (text, open) => {
    expect(await read(text, open)).toBeUndefined();
  });
});

describe('cleanValue', () => {
  it.each([
    [': Budi Santoso ya min', 'Budi Santoso'],
    ['saya adalah Budi', 'Budi'],
    ['namanya Keripik Bu Sri', 'Keripik Bu Sri'],
    ['Keripik Bu Sri', 'Keripik Bu Sri'],
    ['ya min', ''],
    ['Malang dong 🙏', 'Malang'],
  ])('%j -> %j', (raw, value) => {
    expect(cleanValue(raw, words)).toBe(value);
  });
});
