import { describe, expect, it } from 'vitest';
import {
  CATALOG,
  CATALOG_GROUPS,
  CATALOG_SERVICE_FAMILY,
  SELLER_REGISTRATION,
  catalogClassification,
  catalogEntry,
} from '../../dialogs/catalog.js';
import { APKT_CLASSIFICATION } from '../../src/tickets/apkt.js';

describe('Marketplace ITSM catalogue', () => {
  it('has 40 entries numbered 1..40 contiguously', () => {
    expect(CATALOG).toHaveLength(40);
    expect(CATALOG.map((e) => e.number)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(CATALOG_SERVICE_FAMILY).toBe('PLN Mobile - Marketplace');
  });

  it('has the six groups in order with sizes 7/10/2/3/15/3 and the right ranges', () => {
    expect(CATALOG_GROUPS).toEqual([
      'Registrasi',
      'Manajemen User',
      'Keamanan Akun',
      'Manajemen Produk',
      'Transaksi',
      'Aplikasi',
    ]);
    const ranges: Record<string, [number, number]> = {
      Registrasi: [1, 7],
      'Manajemen User': [8, 17],
      'Keamanan Akun': [18, 19],
      'Manajemen Produk': [20, 22],
      Transaksi: [23, 37],
      Aplikasi: [38, 40],
    };
    const sizes = CATALOG_GROUPS.map((g) => CATALOG.filter((e) => e.group === g).length);
    expect(sizes).toEqual([7, 10, 2, 3, 15, 3]);
    for (const e of CATALOG) {
      const range = ranges[e.group];
      expect(range, e.group).toBeDefined();
      expect(e.number).toBeGreaterThanOrEqual(range![0]);
      expect(e.number).toBeLessThanOrEqual(range![1]);
    }
  });

  it('keeps the seed labels verbatim (full stops, capitalisation)', () => {
    const expected: Record<number, string> = {
      1: 'Nomor Ponsel/Email tidak dapat digunakan untuk pendaftaran.',
      5: 'Melakukan registrasi pengguna Marketplace.',
      7: 'Melakukan Registrasi Toko Marketplace',
      10: 'Pemetaan dan Perubahan (Tambah/Kurang) Role User Vendor Invoicing Portal',
      13: 'Manajemen Password User (SSO) (Pergantian dan Lupa Password)',
      14: 'Mengubah Biodata.',
      16: 'Tutup Akun.',
      17: 'Membuka akun yang ter-blokir.',
      18: 'Akun diambil alih / diretas oleh pihak tidak berwenang.',
      21: 'Merubah Produk',
      23: 'Saldo refund tidak masuk ke saldo ICONCash.',
      31: 'Pembayaran telah dilakukan, namun tidak terkonfirmasi',
      32: 'Transaksi pembelian berhasil namun status pemesanan tidak berubah.',
      35: 'Pencairan Dana Kepada Merchant',
      40: 'ICONCash tidak terhubung dengan Marketplace',
    };
    for (const [n, label] of Object.entries(expected)) {
      expect(catalogEntry(Number(n))?.label).toBe(label);
    }
    for (const e of CATALOG) expect(e.label).toBe(e.label.trim());
  });

  it('looks entries up by number and refuses others', () => {
    expect(catalogEntry(7)).toEqual({ number: 7, group: 'Registrasi', label: 'Melakukan Registrasi Toko Marketplace' });
    expect(catalogEntry(38)?.group).toBe('Aplikasi');
    expect(catalogEntry(0)).toBeUndefined();
    expect(catalogEntry(41)).toBeUndefined();
    expect(catalogEntry(1.5)).toBeUndefined();
    expect(catalogClassification(27, 'Incident')).toEqual({
      callType: 'Incident',
      serviceFamily: 'PLN Mobile - Marketplace',
      serviceGroup: 'Transaksi',
      serviceType: 'Tidak dapat melakukan pembelian',
      catalogNumber: 27,
    });
    expect(() => catalogClassification(99, 'Incident')).toThrow(RangeError);
  });

  it('has the SOP seller-registration and APKT classifications', () => {
    expect(SELLER_REGISTRATION).toEqual({
      callType: 'Service Request',
      serviceFamily: '32. NEW PLN MOBILE',
      serviceGroup: '12. REGISTRASI PLN MOBILE - MA',
      serviceType: '07. Melakukan Registrasi Toko Marketplace',
      catalogNumber: 7,
    });
    expect(SELLER_REGISTRATION.serviceType.endsWith(catalogEntry(7)!.label)).toBe(true);
    expect(APKT_CLASSIFICATION).toEqual({
      category: 'Keluhan',
      complaintType: 'Informasi',
      subType: 'Umum',
      status: 'Closed - CC123',
    });
  });
});
