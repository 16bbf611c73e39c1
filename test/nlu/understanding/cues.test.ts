import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cueWords, findCues } from '../../../src/nlu/understanding/cues.js';
import { buildLexicon, loadLexiconFile } from '../../../src/nlu/understanding/lexicon.js';
import { findSequence, phraseKey, plainWords, prepare } from '../../../src/nlu/understanding/text.js';

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

  it('finds what a scan of every cue phrase at every position finds, on every stored message set', () => {
    const f = lexicon.file;
    const lists = { botComplaint: f.botComplaint.cues, problem: f.problems.cues, closing: f.closingCues, thanks: f.thanksCues, greeting: f.greetingCues };
    const texts = ['eval.id.jsonl', 'eval2.id.jsonl', 'eval3.id.jsonl', 'challenge.id.jsonl', 'acts.eval.jsonl', 'acts.dev.jsonl']
      .flatMap((file) => fs.readFileSync(new URL(`../../../nlu/${file}`, import.meta.url), 'utf8').split('\n'))
      .filter((line) => line.trim() !== '')
      .map((line) => (JSON.parse(line) as { text: string }).text);
    expect(texts.length).toBeGreaterThan(500);
    let found = 0;
    for (const text of texts) {
      const m = prepare(text, lexicon);
      const stems = m.words.map((w) => (w.length > 5 && w.endsWith('nya') ? w.slice(0, -3) : w));
      const scan = (list: readonly string[]) =>
        list.map((p) => plainWords(p)).filter((seq) => seq.length > 0).some((seq) => [m.words, stems, m.spelled].some((words) => findSequence(words, seq) >= 0));
      const got = findCues(m.words, m.spelled, m.hasQuestionMark, cues);
      for (const [kind, list] of Object.entries(lists)) {
        expect({ text, kind, cue: got[kind as keyof typeof lists] }).toEqual({ text, kind, cue: scan(list) });
        if (got[kind as keyof typeof lists]) found++;
      }
    }
    // The sets exercise the index: hundreds of cues found, not only absences.
    expect(found).toBeGreaterThan(200);
  });
});
