import { describe, expect, it } from 'vitest';
import { buildLexicon, loadLexiconFile } from '../../../src/nlu/understanding/lexicon.js';
import { asksForOfficer, officerWords } from '../../../src/nlu/understanding/officer.js';
import { phraseKey, plainWords } from '../../../src/nlu/understanding/text.js';

const lexicon = buildLexicon(loadLexiconFile(), phraseKey);
const officer = officerWords(lexicon);

describe('asksForOfficer', () => {
  it.each([
    'mau ngomong sama cs',
    'talk to a human please',
    'bisa dibantu petugas?',
    'tolong sambungin ke operator',
    'admin yang asli ada ga?',
    'bukan bot dong, orang aja',
    'hubungkan ke customer service',
  ])('%s', (text) => {
    expect(asksForOfficer(plainWords(text), officer)).toBe(true);
  });

  it.each(['Toko Admin Jaya', 'jasa admin medsos', 'akun saya diblokir, tolong bantu', 'nama saya Orang Baik'])('not %s', (text) => {
    expect(asksForOfficer(plainWords(text), officer)).toBe(false);
  });
});
