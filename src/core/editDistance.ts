/**
 * Damerau–Levenshtein distance (unrestricted: insertions, deletions,
 * substitutions and transpositions of adjacent characters, where a transposed
 * pair may be edited again), computed over Unicode code points.
 *
 * The one edit distance of the code base: the province, place and e-mail typo checks (hundreds of
 * calls in a turn that names a place), and the near-duplicate check of the NLU evaluation sets
 * (millions of pairs). Hence typed arrays reused between calls, and characters as small integers:
 * UTF-16 code units when neither string holds a surrogate pair (the usual case), else the index
 * of each distinct code point. A Map from code point to index per call was a third of the
 * function's time on a turn.
 */
export function damerauLevenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (SURROGATE.test(a) || SURROGATE.test(b)) {
    const alphabet = new Map<number, number>();
    const s = codePointSymbols(a, alphabet);
    const t = codePointSymbols(b, alphabet);
    return distance(s, s.length, t, t.length, new Int32Array(alphabet.size));
  }
  const n = a.length;
  const m = b.length;
  const s = units(a, 0);
  const t = units(b, n);
  // Only the rows of `a`'s characters are read (see distance), so only they need clearing.
  for (let i = 0; i < n; i++) lastRowByUnit[s[i]!] = 0;
  for (let j = 0; j < m; j++) lastRowByUnit[t[j]!] = 0;
  return distance(s, n, t, m, lastRowByUnit);
}

const SURROGATE = /[\uD800-\uDFFF]/;
/** Last row (1-based) in which each UTF-16 code unit was seen in `a`; entries are cleared before use. */
const lastRowByUnit = new Int32Array(0x10000);
let unitBuffer = new Int32Array(64);
let matrix = new Int32Array(256);

/** `text`'s code units in the shared buffer, from `offset` on. */
function units(text: string, offset: number): Int32Array {
  const needed = offset + text.length;
  if (unitBuffer.length < needed) {
    const grown = new Int32Array(Math.max(needed * 2, unitBuffer.length * 2));
    grown.set(unitBuffer.subarray(0, offset));
    unitBuffer = grown;
  }
  for (let i = 0; i < text.length; i++) unitBuffer[offset + i] = text.charCodeAt(i);
  return unitBuffer.subarray(offset, needed);
}

function distance(s: Int32Array, n: number, t: Int32Array, m: number, lastRow: Int32Array): number {
  if (n === 0) return m;
  if (m === 0) return n;
  const maxDist = n + m;
  const width = m + 2;
  // d has (n + 2) x (m + 2) cells; row/column 0 hold the "infinity" sentinel. Every cell read is
  // written first in this call, so the reused buffer needs no clearing.
  const cells = (n + 2) * width;
  if (matrix.length < cells) matrix = new Int32Array(Math.max(cells, matrix.length * 2));
  const d = matrix;
  d[0] = maxDist;
  for (let i = 0; i <= n; i++) {
    d[(i + 1) * width] = maxDist;
    d[(i + 1) * width + 1] = i;
  }
  for (let j = 0; j <= m; j++) {
    d[j + 1] = maxDist;
    d[width + j + 1] = j;
  }
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
function codePointSymbols(text: string, alphabet: Map<number, number>): Int32Array {
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

/** The number of code points of `text` (its length when it holds no surrogate pair). */
export function codePointLength(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let k = 0;
  for (const _ of text) k++;
  return k;
}
