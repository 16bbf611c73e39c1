import { describe, expect, it } from 'vitest';
import { leadingDecision, previousField, readForm, readLanguageRequest } from '../../../src/nlu/understanding/forms.js';
import { buildLexicon, loadLexiconFile } from '../../../src/nlu/understanding/lexicon.js';
import { phraseKey, prepare } from '../../../src/nlu/understanding/text.js';
import type { Act, OpenQuestion } from '../../../dialogs/understanding.js';

const lexicon = buildLexicon(loadLexiconFile(), phraseKey);
const menu: OpenQuestion = { kind: 'menu' };
const summary: OpenQuestion = { kind: 'summary' };
const yesNo: OpenQuestion = { kind: 'yesNo', about: 'settled' };
const field = (f: 'name' | 'businessName' | 'city' | 'email'): OpenQuestion => ({ kind: 'field', field: f });
const photo: OpenQuestion = { kind: 'photo', required: true };
const read = (text: string, open: OpenQuestion): Act | undefined => readForm(prepare(text, lexicon), open, lexicon);

describe('readForm', () => {
  it.each([
    ['iya bener', summary, { kind: 'yes' }],
    ['ok kirim min', summary, { kind: 'yes' }],
    ['udh bener smua', yesNo, { kind: 'yes' }],
    ['yes send it', summary, { kind: 'yes' }],
    ['lanjut', summary, { kind: 'yes' }],
    ['udah beres min', yesNo, { kind: 'yes' }],
    ['ga', yesNo, { kind: 'no' }],
    ['masih belum bisa kak', yesNo, { kind: 'no' }],
    ['salah', summary, { kind: 'no' }],
    ['ubah', summary, { kind: 'no' }],
    ['kembali', field('city'), { kind: 'navigation', to: 'back' }],
    ['ulang', field('city'), { kind: 'navigation', to: 'restart' }],
    ['lanjut', { kind: 'choice', about: 'x', options: [] }, { kind: 'navigation', to: 'next' }],
    ['ke menu utama', field('email'), { kind: 'navigation', to: 'menu' }],
    ['ga jadi deh', field('email'), { kind: 'navigation', to: 'cancel' }],
    ['iya batal aja', summary, { kind: 'navigation', to: 'cancel' }],
    ['fotonya nyusul ya', photo, { kind: 'navigation', to: 'later' }],
    ['besok aja fotonya kak', photo, { kind: 'navigation', to: 'later' }],
    ['apa tadi?', field('name'), { kind: 'navigation', to: 'repeat' }],
    ['apa ya tadi pertanyaannya', field('name'), { kind: 'navigation', to: 'repeat' }],
    ['makasih ya min 🙏', menu, { kind: 'thanks' }],
    ['ok makasih', menu, { kind: 'thanks' }],
    ['iya makasih', yesNo, { kind: 'yes' }],
    ['udah itu aja makasih', menu, { kind: 'closing' }],
    ['oke sip', menu, { kind: 'closing' }],
    ['gak ada', menu, { kind: 'closing' }],
    ['assalamualaikum', menu, { kind: 'greeting', religious: true }],
    ['halo kak', menu, { kind: 'greeting', religious: false }],
    ['english please', menu, { kind: 'language', locale: 'en' }],
    ['hmm', field('city'), { kind: 'unusable' }],
    ['😂😂', field('name'), { kind: 'unusable' }],
    ['👍', summary, { kind: 'yes' }],
    ['🙏🙏', menu, { kind: 'thanks' }],
    ['eh salah', field('city'), { kind: 'correction', field: 'productType', value: null }],
  ] as Array<[string, OpenQuestion, Act]>)('%s at %j -> %j', (text, open, act) => {
    expect(read(text, open)).toEqual(act);
  });

  it.each(['Toko Batal Jaya', 'Nanti Sinaga', 'iya, emailnya budi@gmail.com', 'Budi', 'Halo Bakery', 'ganti foto'])('%s is not a whole-message form', (text) => {
    expect(read(text, field('businessName'))).toBeUndefined();
  });
});

describe('leadingDecision', () => {
  const never = false;
  it('reads a leading yes or no at a decision', () => {
    expect(leadingDecision(prepare('iya betul itu masalahnya', lexicon), yesNo, lexicon, never)).toEqual({ kind: 'yes' });
    expect(leadingDecision(prepare('blm min masih error', lexicon), yesNo, lexicon, never)).toEqual({ kind: 'no' });
  });

  it('not elsewhere, not before a question, not after a weak yes word', () => {
    expect(leadingDecision(prepare('iya betul itu masalahnya', lexicon), field('name'), lexicon, never)).toBeUndefined();
    expect(leadingDecision(prepare('iya tapi bayar ga?', lexicon), summary, lexicon, true)).toBeUndefined();
    expect(leadingDecision(prepare('no hp saya 0812', lexicon), summary, lexicon, never)).toBeUndefined();
    expect(leadingDecision(prepare('ada biaya bulanan', lexicon), summary, lexicon, never)).toBeUndefined();
  });
});

describe('readLanguageRequest', () => {
  it.each([
    ['can you reply in english', 'en'],
    ['pake bahasa indonesia dong', 'id'],
  ])('%s -> %s', (text, locale) => {
    expect(readLanguageRequest(prepare(text, lexicon).words, lexicon)).toEqual({ kind: 'language', locale });
  });

  it('not a message that merely mentions a language', () => {
    expect(readLanguageRequest(prepare('saya jual kursus bahasa inggris', lexicon).words, lexicon)).toBeUndefined();
  });
});

describe('previousField', () => {
  it('is the answer before the open one', () => {
    expect(previousField(field('city'))).toBe('productType');
    expect(previousField(field('name'))).toBe('name');
    expect(previousField(photo)).toBe('email');
  });
});
