import { describe, expect, it } from 'vitest';
import { parseField } from '../../dialogs/fields/index.js';

describe('city (Kota / Kabupaten)', () => {
  it.each([
    // title case when typed in one case
    ['surabaya', 'Surabaya'],
    ['BANDUNG', 'Bandung'],
    ['  pangkalan   bun ', 'Pangkalan Bun'],
    ['bau-bau', 'Bau-Bau'],
    ['tanjung pinang', 'Tanjung Pinang'],
    ['bandung (kota)', 'Bandung (Kota)'],
    // mixed case kept
    ['Surabaya', 'Surabaya'],
    ['Pematangsiantar', 'Pematangsiantar'],
    ['Bandung barat', 'Bandung barat'],
    // regency prefix
    ['kab sleman', 'Kabupaten Sleman'],
    ['kab. sleman', 'Kabupaten Sleman'],
    ['KAB. SLEMAN', 'Kabupaten Sleman'],
    ['Kab.Sleman', 'Kabupaten Sleman'],
    ['kabupaten bandung barat', 'Kabupaten Bandung Barat'],
    ['KABUPATEN KEPULAUAN SERIBU', 'Kabupaten Kepulauan Seribu'],
    ['Kab. Bandung Barat', 'Kabupaten Bandung Barat'],
    ['kab  gunung   kidul', 'Kabupaten Gunung Kidul'],
    // city prefix
    ['kota bandung', 'Kota Bandung'],
    ['KOTA BANDUNG', 'Kota Bandung'],
    ['Kota Surabaya', 'Kota Surabaya'],
    ['kota. malang', 'Kota Malang'],
    ['kotamadya yogyakarta', 'Kota Yogyakarta'],
    ['kodya malang', 'Kota Malang'],
    // names that merely start like a prefix are left alone
    ['Kabanjahe', 'Kabanjahe'],
    ['kotabaru', 'Kotabaru'],
    ['Kotamobagu', 'Kotamobagu'],
    ["Ma'rang", "Ma'rang"],
  ])('%j -> %j', (input, value) => {
    expect(parseField('city', input)).toEqual({ kind: 'valid', value });
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
