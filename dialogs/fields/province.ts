import { z } from 'zod';
import { damerauLevenshtein, nearestUnique, type FuzzyCandidate } from './fuzzy.js';
import { PROVINCES } from './provinces.data.js';
import { rejecter } from './schema.js';
import { cleanText, foldForMatch } from './text.js';
import type { Normalised } from './types.js';

/** Canonical names of the 38 provinces, in the order of provinces.data.ts. */
export const PROVINCE_NAMES: readonly string[] = Object.freeze(PROVINCES.map((p) => p.name));

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

const CANDIDATES: readonly FuzzyCandidate<string>[] = PROVINCES.flatMap((p) =>
  [p.name, ...p.aliases].map((alias) => ({ key: provinceKey(alias), target: p.name })),
);

const EXACT: ReadonlyMap<string, string> = new Map(CANDIDATES.map((c) => [c.key, c.target]));

export type ProvinceMatch =
  | { readonly kind: 'exact'; readonly name: string }
  | { readonly kind: 'typo'; readonly name: string; readonly distance: number }
  | { readonly kind: 'none' };

/**
 * Resolves free text to a canonical province name: exact on the canonical name
 * or an alias (case, punctuation, spacing and a "provinsi" prefix ignored),
 * else the single province whose name or alias is within the typo threshold
 * (Damerau–Levenshtein, scaled by length) and strictly nearer than any other.
 */
export function matchProvince(input: string): ProvinceMatch {
  const key = provinceKey(input);
  if (key === '') return { kind: 'none' };
  const exact = EXACT.get(key);
  if (exact !== undefined) return { kind: 'exact', name: exact };
  const near = nearestUnique(key, CANDIDATES);
  if (near === undefined) return { kind: 'none' };
  return { kind: 'typo', name: near.target, distance: near.distance };
}

const failProvince = rejecter('province');

/** Provinsi: one of the 38 provinces; typos come back with `typed` for confirmation. */
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
      case 'none':
        return failProvince(ctx, 'unknown');
    }
  });
