import { describe, expect, it } from 'vitest';
import { areaData } from '../../dialogs/fields/areaData.js';
import { CITY_ALIASES, CITY_GROUPS } from '../../dialogs/fields/cityAliases.js';
import { matchCity, placeKey, placesAgree, provinceOfCity, regenciesOf } from '../../dialogs/fields/places.js';
import { matchProvince, provinceNames } from '../../dialogs/fields/province.js';
import { PROVINCE_REGIONS } from '../../dialogs/fields/provinceRegions.js';

const value = (input: string) => {
  const match = matchCity(input);
  return match.kind === 'none' ? null : match.value;
};

describe('the data set (idn-area-data)', () => {
  it('has the 38 provinces and the 514 regencies and cities, each in a province', () => {
    const { provinces, regencies } = areaData();
    expect(provinces).toHaveLength(38);
    expect(regencies).toHaveLength(514);
    const codes = new Set(provinces.map((p) => p.code));
    for (const r of regencies) expect(codes.has(r.provinceCode), r.official).toBe(true);
  });

  it('is read once', () => {
    expect(areaData()).toBe(areaData());
  });

  it('gives every regency a stored name with its kind and a known province', () => {
    const names = new Set(provinceNames());
    for (const r of areaData().regencies) {
      const match = matchCity(r.official);
      expect(match.kind, r.official).toBe('exact');
      if (match.kind !== 'exact') continue;
      expect(match.value, r.official).toMatch(/^(Kota|Kabupaten) \S/);
      expect(match.value, r.official).not.toMatch(/Administrasi/);
      for (const regency of match.regencies) expect(names.has(regency.province), regency.name).toBe(true);
    }
  });
});

describe('city aliases (hand-written)', () => {
  it('resolve, each to a regency of the data set or a group', () => {
    for (const [alias, target] of Object.entries(CITY_ALIASES)) {
      const match = matchCity(alias);
      expect(match.kind, alias).toBe('exact');
      if (match.kind === 'exact') expect(match.regencies.length, `${alias} -> ${target}`).toBeGreaterThan(0);
    }
    for (const [name, members] of Object.entries(CITY_GROUPS)) {
      expect(regenciesOf(name).map((r) => r.name)).toEqual(members);
    }
  });

  it('are never the name of a regency (that name would be hidden)', () => {
    const keys = new Set(areaData().regencies.map((r) => placeKey(r.official).key));
    for (const alias of Object.keys(CITY_ALIASES)) expect(keys.has(placeKey(alias).key), alias).toBe(false);
  });
});

describe('matchCity', () => {
  it.each([
    // prefixes, as typed or abbreviated, and without
    ['Kota Yogyakarta', 'Kota Yogyakarta'],
    ['yogyakarta', 'Kota Yogyakarta'],
    ['kab. sidoarjo', 'Kabupaten Sidoarjo'],
    ['KAB SIDOARJO', 'Kabupaten Sidoarjo'],
    ['sidoarjo', 'Kabupaten Sidoarjo'],
    ['kabupaten sleman', 'Kabupaten Sleman'],
    ['kota administrasi jakarta selatan', 'Kota Jakarta Selatan'],
    ['Jakarta Selatan', 'Kota Jakarta Selatan'],
    ['kotamadya malang', 'Kota Malang'],
    ['kodya surakarta', 'Kota Surakarta'],
    ['gunung kidul', 'Kabupaten Gunungkidul'],
    ['pangkajene dan kepulauan', 'Kabupaten Pangkajene dan Kepulauan'],
    // names that start like a prefix
    ['Kotabaru', 'Kabupaten Kotabaru'],
    ['kota baru', 'Kabupaten Kotabaru'],
    ['Kotamobagu', 'Kota Kotamobagu'],
    // aliases
    ['jaksel', 'Kota Jakarta Selatan'],
    ['JAKPUS', 'Kota Jakarta Pusat'],
    ['jogja', 'Kota Yogyakarta'],
    ['Yogya', 'Kota Yogyakarta'],
    ['kota jogja', 'Kota Yogyakarta'],
    ['solo', 'Kota Surakarta'],
    ['bdg', 'Kota Bandung'],
    ['sby', 'Kota Surabaya'],
    ['ujung pandang', 'Kota Makassar'],
    ['tangsel', 'Kota Tangerang Selatan'],
    // a name of a city and a regency: the name alone; with the kind typed, that one
    ['Bandung', 'Bandung'],
    ['kota bandung', 'Kota Bandung'],
    ['kab bandung', 'Kabupaten Bandung'],
    ['Malang', 'Malang'],
    ['mlg', 'Malang'],
    ['Jakarta', 'Jakarta'],
    // the kind typed does not exist: the name with that kind, the regency still known
    ['kota sleman', 'Kota Sleman'],
  ])('%j is exactly %j', (input, expected) => {
    const match = matchCity(input);
    expect(match.kind, input).toBe('exact');
    expect(value(input)).toBe(expected);
  });

  it.each([
    ['Jogjakrta', 'Kota Yogyakarta'],
    ['jogjakrta', 'Kota Yogyakarta'],
    ['Surabya', 'Kota Surabaya'],
    ['sidoarjoo', 'Kabupaten Sidoarjo'],
    ['kab sidoarj', 'Kabupaten Sidoarjo'],
    ['Banyuwangy', 'Kabupaten Banyuwangi'],
    ['Bandng', 'Bandung'],
    ['kota bandng', 'Kota Bandung'],
  ])('%j is a typo of %j', (input, expected) => {
    const match = matchCity(input);
    expect(match.kind, input).toBe('typo');
    expect(value(input)).toBe(expected);
  });

  it.each([
    // districts, villages and towns: not in the data set, taken as typed by the field
    ['Kepanjen'],
    ['Ciputat'],
    ['Lembang'], // one letter from Rembang, but not the first: not offered
    ['Kuta'],
    ['Ubud'],
    ['Cikarang'],
    ['Pangkalan Bun'],
    // short names: no guess
    ['Bat'],
  ])('%j is not a regency', (input) => {
    expect(matchCity(input)).toEqual({ kind: 'none' });
  });

  it('does not guess between two names equally near', () => {
    // "Bima" and "Bitung" … four letters or fewer are never guessed.
    expect(matchCity('Bim').kind).toBe('none');
  });

  it('finds quickly (a Map by name, the data set read once)', () => {
    matchCity('Sidoarjo');
    const start = performance.now();
    for (let i = 0; i < 200; i++) matchCity('Jogjakrta');
    expect((performance.now() - start) / 200).toBeLessThan(5);
  });
});

