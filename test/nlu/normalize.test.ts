import { describe, expect, it } from 'vitest';
import { TICKET_TOKEN, normalizeText, tokenize } from '../../src/nlu/normalize.js';

describe('normalizeText', () => {
  it.each([
    ['Min, udh bayar tp blm masuk!!! 😭', 'sudah bayar tapi belum masuk'],
    ['gak bisa, ga bisa, nggak bisa, tdk bisa', 'tidak bisa tidak bisa tidak bisa tidak bisa'],
    ['gmn caranya sy daftar yg baru', 'bagaimana caranya saya daftar yang baru'],
    ['tolooong pagii kakk', 'tolong pagi'],
    ['muter2 terus', 'loading loading terus'],
    ['bayar pake Icon Cash', 'bayar pakai iconcash'],
    ['can’t login to the market place', 'tidak bisa login marketplace'],
    ['akun Vendor Invoicing Portal', 'akun vip'],
    ['bayar pakai cc / credit card', 'bayar pakai kartukredit kartukredit'],
    ['mohon NON-AKTIFKAN user', 'mohon deaktivasi user'],
    ['Café résumé', 'cafe resume'],
    // Javanese (krama and ngoko), Sundanese and Betawi words become their Indonesian forms
    ['nyuwun sewu, kulo sampun mbayar nanging durung dikonfirmasi', 'permisi saya sudah bayar tapi belum dikonfirmasi'],
    ['aku wis tuku tapi ora iso dilacak', 'saya sudah beli tapi tidak bisa dilacak'],
    ['punten, abdi parantos mayar tapi teu acan asup', 'permisi saya sudah bayar tapi belum masuk'],
    ['gue udeh bayar tapi kagak masuk', 'saya sudah bayar tapi tidak masuk'],
    ['I already paid but the item never arrived', 'saya sudah bayar tapi barang tidak sampai'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it('replaces ticket numbers, e-mail addresses and bare numbers', () => {
    expect(normalizeText('cek ITSM-20261124-00001 ya')).toBe(`cek ${TICKET_TOKEN}`);
    expect(normalizeText('email saya budi.s@gmail.com')).toBe('email saya email');
    expect(normalizeText('sudah 5 hari 3x')).toBe('sudah hari kali');
  });

  it('keeps genuine double letters', () => {
    expect(normalizeText('maaf saat sso')).toBe('maaf saat sso');
  });

  it('returns nothing for emoji, punctuation and address terms alone', () => {
    expect(normalizeText('🙏👍 !!! ...')).toBe('');
    expect(tokenize('kak')).toEqual([]);
    expect(tokenize('Halo admin')).toEqual(['halo', 'admin']);
  });
});
