import { z } from 'zod';
import { areaData } from './areaData.js';
import { damerauLevenshtein } from '../../src/core/editDistance.js';
import { nearestUnique, type FuzzyCandidate } from './fuzzy.js';
import { PROVINCE_ALIASES, PROVINCE_DISPLAY } from './provinceAliases.js';
import { PROVINCE_REGIONS, type ProvinceRegion } from './provinceRegions.js';
import { rejecter } from './schema.js';
import { cleanText, foldForMatch, toTitleCase } from './text.js';
import type { Normalised } from './types.js';

/** A province: the name the application stores, and what else people type for it. */
export interface ProvinceEntry {
  /** Data set (BPS) code, e.g. "35". */
  readonly code: string;
  /** Stored name, e.g. "Jawa Timur", "DI Yogyakarta". */
  readonly name: string;
  /** Other accepted spellings (the stored name itself is implied). */
  readonly aliases: readonly string[];
}

/** The stored name of a province of the data set: title case, or its usual short form. */
export function provinceDisplayName(official: string): string {
  return PROVINCE_DISPLAY[official] ?? toTitleCase(official);
}

let entries: readonly ProvinceEntry[] | undefined;

/** The 38 provinces of the data set, in its (BPS code) order, with the hand-written aliases. */
export function provinceEntries(): readonly ProvinceEntry[] {
  entries ??= Object.freeze(
    areaData().provinces.map((p) => {
      const name = provinceDisplayName(p.official);
      return { code: p.code, name, aliases: [p.official.toLowerCase(), ...(PROVINCE_ALIASES[name] ?? [])] };
    }),
  );
  return entries;
}

/** Stored names of the 38 provinces, in the data set's order. */
export function provinceNames(): readonly string[] {
  return provinceEntries().map((p) => p.name);
}

/** Words around a province name that carry no information. */
const LEADING_WORDS = ['provinsi', 'propinsi', 'prov', 'prop', 'province'];
const TRAILING_WORDS = ['provinsi', 'province', 'indonesia'];
/** Typos of "provinsi" that are still recognised as the leading word. */
const PROVINSI_TYPO_MAX = 2;

/** The comparison key: folded, without the "provinsi" word, without spaces. */
export function provinceKey(input: string): string {
  const words = foldForMatch(input).split(' ').filter((w) => w !== '');
  const first = words[0];
  if (
    first !== undefined &&
    words.length > 1 &&
    (LEADING_WORDS.includes(first) || (first.length >= 6 && damerauLevenshtein(first, 'provinsi') <= PROVINSI_TYPO_MAX))
  ) {
    words.shift();
  }
  const last = words[words.length - 1];
  if (last !== undefined && words.length > 1 && TRAILING_WORDS.includes(last)) words.pop();
  return words.join('');
}

interface Index {
  readonly candidates: readonly FuzzyCandidate<string>[];
  readonly exact: ReadonlyMap<string, string>;
  readonly regions: ReadonlyMap<string, ProvinceRegion>;
}

let index: Index | undefined;

function provinceIndex(): Index {
  if (index) return index;
  const candidates = provinceEntries().flatMap((p) => [p.name, ...p.aliases].map((alias) => ({ key: provinceKey(alias), target: p.name })));
  const regions = new Map(PROVINCE_REGIONS.flatMap((r) => r.aliases.map((a) => [foldForMatch(a).replace(/ /g, ''), r] as const)));
  index = { candidates, exact: new Map(candidates.map((c) => [c.key, c.target])), regions };
  return index;
}

export type ProvinceMatch =
  | { readonly kind: 'exact'; readonly name: string }
  | { readonly kind: 'typo'; readonly name: string; readonly distance: number }
  /** An island or region of several provinces ("jawa"): which one? */
  | { readonly kind: 'region'; readonly region: string; readonly names: readonly string[] }
  | { readonly kind: 'none' };

/**
 * Resolves free text to a stored province name: exact on the name or an alias (case,
 * punctuation, spacing and a "provinsi" prefix ignored); a region of several provinces ("jawa",
 * "sumatra") as such; else the single province whose name or alias is within the typo threshold
 * (Damerau–Levenshtein, scaled by length) and strictly nearer than any other.
 */
export function matchProvince(input: string): ProvinceMatch {
  const key = provinceKey(input);
  if (key === '') return { kind: 'none' };
  const { exact, regions, candidates } = provinceIndex();
  // Compared as typed: "provinsi Papua" names the province, not the island.
  const region = regions.get(foldForMatch(input).replace(/ /g, ''));
  if (region !== undefined) return { kind: 'region', region: region.name, names: region.provinces };
  const name = exact.get(key);
  if (name !== undefined) return { kind: 'exact', name };
  const near = nearestUnique(key, candidates);
  if (near === undefined) return { kind: 'none' };
  return { kind: 'typo', name: near.target, distance: near.distance };
}

const failProvince = rejecter('province');

/**
 * Provinsi: one of the 38 provinces; typos come back with `typed` for confirmation; a region of
 * several provinces is refused with `region` (the dialog offers its provinces).
 */
export const provinceSchema = z
  .string()
  .trim()
  .transform(cleanText)
  .transform((s, ctx): Normalised => {
    if (s === '') return failProvince(ctx, 'required');
    const match = matchProvince(s);
    switch (match.kind) {
      case 'exact':
        return { value: match.name };
      case 'typo':
        return { value: match.name, typed: s };
      case 'region':
        return failProvince(ctx, 'region');
      case 'none':
        return failProvince(ctx, 'unknown');
    }
  });
