import { beforeAll, describe, expect, it } from 'vitest';
import { EntityRecogniser } from '../../../src/nlu/understanding/entities.js';
import { buildLexicon, loadLexiconFile } from '../../../src/nlu/understanding/lexicon.js';
import { phraseKey } from '../../../src/nlu/understanding/text.js';

let recogniser: EntityRecogniser;
beforeAll(async () => {
  recogniser = await EntityRecogniser.create(buildLexicon(loadLexiconFile(), phraseKey));
});

describe('EntityRecogniser (nlp.js NER)', () => {
  it('finds labels, provinces, addresses and numbers, with their places in the text as typed', async () => {
    const text = 'nama sy Budi, di Malang jatim, No. HP: 0812-3456-7890, email budi@gmail.com';
    const found = await recogniser.recognise(text);
    expect(found.map((e) => [e.kind, 'target' in e ? e.target : 'name' in e ? e.name : '', text.slice(e.start, e.end)])).toEqual([
      ['label', 'name', 'nama sy'],
      ['label', 'city', 'di'],
      ['province', 'Jawa Timur', 'jatim'],
      ['label', 'phone', 'No. HP'],
      ['phone', '', '0812-3456-7890'],
      ['label', 'email', 'email'],
      ['email', '', 'budi@gmail.com'],
    ]);
  });

  it('prefers the longest label and never sees a label inside an address', async () => {
    const found = await recogniser.recognise('nama usaha saya Keripik, gmail budi@gmail.com');
    expect(found.filter((e) => e.kind === 'label').map((e) => [e.text, 'target' in e ? e.target : ''])).toEqual([
      ['nama usaha saya', 'businessName'],
      ['gmail', 'email'],
    ]);
  });

  it('recognises mobile numbers in the usual notations, not other numbers', async () => {
    for (const phone of ['081234567890', '0812 3456 7890', '+62 812-3456-7890', '6281234567890']) {
      expect((await recogniser.recognise(`hp ${phone}`)).find((e) => e.kind === 'phone')?.text).toBe(phone);
    }
    expect((await recogniser.recognise('ITSM-20260101-00001 dan 12345')).some((e) => e.kind === 'phone')).toBe(false);
  });
});
