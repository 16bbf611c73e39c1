import { describe, expect, it } from 'vitest';
import { matchProvince, parseField, provinceNames } from '../../dialogs/fields/index.js';
import { provinceEntries, provinceKey } from '../../dialogs/fields/province.js';

const OFFICIAL_38 = [
  'Aceh',
  'Sumatera Utara',
  'Sumatera Barat',
  'Riau',
  'Kepulauan Riau',
  'Jambi',
  'Sumatera Selatan',
  'Kepulauan Bangka Belitung',
  'Bengkulu',
  'Lampung',
  'DKI Jakarta',
  'Jawa Barat',
  'Banten',
  'Jawa Tengah',
  'DI Yogyakarta',
  'Jawa Timur',
  'Bali',
  'Nusa Tenggara Barat',
  'Nusa Tenggara Timur',
  'Kalimantan Barat',
  'Kalimantan Tengah',
  'Kalimantan Selatan',
  'Kalimantan Timur',
  'Kalimantan Utara',
  'Sulawesi Utara',
  'Gorontalo',
  'Sulawesi Tengah',
  'Sulawesi Barat',
  'Sulawesi Selatan',
  'Sulawesi Tenggara',
  'Maluku',
  'Maluku Utara',
  'Papua',
  'Papua Barat',
  'Papua Selatan',
  'Papua Tengah',
  'Papua Pegunungan',
  'Papua Barat Daya',
];

describe('province data', () => {
  it('has the 38 official provinces, each once', () => {
    expect(provinceNames()).toHaveLength(38);
    expect(new Set(provinceNames()).size).toBe(38);
    expect([...provinceNames()].sort()).toEqual([...OFFICIAL_38].sort());
  });

  it('never gives one alias (as compared) to two provinces', () => {
    const owner = new Map<string, string>();
    for (const p of provinceEntries()) {
      for (const alias of [p.name, ...p.aliases]) {
        const key = provinceKey(alias);
        expect(key, alias).not.toBe('');
        const previous = owner.get(key);
        if (previous !== undefined) expect(previous, `${alias} is also an alias of ${previous}`).toBe(p.name);
        owner.set(key, p.name);
      }
    }
  });

  it('resolves every canonical name and every alias to its own province, as valid', () => {
    for (const p of provinceEntries()) {
      for (const name of [p.name, ...p.aliases]) {
        // "Papua" alone is the island (six provinces since 2022): the province is "provinsi Papua".
        const alias = matchProvince(name).kind === 'region' ? `provinsi ${name}` : name;
        expect(parseField('province', alias), alias).toEqual({ kind: 'valid', value: p.name });
        expect(parseField('province', alias.toUpperCase()), alias).toEqual({ kind: 'valid', value: p.name });
      }
    }
  });
});

