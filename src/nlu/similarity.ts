/**
 * Near-duplicate detection between the evaluation set and the training corpus, on normalised
 * text (src/nlu/normalize.ts): an evaluation message that is (nearly) a corpus message would make
 * the reported accuracy meaningless.
 */
import { damerauLevenshtein } from '../core/editDistance.js';
import { normalizeText } from './normalize.js';

/** How close two messages are, 0..1, and whether that counts as a near-duplicate. */
export interface Closeness {
  /** 1 - edit distance (Damerau–Levenshtein) / longer length, on the normalised strings. */
  readonly editRatio: number;
  /** Jaccard index of the normalised word sets. */
  readonly wordJaccard: number;
}

/** Thresholds: at or above either one, two messages are near-duplicates. */
export const NEAR_DUPLICATE = { editRatio: 0.85, wordJaccard: 0.8 } as const;

/** Compares two messages after normalisation. */
export function closeness(a: string, b: string): Closeness {
  return closenessOfNormalised(normalizeText(a), normalizeText(b));
}

/** True when the normalised texts are equal or nearly equal (see NEAR_DUPLICATE). */
export function isNearDuplicate(a: string, b: string): boolean {
  return nearDuplicateOfNormalised(normalizeText(a), normalizeText(b));
}

/**
 * The first of `corpus` that `text` nearly duplicates, or undefined. Normalises the corpus once,
 * so checking a whole evaluation set stays fast.
 */
export function nearDuplicateFinder(corpus: readonly string[]): (text: string) => string | undefined {
  const normalised = corpus.map((c) => ({ c, n: normalizeText(c) }));
  return (text) => {
    const n = normalizeText(text);
    return normalised.find((x) => nearDuplicateOfNormalised(n, x.n))?.c;
  };
}

function nearDuplicateOfNormalised(na: string, nb: string): boolean {
  if (na === nb) return true;
  const c = closenessOfNormalised(na, nb, NEAR_DUPLICATE.editRatio);
  return c.editRatio >= NEAR_DUPLICATE.editRatio || c.wordJaccard >= NEAR_DUPLICATE.wordJaccard;
}

/**
 * With `editFloor`, the edit distance is skipped when the lengths alone put the ratio below the
 * floor (the distance is at least the length difference); the reported ratio is then that bound.
 */
function closenessOfNormalised(na: string, nb: string, editFloor = 0): Closeness {
  const longer = Math.max(na.length, nb.length);
  const bound = longer === 0 ? 1 : Math.min(na.length, nb.length) / longer;
  const editRatio = bound < editFloor ? bound : longer === 0 ? 1 : 1 - damerauLevenshtein(na, nb) / longer;
  const wa = new Set(na.split(' ').filter(Boolean));
  const wb = new Set(nb.split(' ').filter(Boolean));
  const union = new Set([...wa, ...wb]).size;
  const inter = [...wa].filter((w) => wb.has(w)).length;
  return { editRatio, wordJaccard: union === 0 ? 1 : inter / union };
}
