import { describe, expect, it } from 'vitest';
import { plainWords } from '../../../src/nlu/understanding/text.js';
import { isGibberish } from '../../../src/nlu/understanding/unusable.js';

describe('isGibberish', () => {
  it.each(['asdfghjkl', 'qwerty', 'jsjsjsjs', 'xzcvbn', 'hjkl asdf'])('%s', (text) => {
    expect(isGibberish(plainWords(text))).toBe(true);
  });

  it.each(['Budi', 'Sri', 'CV Maju', 'PT ABC', 'Kab Bantul', 'ntb', 'Malang', 'I Made Wirawan', 'Srikandi', 'kerupuk'])('not %s', (text) => {
    expect(isGibberish(plainWords(text))).toBe(false);
  });
});
