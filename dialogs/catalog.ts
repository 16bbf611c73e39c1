import type { Classification } from '../src/tickets/types.js';

/**
 * The ITSM catalogue for the PLN Mobile Marketplace, transcribed verbatim from the SOP of
 * 14 April 2022 (seed `000_625a2899d3c469ac.txt`, "Kataloq Pemilihan Service Family, Service Grup &
 * Service Type"). Labels keep the seed's exact spelling, capitalisation and trailing full stops:
 * they are what the officer picks in ITSM, so do not "tidy" them.
 */
export const CATALOG_SERVICE_FAMILY = 'PLN Mobile - Marketplace';

/** The six service groups, in catalogue order. */
export const CATALOG_GROUPS = [
  'Registrasi',
  'Manajemen User',
  'Keamanan Akun',
  'Manajemen Produk',
  'Transaksi',
  'Aplikasi',
] as const;

export type CatalogGroup = (typeof CATALOG_GROUPS)[number];

export interface CatalogEntry {
  /** 1-40, the "NO" column. */
  readonly number: number;
  readonly group: CatalogGroup;
  /** The "SERVICE TYPE" column, verbatim. */
  readonly label: string;
}

/** Labels per group, in order; numbers follow on from group to group (1-7, 8-17, ...). */
const LABELS_BY_GROUP: Readonly<Record<CatalogGroup, readonly string[]>> = {
  Registrasi: [
    'Nomor Ponsel/Email tidak dapat digunakan untuk pendaftaran.',
    'Pendaftaran User SSO Baru',
    'Aktivasi User Vendor Invoicing Portal',
    'Pendaftaran User SSO ke Vendor Invoicing Portal',
    'Melakukan registrasi pengguna Marketplace.',
    'Melakukan Registrasi ICONCash',
    'Melakukan Registrasi Toko Marketplace',
  ],
  'Manajemen User': [
    'Mengubah Alamat',
    'Pemetaan User SSO ke User Vendor Invoicing Portal',
    'Pemetaan dan Perubahan (Tambah/Kurang) Role User Vendor Invoicing Portal',
    'Pergantian Alamat Email Vendor pada Akun Vendor Invoicing Portal',
    'De-aktivasi Akun User Vendor Invoicing Portal',
    'Manajemen Password User (SSO) (Pergantian dan Lupa Password)',
    'Mengubah Biodata.',
    'Mengubah Informasi Toko',
    'Tutup Akun.',
    'Membuka akun yang ter-blokir.',
  ],
  'Keamanan Akun': [
    'Akun diambil alih / diretas oleh pihak tidak berwenang.',
    'Data sensitif pengguna bocor / diambil oleh pihak tidak berwenang.',
  ],
  'Manajemen Produk': ['Tambah Produk', 'Merubah Produk', 'Hapus Produk'],
  Transaksi: [
    'Saldo refund tidak masuk ke saldo ICONCash.',
    'Tidak dapat melakukan pembayaran dengan menggunakan ICONCash',
    'Tidak dapat melakukan pembayaran dengan menggunakan kartu kredit',
    'Tidak dapat melakukan pembayaran dengan menggunakan bank transfer',
    'Tidak dapat melakukan pembelian',
    'Status pemesanan tidak dapat terlihat',
    'Invoice tidak dapat ditampilkan',
    'Tidak dapat melakukan pembayaran',
    'Pembayaran telah dilakukan, namun tidak terkonfirmasi',
    'Transaksi pembelian berhasil namun status pemesanan tidak berubah.',
    'Barang yang dikirimkan Toko tidak sesuai dengan pemesanan.',
    'Saldo pendapatan tidak masuk ke ICONCash Toko setelah transaksi selesai',
    'Pencairan Dana Kepada Merchant',
    'Pengiriman dari Transaksi tidak terlacak',
    'Pembayaran tagihan produk gagal',
  ],
  Aplikasi: [
    'Tidak dapat login ke Marketplace',
    'Produk pada Marketplace tidak tampil',
    'ICONCash tidak terhubung dengan Marketplace',
  ],
};

/** All 40 service types, numbered 1-40 in catalogue order. */
export const CATALOG: readonly CatalogEntry[] = Object.freeze(
  CATALOG_GROUPS.flatMap((group) => LABELS_BY_GROUP[group].map((label) => ({ group, label }))).map(
    ({ group, label }, i): CatalogEntry => Object.freeze({ number: i + 1, group, label }),
  ),
);

/** The catalogue entry with this number (1-40), or undefined. */
export function catalogEntry(n: number): CatalogEntry | undefined {
  return Number.isInteger(n) ? CATALOG[n - 1] : undefined;
}

/**
 * The ITSM classification of a Marketplace complaint (SOP section 2) for catalogue entry `n`:
 * family "PLN Mobile - Marketplace", the entry's group and label. The SOP does not fix the Call
 * Type for complaints, so the caller chooses it. Throws for a number outside 1-40.
 */
export function catalogClassification(n: number, callType: string): Classification {
  const entry = catalogEntry(n);
  if (!entry) throw new RangeError(`No Marketplace catalogue entry ${n}`);
  return {
    callType,
    serviceFamily: CATALOG_SERVICE_FAMILY,
    serviceGroup: entry.group,
    serviceType: entry.label,
    catalogNumber: entry.number,
  };
}

/**
 * SOP section 1c: the ITSM classification of a seller (merchant) application, exactly as the
 * officer selects it. The seed shows the Service Type cut off ("07. Melakukan Registrasi Toko
 * Mark"); the full label is catalogue item 7.
 */
export const SELLER_REGISTRATION: Classification = Object.freeze({
  callType: 'Service Request',
  serviceFamily: '32. NEW PLN MOBILE',
  serviceGroup: '12. REGISTRASI PLN MOBILE - MA',
  serviceType: '07. Melakukan Registrasi Toko Marketplace',
  catalogNumber: 7,
});
