/**
 * What people type for a province besides its official name: short forms ("jatim", "sumut",
 * "DIY", "NTT"), older and English names. Hand-written because the data set (areaData.ts) has only
 * the official names; keyed by the name the application stores (see PROVINCE_DISPLAY).
 *
 * Aliases are compared after folding (lower case, no diacritics, punctuation as spaces) and with
 * all spaces removed, so "Kep. Riau", "kep riau" and "KEPRIAU" are the same key; spelling variants
 * that only differ in spacing or punctuation need not be listed twice. A leading
 * "provinsi"/"prov" is removed before matching, see province.ts.
 *
 * An alias must never be shared by two provinces (checked by the tests).
 */

/**
 * Stored names that are not simply the official name in title case: the usual short forms of the
 * two special regions (as on ID cards and in PLN's systems).
 */
export const PROVINCE_DISPLAY: Readonly<Record<string, string>> = {
  'DKI JAKARTA': 'DKI Jakarta',
  'DAERAH ISTIMEWA YOGYAKARTA': 'DI Yogyakarta',
};

export const PROVINCE_ALIASES: Readonly<Record<string, readonly string[]>> = {
  'Aceh': ['nad', 'nanggroe aceh darussalam', 'nanggro aceh darussalam', 'nangroe aceh darussalam', 'daerah istimewa aceh', 'aceh darussalam'],
  'Sumatera Utara': ['sumut', 'north sumatra', 'north sumatera'],
  'Sumatera Barat': ['sumbar', 'west sumatra', 'west sumatera'],
  'Riau': [],
  'Kepulauan Riau': ['kepri', 'kep riau', 'riau islands'],
  'Jambi': [],
  'Sumatera Selatan': ['sumsel', 'south sumatra', 'south sumatera'],
  'Kepulauan Bangka Belitung': ['babel', 'bangka belitung', 'kep babel', 'kepulauan babel', 'kep bangka belitung', 'bangka belitung islands', 'bangka', 'belitung'],
  'Bengkulu': [],
  'Lampung': [],
  'DKI Jakarta': ['dki', 'jakarta', 'jkt', 'dki jkt', 'daerah khusus ibukota jakarta', 'dkj', 'daerah khusus jakarta', 'jakarta raya', 'special capital region of jakarta'],
  'Jawa Barat': ['jabar', 'west java'],
  'Banten': [],
  'Jawa Tengah': ['jateng', 'central java'],
  'DI Yogyakarta': ['diy', 'di yogyakarta', 'di jogjakarta', 'di jogja', 'di yogya', 'daerah istimewa yogyakarta', 'daerah istimewa jogjakarta', 'daerah istimewa jogja', 'jogja', 'yogya', 'jogjakarta', 'yogyakarta', 'yogjakarta', 'djogjakarta', 'ngayogyakarta', 'ngayogyakarta hadiningrat', 'special region of yogyakarta'],
  'Jawa Timur': ['jatim', 'east java'],
  'Bali': [],
  'Nusa Tenggara Barat': ['ntb', 'west nusa tenggara'],
  'Nusa Tenggara Timur': ['ntt', 'east nusa tenggara'],
  'Kalimantan Barat': ['kalbar', 'west kalimantan'],
  'Kalimantan Tengah': ['kalteng', 'central kalimantan'],
  'Kalimantan Selatan': ['kalsel', 'south kalimantan'],
  'Kalimantan Timur': ['kaltim', 'east kalimantan'],
  'Kalimantan Utara': ['kaltara', 'north kalimantan'],
  'Sulawesi Utara': ['sulut', 'north sulawesi'],
  'Gorontalo': [],
  'Sulawesi Tengah': ['sulteng', 'central sulawesi'],
  'Sulawesi Barat': ['sulbar', 'west sulawesi'],
  'Sulawesi Selatan': ['sulsel', 'south sulawesi'],
  'Sulawesi Tenggara': ['sultra', 'southeast sulawesi', 'sultenggara'],
  'Maluku': ['moluccas'],
  'Maluku Utara': ['malut', 'north maluku'],
  // "Papua induk": the province left after the 2022 split ("papua" alone is the island, see provinceRegions.ts).
  'Papua': ['papua induk', 'provinsi papua induk'],
  'Papua Barat': ['pabar', 'papbar', 'west papua', 'irian jaya barat', 'irjabar'],
  'Papua Selatan': ['papsel', 'south papua'],
  'Papua Tengah': ['papteng', 'central papua'],
  'Papua Pegunungan': ['papeg', 'highland papua'],
  'Papua Barat Daya': ['pbd', 'southwest papua'],
};
