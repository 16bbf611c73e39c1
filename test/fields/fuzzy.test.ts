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
});

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
