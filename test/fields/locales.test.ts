import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIRMABLE_FIELDS, FIELD_ERROR_CODES, FIELD_KEYS, parseField, type FieldKey } from '../../dialogs/fields/index.js';

interface FieldTexts {
  question?: unknown;
  label?: unknown;
  confirm?: unknown;
  errors?: Record<string, unknown>;
}

function loadFields(lang: 'id' | 'en'): Record<string, FieldTexts> {
  const json = JSON.parse(readFileSync(new URL(`../../locales/${lang}.json`, import.meta.url), 'utf8')) as {
    fields?: Record<string, FieldTexts>;
  };
  if (json.fields === undefined) throw new Error(`locales/${lang}.json has no "fields"`);
  return json.fields;
}

const LOCALES = { id: loadFields('id'), en: loadFields('en') };
const EXAMPLE_WORD = { id: 'Contoh:', en: 'Example:' } as const;

/** One input per error code, proving every declared code is reachable. */
const ONE_INPUT_PER_CODE: { readonly [K in FieldKey]: Record<(typeof FIELD_ERROR_CODES)[K][number], string> } = {
  name: {
    required: ' ',
    tooShort: 'A',
    tooLong: 'a'.repeat(81),
    notAName: '0812-3456-7890',
    hasDigits: 'Budi 2',
    invalidChars: 'Budi!',
    tooFewLetters: 'A.',
    isQuestion: 'berapa lama verifikasinya?',
  },
  businessName: { required: '', tooShort: 'A', tooLong: 'b'.repeat(101), noLetterOrDigit: '***', isQuestion: 'ini bayar ga sih?' },
  productType: { required: '', tooShort: 'k', tooLong: 'k'.repeat(101), tooFewLetters: '123', isQuestion: 'harus produk apa?' },
  city: { required: '', tooShort: 'Kota', tooLong: 'c'.repeat(61), hasDigits: 'Jakarta 2', invalidChars: 'Sleman, DIY', isQuestion: 'kota domisili atau kota usaha?' },
  province: { required: '', unknown: 'xyz', region: 'jawa' },
  phone: {
    required: '',
    invalid: 'abc',
    tooShort: '0812',
    tooLong: '0812345678901234',
    notIndonesian: '+65 9123 4567',
    serviceNumber: '0800 1 123 123',
    landline: '(0341) 551234',
  },
  email: { required: '', hasSpaces: 'budi @gmail.com', missingAt: 'budigmail.com', multipleAt: 'a@b@gmail.com', invalid: 'budi@' },
};

describe('FIELD_KEYS', () => {
  it('lists the seven fields in the order the SOP asks them', () => {
    expect(FIELD_KEYS).toEqual(['name', 'businessName', 'productType', 'city', 'province', 'phone', 'email']);
  });
});

describe('error codes', () => {
  it.each(FIELD_KEYS.flatMap((field) => Object.entries(ONE_INPUT_PER_CODE[field]).map(([code, input]) => [field, code, input] as const)))(
    '%s: %s is returned for %j',
    (field, code, input) => {
      expect(parseField(field, input)).toEqual({ kind: 'invalid', error: code });
    },
  );

  it('has one sample input for every declared code and no other', () => {
    for (const field of FIELD_KEYS) expect(Object.keys(ONE_INPUT_PER_CODE[field]).sort()).toEqual([...FIELD_ERROR_CODES[field]].sort());
  });

  it('only ever returns declared codes, whatever the input', () => {
    const inputs = [
      '',
      ' ',
      'x',
      'ab',
      '12',
      '!!',
      'Budi Santoso',
      'budi@gmail.com',
      'budi@gmial.com',
      '0812-3456-7890',
      '+65 9123 4567',
      'jawa timr',
      'jawa',
      'kab sleman',
      'Kota',
      'https://toko.id',
      '😊😊',
      'a'.repeat(300),
      '@@',
      '+',
      '0800 1 123 123',
    ];
    for (const field of FIELD_KEYS) {
      const codes: readonly string[] = FIELD_ERROR_CODES[field];
      for (const input of inputs) {
        const outcome = parseField(field, input);
        if (outcome.kind === 'invalid') expect(codes, `${field} ${JSON.stringify(input)}`).toContain(outcome.error);
        if (outcome.kind === 'confirm') expect(CONFIRMABLE_FIELDS).toContain(field);
      }
    }
  });
});

describe.each(['id', 'en'] as const)('locales/%s.json "fields"', (lang) => {
  const fields = LOCALES[lang];

  it('has exactly the seven fields', () => {
    expect(Object.keys(fields).sort()).toEqual([...FIELD_KEYS].sort());
  });

  it.each(FIELD_KEYS)('%s has a question and a label', (field) => {
    const texts = fields[field];
    expect(typeof texts?.question).toBe('string');
    expect(String(texts?.question).trim().length).toBeGreaterThan(10);
    expect(typeof texts?.label).toBe('string');
    expect(String(texts?.label).trim().length).toBeGreaterThan(1);
  });

  it.each(FIELD_KEYS)('%s has a text with an example for every error code, and no other', (field) => {
    const errors = fields[field]?.errors ?? {};
    expect(Object.keys(errors).sort()).toEqual([...FIELD_ERROR_CODES[field]].sort());
    for (const code of FIELD_ERROR_CODES[field]) {
      const text = errors[code];
      expect(typeof text, `${field}.errors.${code}`).toBe('string');
      expect(String(text), `${field}.errors.${code}`).toContain(EXAMPLE_WORD[lang]);
      expect(String(text), `${field}.errors.${code}`).not.toMatch(/\{\w+\}/);
    }
  });

  it.each(FIELD_KEYS)('%s has a "did you mean {value}" text exactly when it can ask for confirmation', (field) => {
    const confirm = fields[field]?.confirm;
    if (CONFIRMABLE_FIELDS.includes(field)) {
      expect(typeof confirm).toBe('string');
      expect(String(confirm)).toContain('{value}');
      expect(String(confirm).match(/\{\w+\}/g)).toEqual(['{value}']);
    } else {
      expect(confirm).toBeUndefined();
    }
  });
});

describe('locale mirroring', () => {
  it('uses the same keys in Indonesian and English', () => {
    const shape = (fields: Record<string, FieldTexts>) =>
      Object.fromEntries(
        Object.entries(fields).map(([field, texts]) => [
          field,
          { keys: Object.keys(texts).sort(), errors: Object.keys(texts.errors ?? {}).sort() },
        ]),
      );
    expect(shape(LOCALES.en)).toEqual(shape(LOCALES.id));
  });

  it('has the summary labels of the SOP in Indonesian', () => {
    expect(FIELD_KEYS.map((field) => LOCALES.id[field]?.label)).toEqual([
      'Nama Pemohon',
      'Nama Usaha',
      'Jenis Produk',
      'Kota',
      'Provinsi',
      'No. Telepon',
      'Email',
    ]);
  });
});
