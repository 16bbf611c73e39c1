import { codePointLength, damerauLevenshtein } from '../../src/core/editDistance.js';

/**
 * How many edits a typo of a string of `length` characters may contain and
 * still be recognised: none for 1–3 characters (too many short words collide),
 * one up to 7, two up to 13, three beyond.
 */
export function typoThreshold(length: number): number {
  if (length <= 3) return 0;
  if (length <= 7) return 1;
  if (length <= 13) return 2;
  return 3;
}

export interface FuzzyCandidate<T> {
  /** The string compared with the input. */
  readonly key: string;
  /** What the key stands for; candidates with equal targets are not rivals. */
  readonly target: T;
}

export interface FuzzyMatch<T> {
  readonly target: T;
  readonly distance: number;
}

/**
 * The single target nearest to `input`, if it is within the typo threshold
 * (scaled on the shorter of the two strings) and no other target is as near.
 * Returns undefined when nothing is near or when the nearest distance is shared
 * by two different targets (ambiguous).
 */
export function nearestUnique<T>(
  input: string,
  candidates: Iterable<FuzzyCandidate<T>>,
  threshold: (inputLength: number, keyLength: number) => number = (a, b) => typoThreshold(Math.min(a, b)),
): FuzzyMatch<T> | undefined {
  const inputLength = codePointLength(input);
  const best = new Map<T, number>();
  for (const { key, target } of candidates) {
    const keyLength = codePointLength(key);
    const limit = threshold(inputLength, keyLength);
    // Cheap pre-filter: the length difference is a lower bound on the distance.
    if (Math.abs(keyLength - inputLength) > limit) continue;
    const distance = damerauLevenshtein(input, key);
    if (distance > limit) continue;
    const previous = best.get(target);
    if (previous === undefined || distance < previous) best.set(target, distance);
  }
  let winner: FuzzyMatch<T> | undefined;
  let tied = false;
  for (const [target, distance] of best) {
    if (winner === undefined || distance < winner.distance) {
      winner = { target, distance };
      tied = false;
    } else if (distance === winner.distance) {
      tied = true;
    }
  }
  return tied ? undefined : winner;
}
