import { describe, expect, it } from 'vitest';
import { namesOption } from '../../../src/nlu/understanding/choice.js';
import { buildLexicon, loadLexiconFile } from '../../../src/nlu/understanding/lexicon.js';
import { phraseKey } from '../../../src/nlu/understanding/text.js';

const lexicon = buildLexicon(loadLexiconFile(), phraseKey);
const options = [
  { value: 'type:38', title: 'Tidak bisa login' },
  { value: 'type:23', title: 'Refund belum masuk' },
  { value: 'type:13', title: 'Lupa password' },
];

describe('namesOption', () => {
  it.each(['2', 'no 1', 'nomor 3', 'yang ketiga', 'pilih yang kedua aja kak', 'Refund belum masuk', 'yang lupa password', 'login', 'type:23'])('%s', (text) => {
    expect(namesOption(text, options, lexicon)).toBe(true);
  });

  it.each(['4', '0', 'batal', 'bedanya apa ya?', 'belum', 'akun saya diblokir'])('not %s', (text) => {
    expect(namesOption(text, options, lexicon)).toBe(false);
  });
});
