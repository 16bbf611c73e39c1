/**
 * What people type for a regency or city besides its official name: old and colloquial names and
 * chat abbreviations ("jogja", "solo", "jaksel", "bdg"). Hand-written because the data set
 * (areaData.ts) has only the official names. Each alias maps to what it stands for, written as
 * the place look-up understands it: an official name ("Kota Surakarta"), a name shared by a city
 * and a regency ("Malang"), or a group below ("Jakarta").
 *
 * Aliases are compared like names (folded, spaces removed, see places.ts) and must not be the
 * name of another regency (checked by the tests).
 */
export const CITY_ALIASES: Readonly<Record<string, string>> = {
  // DKI Jakarta
  jaksel: 'Kota Jakarta Selatan',
  jakpus: 'Kota Jakarta Pusat',
  jakut: 'Kota Jakarta Utara',
  jakbar: 'Kota Jakarta Barat',
  jaktim: 'Kota Jakarta Timur',
  jakarta: 'Jakarta',
  jkt: 'Jakarta',
  'dki jakarta': 'Jakarta',
  'pulau seribu': 'Kabupaten Kepulauan Seribu',
  // Yogyakarta
  jogja: 'Kota Yogyakarta',
  jogya: 'Kota Yogyakarta',
  yogya: 'Kota Yogyakarta',
  jogjakarta: 'Kota Yogyakarta',
  yogjakarta: 'Kota Yogyakarta',
  djogja: 'Kota Yogyakarta',
  djokja: 'Kota Yogyakarta',
  jokja: 'Kota Yogyakarta',
  jogjakota: 'Kota Yogyakarta',
  'kota jogja': 'Kota Yogyakarta',
  'kota yogya': 'Kota Yogyakarta',
  'kota jogjakarta': 'Kota Yogyakarta',
  // Colloquial and old names
  solo: 'Kota Surakarta',
  'kota solo': 'Kota Surakarta',
  'ujung pandang': 'Kota Makassar',
  tangsel: 'Kota Tangerang Selatan',
  siantar: 'Kota Pematangsiantar',
  padangsidimpuan: 'Kota Padang Sidempuan',
  // Chat abbreviations
  bdg: 'Kota Bandung',
  sby: 'Kota Surabaya',
  smg: 'Kota Semarang',
  mlg: 'Malang',
  mdn: 'Kota Medan',
  plg: 'Kota Palembang',
  mks: 'Kota Makassar',
  mksr: 'Kota Makassar',
  dps: 'Kota Denpasar',
  btm: 'Kota Batam',
  pku: 'Kota Pekanbaru',
  bpn: 'Kota Balikpapan',
  bjm: 'Kota Banjarmasin',
  pdg: 'Kota Padang',
  pnk: 'Kota Pontianak',
  smd: 'Kota Samarinda',
  mnd: 'Kota Manado',
  bgr: 'Bogor',
  bks: 'Bekasi',
  tng: 'Tangerang',
  dpk: 'Kota Depok',
};

/**
 * Names that stand for several cities of one province, where the data set has no single entry:
 * stored as typed, with the province known.
 */
export const CITY_GROUPS: Readonly<Record<string, readonly string[]>> = {
  Jakarta: ['Kota Jakarta Pusat', 'Kota Jakarta Utara', 'Kota Jakarta Barat', 'Kota Jakarta Selatan', 'Kota Jakarta Timur'],
};
