import fs from 'node:fs';
import path from 'node:path';
import { projectDir } from '../projectDir.js';

export const LOCALES = ['id', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type Vars = Record<string, string | number>;

type Tree = { [key: string]: string | Tree };


function flatten(tree: Tree, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else flatten(v, key, out);
  }
  return out;
}

let catalogs: Record<Locale, Map<string, string>> | undefined;

/** Every sentence of every locale, flattened to dotted keys; loaded once. */
export function messageCatalogs(): Record<Locale, Map<string, string>> {
  if (!catalogs) {
    const dir = projectDir('locales', 'id.json', import.meta.url);
    const load = (l: Locale) => flatten(JSON.parse(fs.readFileSync(path.join(dir, `${l}.json`), 'utf8')) as Tree);
    catalogs = { id: load('id'), en: load('en') };
  }
  return catalogs;
}

export function hasMessage(locale: Locale, key: string): boolean {
  return messageCatalogs()[locale].has(key);
}

/**
 * The sentence `key` in `locale` with `{placeholders}` filled in. A key missing from a locale is a
 * programming error (a test checks that both locales have the same keys), so it throws rather
 * than showing the user a raw key.
 *
 * @example t('id', 'seller.done', { number: 'ITSM-20261124-00001' })
 */
export function t(locale: Locale, key: string, vars: Vars = {}): string {
  const template = messageCatalogs()[locale].get(key);
  if (template === undefined) throw new Error(`Missing message '${key}' for locale '${locale}'`);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
