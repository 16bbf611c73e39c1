/**
 * Indonesia's provinces and regencies/cities from the maintained data set `idn-area-data` (38
 * provinces, 514 regencies and cities, official names in capitals, e.g. "KABUPATEN SIDOARJO").
 *
 * The package's getters are asynchronous (a CSV stream through papaparse), but the field checks
 * are synchronous (zod transforms called from the dialog's guards), so its two small CSV files are
 * read here synchronously, once, at the first look-up (about 20 kB; districts and villages are
 * never read).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface AreaProvince {
  /** BPS code, e.g. "35". */
  readonly code: string;
  /** Official name as in the data set, e.g. "JAWA TIMUR". */
  readonly official: string;
}

export interface AreaRegency {
  /** BPS code, e.g. "35.15". */
  readonly code: string;
  readonly provinceCode: string;
  /** Official name as in the data set, e.g. "KABUPATEN SIDOARJO", "KOTA ADMINISTRASI JAKARTA PUSAT". */
  readonly official: string;
}

export interface AreaData {
  readonly provinces: readonly AreaProvince[];
  readonly regencies: readonly AreaRegency[];
}

const require = createRequire(import.meta.url);

/** Rows of one of the package's CSV files (plain: no quoted fields in these two), header first. */
function readCsv(name: 'provinces' | 'regencies'): string[][] {
  const dir = join(dirname(require.resolve('idn-area-data/package.json')), 'data');
  const text = readFileSync(join(dir, `${name}.csv`), 'utf8');
  const rows = text.split(/\r?\n/).filter((line) => line.trim() !== '').map((line) => line.split(','));
  return rows.slice(1);
}

/** Reads the data set; use `areaData()`, which reads it once. */
export function loadAreaData(): AreaData {
  const provinces = readCsv('provinces').map(([code = '', official = '']) => ({ code, official }));
  const regencies = readCsv('regencies').map(([code = '', provinceCode = '', official = '']) => ({ code, provinceCode, official }));
  return { provinces, regencies };
}

let cached: AreaData | undefined;

/** The data set, read at the first call and kept. */
export function areaData(): AreaData {
  cached ??= loadAreaData();
  return cached;
}
