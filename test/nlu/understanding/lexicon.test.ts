import { describe, expect, it } from 'vitest';
import { buildLexicon, loadLexiconFile, type FormCategory } from '../../../src/nlu/understanding/lexicon.js';
import { phraseKey } from '../../../src/nlu/understanding/text.js';

const file = loadLexiconFile();
const lexicon = buildLexicon(file, phraseKey);

describe('nlu/acts.id.json', () => {
  it('is valid and lists labels for every field and the photo', () => {
    for (const labels of Object.values(file.fields.labels)) expect(labels.length).toBeGreaterThan(2);
  });

  it('gives no normalised phrase two categories (a later list would silently lose it)', () => {
    const f = file.forms;
    const lists: Array<[FormCategory, readonly string[]]> = [
      ['unusable', f.unusable],
      ['wrong', f.wrong],
      ['edit', f.edit],
      ...Object.entries(f.navigation).map(([to, phrases]) => [`nav:${to}` as FormCategory, phrases] as [FormCategory, string[]]),
      ['lang:en', f.language.en],
      ['lang:id', f.language.id],
      ['done', f.done],
      ['closing', f.closing],
      ['thanks', f.thanks],
      ['no', f.no],
      ['yes', f.yes],
      ['ack', f.ack],
      ['greeting', f.greeting],
    ];
    const lost: string[] = [];
    for (const [category, phrases] of lists) {
      for (const phrase of phrases) {
        const key = phraseKey(phrase, lexicon).join(' ');
        if (key !== '' && lexicon.forms.get(key) !== category) lost.push(`${category}: "${phrase}" is read as ${lexicon.forms.get(key)} ("${key}")`);
      }
    }
    expect(lost).toEqual([]);
  });

  it('lists religious greetings among the greetings', () => {
    for (const phrase of file.forms.greetingReligious) expect(lexicon.forms.get(phraseKey(phrase, lexicon).join(' '))).toBe('greeting');
  });

  it('never maps an emoji to an act the forms do not know', () => {
    expect(new Set(Object.values(file.emoji))).toEqual(new Set(['yes', 'no', 'thanks', 'greeting']));
  });
});