describe('the province of a city', () => {
  it.each([
    ['Kabupaten Sidoarjo', 'Jawa Timur'],
    ['Kota Yogyakarta', 'DI Yogyakarta'],
    ['Kota Jakarta Selatan', 'DKI Jakarta'],
    ['Jakarta', 'DKI Jakarta'],
    // Kota Bandung and Kabupaten Bandung are both in Jawa Barat
    ['Bandung', 'Jawa Barat'],
    ['Malang', 'Jawa Timur'],
    ['Kabupaten Kepulauan Seribu', 'DKI Jakarta'],
    ['Kota Sleman', 'DI Yogyakarta'],
  ])('%j is in %j', (city, province) => {
    expect(provinceOfCity(city)).toBe(province);
  });

  it('is unknown for a name of places in two provinces, and for places not in the data set', () => {
    // Kota Banjar (Jawa Barat) and Kabupaten Banjar (Kalimantan Selatan)
    expect(regenciesOf('Banjar').map((r) => r.province).sort()).toEqual(['Jawa Barat', 'Kalimantan Selatan']);
    expect(provinceOfCity('Banjar')).toBeUndefined();
    expect(provinceOfCity('Kepanjen')).toBeUndefined();
    // a typo is not a place until confirmed
    expect(provinceOfCity('Jogjakrta')).toBeUndefined();
  });
});

describe('placesAgree', () => {
  it.each([
    ['Kota Yogyakarta', 'DI Yogyakarta', 'agree'],
    ['Kota Yogyakarta', 'Nusa Tenggara Timur', 'disagree'],
    ['Bandung', 'Jawa Barat', 'agree'],
    ['Bandung', 'Jawa Tengah', 'disagree'],
    ['Banjar', 'Kalimantan Selatan', 'agree'],
    ['Banjar', 'Jawa Barat', 'agree'],
    ['Banjar', 'Bali', 'disagree'],
    ['Kepanjen', 'Bali', 'unknown'],
  ] as const)('%j and %j: %s', (city, province, expected) => {
    expect(placesAgree(city, province)).toBe(expected);
  });
});

describe('regions at the province question', () => {
  it.each([
    ['jawa', ['Jawa Barat', 'Jawa Tengah', 'Jawa Timur', 'DKI Jakarta', 'Banten', 'DI Yogyakarta']],
    ['Pulau Jawa', ['Jawa Barat', 'Jawa Tengah', 'Jawa Timur', 'DKI Jakarta', 'Banten', 'DI Yogyakarta']],
    ['kalimantan', ['Kalimantan Barat', 'Kalimantan Tengah', 'Kalimantan Selatan', 'Kalimantan Timur', 'Kalimantan Utara']],
    ['nusa tenggara', ['Nusa Tenggara Barat', 'Nusa Tenggara Timur']],
  ])('%j offers %j', (input, names) => {
    expect(matchProvince(input)).toMatchObject({ kind: 'region', names });
  });

  it.each(['sumatera', 'sumatra', 'sulawesi', 'papua'])('%j offers only provinces, all of them with the region in their names or on the island', (input) => {
    const match = matchProvince(input);
    expect(match.kind).toBe('region');
    if (match.kind !== 'region') return;
    expect(match.names.length).toBeGreaterThan(1);
    for (const name of match.names) expect(provinceNames()).toContain(name);
  });

  it('lists only real provinces, each in one region', () => {
    const seen = new Set<string>();
    for (const region of PROVINCE_REGIONS) {
      for (const name of region.provinces) {
        expect(provinceNames(), name).toContain(name);
        expect(seen.has(name), name).toBe(false);
        seen.add(name);
      }
    }
  });
});

describe('matchCity asked again', () => {
  it('gives the same answer from its cache as the first time, for each spelling on its own', () => {
    for (const input of ['Kepanjen', 'kota malang', 'Kab. Malang', 'malang', 'Surabya', 'Bandung']) {
      const first = matchCity(input);
      expect(matchCity(input)).toEqual(first);
    }
    expect(matchCity('Kab. Malang')).toMatchObject({ kind: 'exact', value: 'Kabupaten Malang' });
    expect(matchCity('kota malang')).toMatchObject({ kind: 'exact', value: 'Kota Malang' });
    expect(matchCity('Kepanjen')).toEqual({ kind: 'none' });
  });
});
