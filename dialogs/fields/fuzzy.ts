/**
 * Damerau–Levenshtein distance (unrestricted: insertions, deletions,
 * substitutions and transpositions of adjacent characters, where a transposed
 * pair may be edited again), computed over Unicode code points.
 *
 * Shared by the province matcher and the e-mail domain typo detector.
 */
export function damerauLevenshtein(a: string, b: string): number {
  const s = Array.from(a);
  const t = Array.from(b);
  const n = s.length;
  const m = t.length;
  if (n === 0) return m;
  if (m === 0) return n;

  const maxDist = n + m;
  const width = m + 2;
  // d has (n + 2) x (m + 2) cells; row/column 0 hold the "infinity" sentinel.
  const d = new Array<number>((n + 2) * width).fill(0);
  const at = (i: number, j: number): number => d[i * width + j] ?? maxDist;
  const set = (i: number, j: number, v: number): void => {
    d[i * width + j] = v;
  };

  set(0, 0, maxDist);
  for (let i = 0; i <= n; i++) {
    set(i + 1, 0, maxDist);
    set(i + 1, 1, i);
  }
  for (let j = 0; j <= m; j++) {
    set(0, j + 1, maxDist);
    set(1, j + 1, j);
  }

  // Last row (1-based) in which each character was seen in `a`.
  const lastRow = new Map<string, number>();
  for (let i = 1; i <= n; i++) {
    const si = s[i - 1];
    let lastMatchCol = 0;
    for (let j = 1; j <= m; j++) {
      const tj = t[j - 1];
      const i1 = tj === undefined ? 0 : (lastRow.get(tj) ?? 0);
      const j1 = lastMatchCol;
      const cost = si === tj ? 0 : 1;
      if (cost === 0) lastMatchCol = j;
      set(
        i + 1,
        j + 1,
        Math.min(
          at(i, j) + cost, // substitution / match
          at(i + 1, j) + 1, // insertion
          at(i, j + 1) + 1, // deletion
          at(i1, j1) + (i - i1 - 1) + 1 + (j - j1 - 1), // transposition
        ),
      );
    }
    if (si !== undefined) lastRow.set(si, i);
  }
  return at(n + 1, m + 1);
}

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
  const inputLength = Array.from(input).length;
  const best = new Map<T, number>();
  for (const { key, target } of candidates) {
    const limit = threshold(inputLength, Array.from(key).length);
    // Cheap pre-filter: the length difference is a lower bound on the distance.
    if (Math.abs(Array.from(key).length - inputLength) > limit) continue;
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
