import { describe, expect, it } from 'vitest';
import { cueWords, findCues } from '../../../src/nlu/understanding/cues.js';
import { buildLexicon, loadLexiconFile } from '../../../src/nlu/understanding/lexicon.js';
import { phraseKey, prepare } from '../../../src/nlu/understanding/text.js';

const lexicon = buildLexicon(loadLexiconFile(), phraseKey);
const cues = cueWords(lexicon);
const find = (text: string): ReturnType<typeof findCues> => {
  const m = prepare(text, lexicon);
  return findCues(m.words, m.spelled, m.hasQuestionMark, cues);
};

describe('findCues', () => {
  it.each(['ini bayar ga sih', 'berapa lama verifikasinya', 'data sy aman ga min', 'is it free', 'gratis?', 'bisa ga saya daftar dua toko', 'datanya aman kan'])('a question: %s', (text) => {
    expect(find(text).question).toBe(true);
  });

  it.each(['Budi Santoso', 'keripik singkong', 'makasih ya', 'nama saya Budi ya'])('no question: %s', (text) => {
    expect(find(text).question).toBe(false);
  });

  it('finds the other cues', () => {
    expect(find('lho kan udh sy tulis diatas').botComplaint).toBe(true);
    expect(find('akun sy ga bisa login').problem).toBe(true);
    expect(find('udah itu aja').closing).toBe(true);
    expect(find('makasih banyak').thanks).toBe(true);
    expect(find('selamat pagi').greeting).toBe(true);
  });
});
