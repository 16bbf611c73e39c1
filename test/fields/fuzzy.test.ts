import { describe, expect, it } from 'vitest';
import { nearestUnique, typoThreshold } from '../../dialogs/fields/fuzzy.js';
import { damerauLevenshtein } from '../../src/core/editDistance.js';

describe('damerauLevenshtein', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['gmail', 'gmail', 0],
    ['gmial', 'gmail', 1], // adjacent transposition
    ['gmai', 'gmail', 1], // deletion
    ['gmaill', 'gmail', 1], // insertion
    ['gnail', 'gmail', 1], // substitution
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 2], // unrestricted DL (optimal string alignment would say 3)
    ['jogya', 'jogja', 1],
    ['jwatengah', 'jawatengah', 1],
    ['sumatrautara', 'sumaterautara', 1],
    ['ñandú', 'nandu', 2], // code points, not UTF-16 units
  ])('%j vs %j = %i', (a, b, expected) => {
    expect(damerauLevenshtein(a, b)).toBe(expected);
    expect(damerauLevenshtein(b, a)).toBe(expected);
  });

  it('code points outside the BMP count as one character each', () => {
    expect(damerauLevenshtein('listrik 👍', 'listrik 👎')).toBe(1);
    expect(damerauLevenshtein('👍👎', '👎👍')).toBe(1);
    expect(damerauLevenshtein('a😀b', 'ab')).toBe(1);
  });

  it('agrees with the textbook recurrence on generated strings, calls of any size in any order', () => {
    // The implementation reuses buffers between calls; a reference without any, run on strings of
    // varied lengths (growing and shrinking) over a small alphabet (many repeats and transpositions).
    const alphabet = ['a', 'b', 'c', 'é', '😀', 'ß'];
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const word = () => Array.from({ length: Math.floor(random() * (random() < 0.1 ? 40 : 9)) }, () => alphabet[Math.floor(random() * (random() < 0.5 ? 3 : 6))]).join('');
    for (let k = 0; k < 600; k++) {
      const a = word();
      const b = word();
      expect(damerauLevenshtein(a, b), `${a} / ${b}`).toBe(referenceDistance(Array.from(a), Array.from(b)));
    }
  });
});

/** Unrestricted Damerau–Levenshtein as Lowrance and Wagner wrote it, with nothing shared between calls. */
function referenceDistance(s: string[], t: string[]): number {
  const n = s.length;
  const m = t.length;
  const inf = n + m;
  const d: number[][] = Array.from({ length: n + 2 }, () => new Array<number>(m + 2).fill(0));
  d[0]![0] = inf;
  for (let i = 0; i <= n; i++) {
    d[i + 1]![0] = inf;
    d[i + 1]![1] = i;
  }
  for (let j = 0; j <= m; j++) {
    d[0]![j + 1] = inf;
    d[1]![j + 1] = j;
  }
  const lastRow = new Map<string, number>();
  for (let i = 1; i <= n; i++) {
    let lastMatchCol = 0;
    for (let j = 1; j <= m; j++) {
      const i1 = lastRow.get(t[j - 1]!) ?? 0;
      const j1 = lastMatchCol;
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      if (cost === 0) lastMatchCol = j;
      d[i + 1]![j + 1] = Math.min(d[i]![j]! + cost, d[i + 1]![j]! + 1, d[i]![j + 1]! + 1, d[i1]![j1]! + (i - i1 - 1) + 1 + (j - j1 - 1));
    }
    lastRow.set(s[i - 1]!, i);
  }
  return d[n + 1]![m + 1]!;
}

describe('typoThreshold', () => {
  it.each([
    [1, 0],
    [3, 0],
    [4, 1],
    [7, 1],
    [8, 2],
    [13, 2],
    [14, 3],
    [30, 3],
  ])('length %i tolerates %i edits', (length, edits) => {
    expect(typoThreshold(length)).toBe(edits);
  });
});

describe('nearestUnique', () => {
  const candidates = [
    { key: 'jawatimur', target: 'Jawa Timur' },
    { key: 'jatim', target: 'Jawa Timur' },
    { key: 'jawatengah', target: 'Jawa Tengah' },
    { key: 'ntb', target: 'NTB' },
    { key: 'ntt', target: 'NTT' },
    { key: 'abcde', target: 'A' },
    { key: 'abcdf', target: 'B' },
  ];

  it('returns the single nearest target with its distance', () => {
    expect(nearestUnique('jawatimr', candidates)).toEqual({ target: 'Jawa Timur', distance: 1 });
  });

  it('returns undefined when nothing is within the threshold', () => {
    expect(nearestUnique('sulawesi', candidates)).toBeUndefined();
  });

  it('does not tolerate typos in very short keys', () => {
    expect(nearestUnique('ntx', candidates)).toBeUndefined();
  });

  it('returns undefined when two different targets are equally near', () => {
    expect(nearestUnique('abcdx', candidates)).toBeUndefined();
  });

  it('accepts a custom threshold', () => {
    expect(nearestUnique('ntx', candidates, () => 1)).toBeUndefined(); // ntb and ntt tie
    expect(nearestUnique('jatin', candidates, () => 0)).toBeUndefined();
    expect(nearestUnique('jatin', candidates, () => 1)).toEqual({ target: 'Jawa Timur', distance: 1 });
  });
});
