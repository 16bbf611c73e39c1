import { describe, expect, it } from 'vitest';
import { asksAboutOwnReport, contactIn, explanationIn, lostReportNumber, pickedFrom, saysNumberLost } from '../../dialogs/inquiry.js';
import type { FoundTicket } from '../../dialogs/conversationContext.js';

/** The pure readers behind a status look-up without the number (issue 14, items 4 and 5). */

describe('contactIn', () => {
  it('reads a phone and an email in either order, with the separators people type', () => {
    expect(contactIn('email sy Budi.Santoso@gmail.com, hp 0812-3456-7890')).toEqual({ phone: '+6281234567890', email: 'budi.santoso@gmail.com' });
    expect(contactIn('+62 812 3456 7890')).toEqual({ phone: '+6281234567890' });
    expect(contactIn('<rina@yahoo.co.id>')).toEqual({ email: 'rina@yahoo.co.id' });
  });

  it('does not take the digits of a report number for a phone', () => {
    expect(contactIn('ITSM-20261124-00001')).toEqual({});
    expect(contactIn('nomornya ga inget')).toEqual({});
  });
});

describe('lostReportNumber', () => {
  it.each(['lupa nomornya, chatnya kehapus', 'sy ga inget no laporannya min', 'forgot my ticket number', 'nomor tiketnya hilang', 'chat kemarin udah kehapus'])('"%s" is a lost report number', (text) => {
    expect(lostReportNumber(text)).toBe(true);
  });

  it.each(['lupa password akun toko', 'lupa nomor hp yang didaftarkan', 'saldo refund belum masuk', 'cek status laporan', 'forgot my password'])('"%s" is not', (text) => {
    expect(lostReportNumber(text)).toBe(false);
  });

  it('at the number question "lupa" alone is enough', () => {
    expect(saysNumberLost('lupa')).toBe(true);
    expect(saysNumberLost('gatau')).toBe(true);
    expect(saysNumberLost('ITSM-20261124-00001')).toBe(false);
  });
});

describe('asksAboutOwnReport', () => {
  it.each(['kelanjutan laporan akun saya', 'gimana progres aduan saya kemarin', 'min laporan saya minggu lalu udah sampe mana ya', 'keluhan sy kemarin udah ada kabar?', 'any news on my complaint?'])('"%s" asks for their report\'s status', (text) => {
    expect(asksAboutOwnReport(text)).toBe(true);
  });

  it.each(['status pesanan saya belum berubah', 'laporan penjualan toko saya tidak muncul statusnya', 'cara lihat status laporan gimana', 'mau lapor akun diretas', 'saldo refund belum masuk'])('"%s" does not', (text) => {
    expect(asksAboutOwnReport(text)).toBe(false);
  });
});

describe('explanationIn', () => {
  it('finds nothing in a remark about the status', () => {
    expect(explanationIn('ya blm ada kabar aja')).toBeNull();
    expect(explanationIn('gimana kelanjutan laporan saya min ITSM-20261124-00001')).toBeNull();
    expect(explanationIn('belum')).toBeNull();
  });

  it('keeps what is still wrong, without the no that answers the question', () => {
    expect(explanationIn('belum, tokonya masih blm aktif')).toBe('tokonya masih blm aktif');
    expect(explanationIn('belum bisa login juga')).toBe('belum bisa login juga');
  });

  it('takes one word where the explanation was asked for', () => {
    expect(explanationIn('login', 1)).toBe('login');
    expect(explanationIn('login')).toBeNull();
  });
});

describe('pickedFrom', () => {
  const found: FoundTicket[] = [
    { number: 'ITSM-20261124-00002', status: 'Open' },
    { number: 'ITSM-20261124-00001', status: 'Closed' },
  ];

  it('by its place in the list, as a digit or a word', () => {
    expect(pickedFrom(found, '1')).toBe('ITSM-20261124-00002');
    expect(pickedFrom(found, 'yang kedua')).toBe('ITSM-20261124-00001');
    expect(pickedFrom(found, 'no. 2')).toBe('ITSM-20261124-00001');
  });

  it('by its number, and nothing for a place that is not listed', () => {
    expect(pickedFrom(found, 'itsm-20261124-00001')).toBe('ITSM-20261124-00001');
    expect(pickedFrom(found, '3')).toBeNull();
    expect(pickedFrom(found, 'hmm')).toBeNull();
  });
});
