import { describe, expect, it } from 'vitest';
import { buildLexicon, loadLexiconFile } from '../../../src/nlu/understanding/lexicon.js';
import { phraseKey, plainWords, prepare, wordSpans } from '../../../src/nlu/understanding/text.js';

const lexicon = buildLexicon(loadLexiconFile(), phraseKey);

describe('prepare', () => {
  it.each([
    ['Iyaaa bener kok min!! 🙏', ['iya', 'benar']],
    ['udh bener smua', ['sudah', 'benar', 'semua']],
    ['fotonya nyusul ya', ['foto', 'nyusul']],
    ['ya kirim', ['ya', 'kirim']],
    ['nanti ya', ['nanti']],
    ['ok ok', ['ok']],
    ['ya', ['ya']],
    ['min', ['min']],
    ["Assalamu'alaikum", ['assalamualaikum']],
    ["i'll send it later", ['i', 'wil', 'send', 'it', 'later']], // folded like every phrase: "will" -> "wil"
  ])('%s -> key %j', (text, key) => {
    expect(prepare(text, lexicon).key).toEqual(key);
  });

  it('keeps the text as typed, new lines included, for values', () => {
    const m = prepare('  Nama: Rina\u200B Wati \n\n Usaha:  Rina Cake ', lexicon);
    expect(m.text).toBe('Nama: Rina Wati\nUsaha: Rina Cake');
  });

  it('tells emoji and punctuation apart from content', () => {
    expect(prepare('😂😂', lexicon)).toMatchObject({ hasContent: false, emoji: ['😂', '😂'] });
    expect(prepare('?', lexicon)).toMatchObject({ hasContent: false, hasQuestionMark: true });
    expect(prepare('Budi?', lexicon)).toMatchObject({ hasContent: true, hasQuestionMark: true });
  });
});

describe('plainWords / wordSpans', () => {
  it('folds case, accents, stretched letters and "2" reduplication', () => {
    expect(plainWords('Café muter2 tolooong')).toEqual(['cafe', 'muter', 'muter', 'tolong']);
  });

  it('gives each word its place in the text', () => {
    const text = 'eh salah, emailnya X';
    expect(wordSpans(text).map((s) => text.slice(s.start, s.end))).toEqual(['eh', 'salah', 'emailnya', 'X']);
  });
});
