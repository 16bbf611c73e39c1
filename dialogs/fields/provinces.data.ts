/**
 * Indonesia's 38 provinces (official names as of 2024, after the 2022 Papua
 * split), each with the short forms and alternative names people type.
 *
 * Aliases are compared after folding (lower case, no diacritics, punctuation as
 * spaces) and with all spaces removed, so "Kep. Riau", "kep riau" and "KEPRIAU"
 * are the same key; spelling variants that only differ in spacing or
 * punctuation need not be listed twice. A leading "provinsi"/"prov" is removed
 * before matching, see province.ts.
 *
 * An alias must never be shared by two provinces (checked by the tests).
 */
export interface ProvinceEntry {
  /** Canonical spelling stored in the application. */
  readonly name: string;
  /** Other accepted spellings (the canonical name itself is implied). */
  readonly aliases: readonly string[];
}

export const PROVINCES: readonly ProvinceEntry[] = [
  // Sumatera
  {
    name: 'Aceh',
    aliases: ['nad', 'nanggroe aceh darussalam', 'nanggro aceh darussalam', 'nangroe aceh darussalam', 'daerah istimewa aceh', 'aceh darussalam'],
  },
  { name: 'Sumatera Utara', aliases: ['sumut', 'north sumatra', 'north sumatera'] },
  { name: 'Sumatera Barat', aliases: ['sumbar', 'west sumatra', 'west sumatera'] },
  { name: 'Riau', aliases: [] },
  { name: 'Kepulauan Riau', aliases: ['kepri', 'kep riau', 'riau islands'] },
  { name: 'Jambi', aliases: [] },
  { name: 'Sumatera Selatan', aliases: ['sumsel', 'south sumatra', 'south sumatera'] },
  {
    name: 'Kepulauan Bangka Belitung',
    aliases: ['babel', 'bangka belitung', 'kep babel', 'kepulauan babel', 'kep bangka belitung', 'bangka belitung islands', 'bangka', 'belitung'],
  },
  { name: 'Bengkulu', aliases: [] },
  { name: 'Lampung', aliases: [] },

  // Jawa
  {
    name: 'DKI Jakarta',
    aliases: [
      'dki',
      'jakarta',
      'jkt',
      'dki jkt',
      'daerah khusus ibukota jakarta',
      'dkj',
      'daerah khusus jakarta',
      'jakarta raya',
      'special capital region of jakarta',
    ],
  },
  { name: 'Jawa Barat', aliases: ['jabar', 'west java'] },
  { name: 'Banten', aliases: [] },
  { name: 'Jawa Tengah', aliases: ['jateng', 'central java'] },
  {
    name: 'DI Yogyakarta',
    aliases: [
      'diy',
      'di yogyakarta',
      'di jogjakarta',
      'di jogja',
      'di yogya',
      'daerah istimewa yogyakarta',
      'daerah istimewa jogjakarta',
      'daerah istimewa jogja',
      'jogja',
      'yogya',
      'jogjakarta',
      'yogyakarta',
      'yogjakarta',
      'djogjakarta',
      'ngayogyakarta',
      'ngayogyakarta hadiningrat',
      'special region of yogyakarta',
    ],
  },
  { name: 'Jawa Timur', aliases: ['jatim', 'east java'] },

  // Bali & Nusa Tenggara
  { name: 'Bali', aliases: [] },
  { name: 'Nusa Tenggara Barat', aliases: ['ntb', 'west nusa tenggara'] },
  { name: 'Nusa Tenggara Timur', aliases: ['ntt', 'east nusa tenggara'] },

  // Kalimantan
  { name: 'Kalimantan Barat', aliases: ['kalbar', 'west kalimantan'] },
  { name: 'Kalimantan Tengah', aliases: ['kalteng', 'central kalimantan'] },
  { name: 'Kalimantan Selatan', aliases: ['kalsel', 'south kalimantan'] },
  { name: 'Kalimantan Timur', aliases: ['kaltim', 'east kalimantan'] },
  { name: 'Kalimantan Utara', aliases: ['kaltara', 'north kalimantan'] },

  // Sulawesi
  { name: 'Sulawesi Utara', aliases: ['sulut', 'north sulawesi'] },
  { name: 'Gorontalo', aliases: [] },
  { name: 'Sulawesi Tengah', aliases: ['sulteng', 'central sulawesi'] },
  { name: 'Sulawesi Barat', aliases: ['sulbar', 'west sulawesi'] },
  { name: 'Sulawesi Selatan', aliases: ['sulsel', 'south sulawesi'] },
  { name: 'Sulawesi Tenggara', aliases: ['sultra', 'southeast sulawesi', 'sultenggara'] },

  // Maluku
  { name: 'Maluku', aliases: ['moluccas'] },
  { name: 'Maluku Utara', aliases: ['malut', 'north maluku'] },

  // Papua
  { name: 'Papua', aliases: [] },
  { name: 'Papua Barat', aliases: ['pabar', 'papbar', 'west papua', 'irian jaya barat', 'irjabar'] },
  { name: 'Papua Selatan', aliases: ['papsel', 'south papua'] },
  { name: 'Papua Tengah', aliases: ['papteng', 'central papua'] },
  { name: 'Papua Pegunungan', aliases: ['papeg', 'highland papua'] },
  { name: 'Papua Barat Daya', aliases: ['pbd', 'southwest papua'] },
];
