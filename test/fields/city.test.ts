import { describe, expect, it } from 'vitest';
import { parseField } from '../../dialogs/fields/index.js';

describe('city (Kota / Kabupaten)', () => {
  it.each([
    // a place not in the data set (a district, a town): title case when typed in one case
    ['  pangkalan   bun ', 'Pangkalan Bun'],
    ['kepanjen', 'Kepanjen'],
    ['CIPUTAT', 'Ciputat'],
    ['bandung (kota)', 'Bandung (Kota)'],
    // mixed case kept
    ['Pangkalan bun', 'Pangkalan bun'],
    // prefixes of a place not in the data set
    ['kab kepanjen', 'Kabupaten Kepanjen'],
    ['Kab.Kepanjen', 'Kabupaten Kepanjen'],
    ['kota  pangkalan   bun', 'Kota Pangkalan Bun'],
    ['kodya ciputat', 'Kota Ciputat'],
    // names that merely start like a prefix are left alone
    ['Kabanjahe', 'Kabanjahe'],
  ])('%j -> %j (as typed)', (input, value) => {
    expect(parseField('city', input)).toEqual({ kind: 'valid', value });
  });

  it.each([
    // a regency or city of the data set: its official name, whatever the case or prefix typed
    ['surabaya', 'Kota Surabaya'],
    ['Surabaya', 'Kota Surabaya'],
    ['Kota Surabaya', 'Kota Surabaya'],
    ['Pematangsiantar', 'Kota Pematangsiantar'],
    ['bau-bau', 'Kota Bau Bau'],
    ['tanjung pinang', 'Kota Tanjung Pinang'],
    ['Bandung barat', 'Kabupaten Bandung Barat'],
    ['kab sleman', 'Kabupaten Sleman'],
    ['kab. sleman', 'Kabupaten Sleman'],
    ['KAB. SLEMAN', 'Kabupaten Sleman'],
    ['Kab.Sleman', 'Kabupaten Sleman'],
    ['sleman', 'Kabupaten Sleman'],
    ['kabupaten bandung barat', 'Kabupaten Bandung Barat'],
    ['KABUPATEN KEPULAUAN SERIBU', 'Kabupaten Kepulauan Seribu'],
    ['Kab. Bandung Barat', 'Kabupaten Bandung Barat'],
    ['kab  gunung   kidul', 'Kabupaten Gunungkidul'],
    ['kota bandung', 'Kota Bandung'],
    ['KOTA BANDUNG', 'Kota Bandung'],
    ['kab bandung', 'Kabupaten Bandung'],
    ['kota. malang', 'Kota Malang'],
    ['kotamadya yogyakarta', 'Kota Yogyakarta'],
    ['kodya malang', 'Kota Malang'],
    ['kotabaru', 'Kabupaten Kotabaru'],
    ['Kotamobagu', 'Kota Kotamobagu'],
    ['Kota Administrasi Jakarta Pusat', 'Kota Jakarta Pusat'],
    // a name of both a city and a regency: the name alone (the province is still known)
    ['bandung', 'Bandung'],
    ['BANDUNG', 'Bandung'],
    ['malang', 'Malang'],
    // the usual short and old names
    ['jogja', 'Kota Yogyakarta'],
    ['Yogya', 'Kota Yogyakarta'],
    ['solo', 'Kota Surakarta'],
    ['jaksel', 'Kota Jakarta Selatan'],
    ['bdg', 'Kota Bandung'],
    ['Jakarta', 'Jakarta'],
  ])('%j -> %j (data set)', (input, value) => {
    expect(parseField('city', input)).toEqual({ kind: 'valid', value });
  });

  it.each([
    ['Jogjakrta', 'Kota Yogyakarta'],
    ['Surabya', 'Kota Surabaya'],
    ['Sidoarj', 'Kabupaten Sidoarjo'],
    // a district one letter from a regency is offered the regency (a "tidak" keeps it as typed)
    ["Ma'rang", 'Malang'],
  ])('%j -> did you mean %j?', (typed, value) => {
    expect(parseField('city', typed)).toEqual({ kind: 'confirm', value, typed });
  });

  it('accepts 60 characters and rejects 61', () => {
    const sixty = 'x'.repeat(60);
    expect(parseField('city', sixty)).toEqual({ kind: 'valid', value: `X${'x'.repeat(59)}` });
    expect(parseField('city', `${sixty}x`)).toEqual({ kind: 'invalid', error: 'tooLong' });
  });

  it('rejects a name that only exceeds 60 characters once "kab" is expanded', () => {
    const name = `kab ${'x'.repeat(52)}`; // 56 typed, 62 once expanded
    expect(parseField('city', name)).toEqual({ kind: 'invalid', error: 'tooLong' });
  });

  it.each([
    ['', 'required'],
    ['  ', 'required'],
    ['A', 'tooShort'],
    ['--', 'tooShort'],
    ['Kota', 'tooShort'],
    ['kab.', 'tooShort'],
    ['kabupaten', 'tooShort'],
    ['Kab. X', 'tooShort'],
    ['Jakarta 2', 'hasDigits'],
    ['40111', 'hasDigits'],
    ['Sleman, DIY', 'invalidChars'],
    ['Sleman/Yogyakarta', 'invalidChars'],
    ['Surabaya!', 'invalidChars'],
  ])('%j is invalid: %s', (input, error) => {
    expect(parseField('city', input)).toEqual({ kind: 'invalid', error });
  });
});

describe('parseField reusing the last answer parsed', () => {
  it('answers each field for itself when the same text is asked for one field after another', () => {
    const text = '0812-3456-7890';
    const asPhone = parseField('phone', text);
    expect(asPhone).toEqual({ kind: 'valid', value: '+6281234567890' });
    expect(parseField('city', text).kind).toBe('invalid');
    expect(parseField('phone', text)).toEqual(asPhone);
    expect(parseField('phone', '0812-3456-7891')).toEqual({ kind: 'valid', value: '+6281234567891' });
    expect(parseField('city', 'kepanjen')).toEqual({ kind: 'valid', value: 'Kepanjen' });
    expect(parseField('city', 'Kepanjen')).toEqual({ kind: 'valid', value: 'Kepanjen' });
  });
});
