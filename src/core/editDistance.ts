/**
 * Damerau–Levenshtein distance (unrestricted: insertions, deletions,
 * substitutions and transpositions of adjacent characters, where a transposed
 * pair may be edited again), computed over Unicode code points.
 *
 * The one edit distance of the code base: the province and e-mail typo checks, and the
 * near-duplicate check of the NLU evaluation sets (millions of pairs: hence typed arrays).
 */
export function damerauLevenshtein(a: string, b: string): number {
  if (a === b) return 0;
  // Characters as small integers (the index of each distinct code point), so the last row of
  // each character is an array look-up, not a map's.
  const alphabet = new Map<number, number>();
  const s = symbols(a, alphabet);
  const t = symbols(b, alphabet);
  const n = s.length;
  const m = t.length;
  if (n === 0) return m;
  if (m === 0) return n;

  const maxDist = n + m;
  const width = m + 2;
  // d has (n + 2) x (m + 2) cells; row/column 0 hold the "infinity" sentinel.
  const d = new Int32Array((n + 2) * width);
  d[0] = maxDist;
  for (let i = 0; i <= n; i++) {
    d[(i + 1) * width] = maxDist;
    d[(i + 1) * width + 1] = i;
  }
  for (let j = 0; j <= m; j++) {
    d[j + 1] = maxDist;
    d[width + j + 1] = j;
  }

  // Last row (1-based) in which each character was seen in `a`.
  const lastRow = new Int32Array(alphabet.size);
  for (let i = 1; i <= n; i++) {
    const si = s[i - 1]!;
    let lastMatchCol = 0;
    for (let j = 1; j <= m; j++) {
      const tj = t[j - 1]!;
      const i1 = lastRow[tj]!;
      const j1 = lastMatchCol;
      const cost = si === tj ? 0 : 1;
      if (cost === 0) lastMatchCol = j;
      d[(i + 1) * width + j + 1] = Math.min(
        d[i * width + j]! + cost, // substitution / match
        d[(i + 1) * width + j]! + 1, // insertion
        d[i * width + j + 1]! + 1, // deletion
        d[i1 * width + j1]! + (i - i1 - 1) + 1 + (j - j1 - 1), // transposition
      );
    }
    lastRow[si] = i;
  }
  return d[(n + 1) * width + m + 1]!;
}

/** The code points of `text` as indices in `alphabet` (extended with the new ones). */
function symbols(text: string, alphabet: Map<number, number>): Int32Array {
  const out = new Int32Array(text.length);
  let k = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    let index = alphabet.get(cp);
    if (index === undefined) alphabet.set(cp, (index = alphabet.size));
    out[k++] = index;
  }
  return out.subarray(0, k);
}