describe('province (Provinsi)', () => {
  const valid = (value: string) => ({ kind: 'valid', value });

  it.each([
    // canonical names in any case / punctuation / spacing
    ['Jawa Timur', 'Jawa Timur'],
    ['jawa timur', 'Jawa Timur'],
    ['JAWA TIMUR', 'Jawa Timur'],
    ['  jawa   timur. ', 'Jawa Timur'],
    ['jawatimur', 'Jawa Timur'],
    ['Jawa-Timur', 'Jawa Timur'],
    ['DKI Jakarta', 'DKI Jakarta'],
    ['D.K.I. Jakarta', 'DKI Jakarta'],
    ['DI Yogyakarta', 'DI Yogyakarta'],
    ['D.I. Yogyakarta', 'DI Yogyakarta'],
    ['D.I.Y.', 'DI Yogyakarta'],
    ['Kep. Bangka Belitung', 'Kepulauan Bangka Belitung'],
    ['kepulauan bangka-belitung', 'Kepulauan Bangka Belitung'],
    ['Kep. Riau', 'Kepulauan Riau'],
    ['riau', 'Riau'],
    ['Papua Barat Daya', 'Papua Barat Daya'],
    ['papua pegunungan', 'Papua Pegunungan'],
    ['Papua Selatan', 'Papua Selatan'],
    ['papua tengah', 'Papua Tengah'],
    ['Kalimantan Utara', 'Kalimantan Utara'],
    ['nusa tenggara timur', 'Nusa Tenggara Timur'],
    // "provinsi"/"prov" prefix and "province" suffix
    ['prov. jawa timur', 'Jawa Timur'],
    ['Provinsi Jawa Barat', 'Jawa Barat'],
    ['propinsi bali', 'Bali'],
    ['prov jateng', 'Jawa Tengah'],
    ['Prop. Sumatera Utara', 'Sumatera Utara'],
    ['provnsi bali', 'Bali'],
    ['East Java Province', 'Jawa Timur'],
    ['provinsi papua barat daya', 'Papua Barat Daya'],
    // Jawa short forms
    ['jatim', 'Jawa Timur'],
    ['JATENG', 'Jawa Tengah'],
    ['Jabar', 'Jawa Barat'],
    ['banten', 'Banten'],
    ['dki', 'DKI Jakarta'],
    ['jakarta', 'DKI Jakarta'],
    ['Jkt', 'DKI Jakarta'],
    ['DKJ', 'DKI Jakarta'],
    ['Daerah Khusus Jakarta', 'DKI Jakarta'],
    ['daerah khusus ibukota jakarta', 'DKI Jakarta'],
    // Yogyakarta family
    ['diy', 'DI Yogyakarta'],
    ['jogja', 'DI Yogyakarta'],
    ['Yogya', 'DI Yogyakarta'],
    ['jogjakarta', 'DI Yogyakarta'],
    ['Yogyakarta', 'DI Yogyakarta'],
    ['daerah istimewa yogyakarta', 'DI Yogyakarta'],
    ['DI Jogja', 'DI Yogyakarta'],
    // Sumatera
    ['aceh', 'Aceh'],
    ['NAD', 'Aceh'],
    ['nanggroe aceh darussalam', 'Aceh'],
    ['sumut', 'Sumatera Utara'],
    ['sumbar', 'Sumatera Barat'],
    ['sumsel', 'Sumatera Selatan'],
    ['kepri', 'Kepulauan Riau'],
    ['babel', 'Kepulauan Bangka Belitung'],
    ['bangka belitung', 'Kepulauan Bangka Belitung'],
    ['jambi', 'Jambi'],
    ['bengkulu', 'Bengkulu'],
    ['lampung', 'Lampung'],
    // Bali & Nusa Tenggara
    ['bali', 'Bali'],
    ['ntb', 'Nusa Tenggara Barat'],
    ['NTT', 'Nusa Tenggara Timur'],
    // Kalimantan
    ['kalbar', 'Kalimantan Barat'],
    ['kalteng', 'Kalimantan Tengah'],
    ['kalsel', 'Kalimantan Selatan'],
    ['kaltim', 'Kalimantan Timur'],
    ['kaltara', 'Kalimantan Utara'],
    // Sulawesi
    ['sulut', 'Sulawesi Utara'],
    ['sulteng', 'Sulawesi Tengah'],
    ['sulsel', 'Sulawesi Selatan'],
    ['sultra', 'Sulawesi Tenggara'],
    ['sulbar', 'Sulawesi Barat'],
    ['gorontalo', 'Gorontalo'],
    // Maluku & Papua
    ['maluku', 'Maluku'],
    ['malut', 'Maluku Utara'],
    ['provinsi papua', 'Papua'],
    ['Prov. Papua', 'Papua'],
    ['papua barat', 'Papua Barat'],
    ['pabar', 'Papua Barat'],
    ['irian jaya barat', 'Papua Barat'],
    ['papsel', 'Papua Selatan'],
    ['papteng', 'Papua Tengah'],
    ['PBD', 'Papua Barat Daya'],
    // English
    ['West Java', 'Jawa Barat'],
    ['North Sumatra', 'Sumatera Utara'],
    ['Special Region of Yogyakarta', 'DI Yogyakarta'],
    ['Southwest Papua', 'Papua Barat Daya'],
    ['Highland Papua', 'Papua Pegunungan'],
  ])('%j -> %j (valid)', (input, value) => {
    expect(parseField('province', input)).toEqual(valid(value));
  });

  it.each([
    ['jawa timr', 'Jawa Timur'],
    ['jwa tengah', 'Jawa Tengah'],
    ['jawa barta', 'Jawa Barat'],
    ['sumatra utara', 'Sumatera Utara'],
    ['Sumatra Barat', 'Sumatera Barat'],
    ['sumatra selatan', 'Sumatera Selatan'],
    ['kalimantan timir', 'Kalimantan Timur'],
    ['kalimantan tenggah', 'Kalimantan Tengah'],
    ['sulawesi selatn', 'Sulawesi Selatan'],
    ['jogya', 'DI Yogyakarta'],
    ['yogyakata', 'DI Yogyakarta'],
    ['jakrta', 'DKI Jakarta'],
    ['bengkuli', 'Bengkulu'],
    ['gorontlo', 'Gorontalo'],
    ['lampumg', 'Lampung'],
    ['kaltm', 'Kalimantan Timur'],
    ['sumsell', 'Sumatera Selatan'],
    ['nusa tengara barat', 'Nusa Tenggara Barat'],
    ['papua pegunugan', 'Papua Pegunungan'],
    ['papua barat daye', 'Papua Barat Daya'],
    ['kepulauan bangka belitng', 'Kepulauan Bangka Belitung'],
    ['prov. jawa timr', 'Jawa Timur'],
    ['papua bara', 'Papua Barat'],
  ])('%j -> confirm %j', (typed, value) => {
    expect(parseField('province', typed)).toEqual({ kind: 'confirm', value, typed });
  });

  it('reports the typed text cleaned of extra spaces', () => {
    expect(parseField('province', '  jawa   timr ')).toEqual({ kind: 'confirm', value: 'Jawa Timur', typed: 'jawa timr' });
  });

  it.each([['jawa'], ['Jawa'], ['sulawesi'], ['kalimantan'], ['sumatera'], ['sumatra'], ['nusa tenggara'], ['papua'], ['PAPUA']])(
    '%j (a region of several provinces) -> invalid region',
    (input) => {
      expect(parseField('province', input)).toEqual({ kind: 'invalid', error: 'region' });
    },
  );

  it.each([
    ['ntx'], // too short to guess between NTB and NTT
    ['nttb'], // one edit from both NTB and NTT
    ['ntbb'], // aliases of 3 letters or fewer only match exactly
    ['sulawesi tengga'], // Tengah or Tenggara?
    ['xyz'],
    ['surabaya'],
    ['indonesia'],
    ['provinsi'],
    ['12345'],
    ['-'],
  ])('%j -> invalid unknown', (input) => {
    expect(parseField('province', input)).toEqual({ kind: 'invalid', error: 'unknown' });
  });

  it.each([[''], ['   ']])('%j -> invalid required', (input) => {
    expect(parseField('province', input)).toEqual({ kind: 'invalid', error: 'required' });
  });

  it('matchProvince reports the kind of match and the edit distance', () => {
    expect(matchProvince('Jatim')).toEqual({ kind: 'exact', name: 'Jawa Timur' });
    expect(matchProvince('jawa timr')).toEqual({ kind: 'typo', name: 'Jawa Timur', distance: 1 });
    expect(matchProvince('xyz')).toEqual({ kind: 'none' });
    expect(matchProvince('jawa')).toEqual({
      kind: 'region',
      region: 'Jawa',
      names: ['Jawa Barat', 'Jawa Tengah', 'Jawa Timur', 'DKI Jakarta', 'Banten', 'DI Yogyakarta'],
    });
    expect(matchProvince('sumatra')).toMatchObject({ kind: 'region', region: 'Sumatera' });
    expect(matchProvince('papua')).toMatchObject({ kind: 'region', region: 'Papua' });
    expect(matchProvince('provinsi papua')).toEqual({ kind: 'exact', name: 'Papua' });
  });
});
