import { describe, expect, it } from 'vitest';
import { parseField } from '../../dialogs/fields/index.js';

describe('name (Nama Pemohon)', () => {
  it.each([
    // title-cased when typed in one case
    ['budi santoso', 'Budi Santoso'],
    ['SITI AMINAH', 'Siti Aminah'],
    ['  budi   santoso  ', 'Budi Santoso'],
    ['budi\tsantoso\n', 'Budi Santoso'],
    ["ma'ruf amin", "Ma'ruf Amin"],
    ['MA’RUF AMIN', "Ma'ruf Amin"], // iOS smart apostrophe
    ['siti nur-aini', 'Siti Nur-Aini'],
    ['M. RIZKI', 'M. Rizki'],
    ['m.rizki', 'M.Rizki'],
    ['ahmad bin yusuf', 'Ahmad bin Yusuf'],
    ['NUR BINTI HASAN', 'Nur binti Hasan'],
    ['budi santoso, s.t.', 'Budi Santoso, S.T.'],
    ['andré wijaya', 'André Wijaya'],
    ['bo', 'Bo'],
    // mixed case kept as typed
    ['Budi Santoso', 'Budi Santoso'],
    ['budi Santoso', 'budi Santoso'],
    ['Raden Ajeng KARTINI', 'Raden Ajeng KARTINI'],
    ['McDonald Siregar', 'McDonald Siregar'],
    ['I Gusti Ngurah Rai', 'I Gusti Ngurah Rai'],
    ['Sukarno', 'Sukarno'],
  ])('%j -> %j', (input, value) => {
    expect(parseField('name', input)).toEqual({ kind: 'valid', value });
  });

  it('accepts exactly 80 characters and rejects 81', () => {
    const eighty = `${'a'.repeat(39)} ${'b'.repeat(40)}`;
    expect(parseField('name', eighty)).toEqual({ kind: 'valid', value: `A${'a'.repeat(38)} B${'b'.repeat(39)}` });
    expect(parseField('name', `${eighty}b`)).toEqual({ kind: 'invalid', error: 'tooLong' });
  });

  it.each([
    ['', 'required'],
    ['   ', 'required'],
    ['\u200B', 'required'],
    ['A', 'tooShort'],
    ['.', 'tooShort'],
    ['A.', 'tooFewLetters'],
    ["'-", 'tooFewLetters'],
    ['Budi 123', 'hasDigits'],
    ['Budi2', 'hasDigits'],
    ['08123456789', 'notAName'],
    ['0812-3456-7890', 'notAName'],
    ['+62 812 3456 7890', 'notAName'],
    ['budi@gmail.com', 'notAName'],
    ['www.tokobudi.com', 'notAName'],
    ['https://tokobudi.id', 'notAName'],
    ['tokobudi.co.id', 'notAName'],
    ['Budi!', 'invalidChars'],
    ['Budi_Santoso', 'invalidChars'],
    ['Budi 😊', 'invalidChars'],
    ['Budi/Santoso', 'invalidChars'],
  ])('%j is invalid: %s', (input, error) => {
    expect(parseField('name', input)).toEqual({ kind: 'invalid', error });
  });
});

describe('businessName (Nama Usaha)', () => {
  it.each([
    ['Toko Berkah Jaya', 'Toko Berkah Jaya'],
    ['  warung   bu siti ', 'warung bu siti'],
    ['KOPI KENANGAN', 'KOPI KENANGAN'],
    ['iPhone Store', 'iPhone Store'],
    ['UD. Sumber Rejeki', 'UD. Sumber Rejeki'],
    ['CV Maju-Mundur & Co.', 'CV Maju-Mundur & Co.'],
    ['Toko 99', 'Toko 99'],
    ['88', '88'],
    ['3M', '3M'],
    ['Batik Ma’ruf', "Batik Ma'ruf"],
    ['Dapur 🍰 Ibu', 'Dapur 🍰 Ibu'],
  ])('%j -> %j', (input, value) => {
    expect(parseField('businessName', input)).toEqual({ kind: 'valid', value });
  });

  it('accepts exactly 100 characters and rejects 101', () => {
    expect(parseField('businessName', 'x'.repeat(100))).toEqual({ kind: 'valid', value: 'x'.repeat(100) });
    expect(parseField('businessName', 'x'.repeat(101))).toEqual({ kind: 'invalid', error: 'tooLong' });
  });

  it.each([
    ['', 'required'],
    ['  \n ', 'required'],
    ['A', 'tooShort'],
    ['7', 'tooShort'],
    ['--', 'noLetterOrDigit'],
    ['...', 'noLetterOrDigit'],
    ['🍰🍰', 'noLetterOrDigit'],
  ])('%j is invalid: %s', (input, error) => {
    expect(parseField('businessName', input)).toEqual({ kind: 'invalid', error });
  });
});

describe('productType (Jenis Produk)', () => {
  it.each([
    ['Makanan ringan', 'Makanan ringan'],
    ['  kue   kering dan   keripik ', 'kue kering dan keripik'],
    ['BATIK', 'BATIK'],
    ['Sembako', 'Sembako'],
    ['Fashion, aksesoris & tas', 'Fashion, aksesoris & tas'],
    ['Kaos 3D', 'Kaos 3D'],
    ['TV', 'TV'],
  ])('%j -> %j', (input, value) => {
    expect(parseField('productType', input)).toEqual({ kind: 'valid', value });
  });

  it('accepts exactly 100 characters and rejects 101', () => {
    expect(parseField('productType', 'k'.repeat(100))).toEqual({ kind: 'valid', value: 'k'.repeat(100) });
    expect(parseField('productType', 'k'.repeat(101))).toEqual({ kind: 'invalid', error: 'tooLong' });
  });

  it.each([
    ['', 'required'],
    [' ', 'required'],
    ['k', 'tooShort'],
    ['12', 'tooFewLetters'],
    ['a1', 'tooFewLetters'],
    ['!!!', 'tooFewLetters'],
  ])('%j is invalid: %s', (input, error) => {
    expect(parseField('productType', input)).toEqual({ kind: 'invalid', error });
  });
});
