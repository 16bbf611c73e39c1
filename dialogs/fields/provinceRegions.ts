/**
 * Island groups and regions that people give when asked for their province ("jawa", "sumatra"):
 * not a province, so the provinces of that region are offered to choose from, the likeliest first
 * (for Java: the three "Jawa …" provinces, then the other three on the island). Hand-written: the
 * data set (areaData.ts) has no island groups. Keys are compared like province aliases (folded,
 * spaces removed, see province.ts).
 *
 * "papua" is also the name of one province, but since the 2022 split most people who write just
 * "Papua" mean the island's western half, which is now six provinces: asked which.
 */
export interface ProvinceRegion {
  /** How the region is named in the question ("Jawa"). */
  readonly name: string;
  /** What people type for it. */
  readonly aliases: readonly string[];
  /** Its provinces by their stored names, in the order offered. */
  readonly provinces: readonly string[];
}

export const PROVINCE_REGIONS: readonly ProvinceRegion[] = [
  {
    name: 'Jawa',
    aliases: ['jawa', 'java', 'pulau jawa', 'java island', 'jawa island'],
    provinces: ['Jawa Barat', 'Jawa Tengah', 'Jawa Timur', 'DKI Jakarta', 'Banten', 'DI Yogyakarta'],
  },
  {
    name: 'Sumatera',
    aliases: ['sumatera', 'sumatra', 'pulau sumatera', 'pulau sumatra', 'sumatra island'],
    provinces: [
      'Sumatera Utara',
      'Sumatera Barat',
      'Sumatera Selatan',
      'Aceh',
      'Riau',
      'Kepulauan Riau',
      'Jambi',
      'Bengkulu',
      'Lampung',
      'Kepulauan Bangka Belitung',
    ],
  },
  {
    name: 'Kalimantan',
    aliases: ['kalimantan', 'borneo', 'pulau kalimantan'],
    provinces: ['Kalimantan Barat', 'Kalimantan Tengah', 'Kalimantan Selatan', 'Kalimantan Timur', 'Kalimantan Utara'],
  },
  {
    name: 'Sulawesi',
    aliases: ['sulawesi', 'celebes', 'pulau sulawesi'],
    provinces: ['Sulawesi Utara', 'Sulawesi Tengah', 'Sulawesi Selatan', 'Sulawesi Tenggara', 'Sulawesi Barat', 'Gorontalo'],
  },
  {
    name: 'Nusa Tenggara',
    aliases: ['nusa tenggara', 'nusra', 'lesser sunda islands'],
    provinces: ['Nusa Tenggara Barat', 'Nusa Tenggara Timur'],
  },
  {
    name: 'Papua',
    aliases: ['papua', 'irian', 'irian jaya', 'pulau papua', 'tanah papua'],
    provinces: ['Papua', 'Papua Barat', 'Papua Selatan', 'Papua Tengah', 'Papua Pegunungan', 'Papua Barat Daya'],
  },
];
