/**
 * A message prepared once for every reader of the understanding step: the text as typed (only
 * invisible characters and runs of spaces cleaned, for values), its plain words (lower case, no
 * accents, punctuation and emoji dropped, stretched letters folded) and its form key (the words
 * in their canonical spelling, with address words and particles around them dropped) that the
 * whole-message forms are looked up by.
 *
 * @example
 * prepare('Iyaaa bener kok min!! 🙏', lexicon).key // ['iya', 'benar']
 */
import { cleanText } from '../../../dialogs/fields/text.js';
import { REDUPLICATION, collapseRepeats, laughter } from '../normalize.js';
import type { Lexicon } from './lexicon.js';

export interface Message {
  /** As typed, cleaned of invisible characters and runs of spaces, new lines kept (what field values are cut from). */
  readonly text: string;
  /** Lower case, accents, apostrophes and punctuation dropped, stretched letters folded. */
  readonly words: readonly string[];
  /** `words` in canonical spelling, "-nya" dropped from long words ("sm" -> "sama", "fotonya" -> "foto"). */
  readonly spelled: readonly string[];
  /** The form key: `spelled` with fillers dropped (unless nothing else is left). */
  readonly key: readonly string[];
  /** Emoji and pictographs in the message, in order. */
  readonly emoji: readonly string[];
  readonly hasQuestionMark: boolean;
  /** True when the message has letters or digits (not only emoji and punctuation). */
  readonly hasContent: boolean;
}

const EMOJI = /\p{Extended_Pictographic}/gu;
const APOSTROPHES = /['’`´‘]/g;

/** Prepares a message for every reader; cheap (a few regular expressions and array passes). */
export function prepare(raw: string, lexicon: Lexicon): Message {
  // Line by line: a new line separates values ("Nama: …\nUsaha: …") as a comma does.
  const text = raw
    // "no hp", "no. wa", "no tiket": the abbreviation of nomor, never the word no.
    .replace(/\bno\.?\s*(?=(?:hp|handphone|ponsel|telp|tlp|telepon|telpon|wa|whatsapp|rek|rekening|tiket|laporan|lapor|pesanan|order|ktp)\b)/gi, 'nomor ')
    .split(/\r?\n/)
    .map(cleanText)
    .filter((line) => line !== '')
    .join('\n');
  const words = plainWords(text);
  const spelled = canonicalWords(words, lexicon);
  return {
    text,
    words,
    spelled,
    key: keyOf(spelled, lexicon),
    emoji: text.match(EMOJI) ?? [],
    hasQuestionMark: /[?？¿]/.test(text),
    hasContent: words.length > 0,
  };
}

/** Lower case, accents and apostrophes dropped, "muter2" doubled, every non-alphanumeric run a space, stretched letters folded. */
export function plainWords(text: string): string[] {
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(APOSTROPHES, '')
    .replace(REDUPLICATION, '$1 $1')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  if (folded === '') return [];
  return folded.split(' ').map((w) => laughter(collapseRepeats(w)));
}

/** Canonical spelling of plain words, "-nya" dropped from long words ("fotonya" -> "foto"). */
export function canonicalWords(words: readonly string[], lexicon: Lexicon): string[] {
  const out: string[] = [];
  for (const word of words) {
    const spelled = lexicon.spellings.get(word);
    if (spelled !== undefined) {
      out.push(...spelled.map(collapseRepeats));
      continue;
    }
    const stem = word.length > 5 && word.endsWith('nya') ? word.slice(0, -3) : word;
    const stemSpelled = stem === word ? undefined : lexicon.spellings.get(stem);
    out.push(...(stemSpelled?.map(collapseRepeats) ?? [stem]));
  }
  return out;
}

/** The form key of plain words (see Message.key). */
export function formKey(words: readonly string[], lexicon: Lexicon): string[] {
  return keyOf(canonicalWords(words, lexicon), lexicon);
}

function keyOf(canonical: readonly string[], lexicon: Lexicon): string[] {
  // A "ya" that begins a message is a yes ("ya kirim", "ya itu"); elsewhere a particle ("nanti ya").
  const kept = canonical.filter((w, i) => !lexicon.fillers.has(w) || (i === 0 && w === 'ya'));
  return dedupe(kept.length > 0 ? kept : canonical);
}

/** The form key of a lexicon phrase (the same normalisation as a message's). */
export function phraseKey(phrase: string, lexicon: Lexicon): string[] {
  return formKey(plainWords(phrase), lexicon);
}

/** "ok ok", "iya iya" -> one word. */
function dedupe(words: readonly string[]): string[] {
  return words.filter((w, i) => i === 0 || words[i - 1] !== w);
}

/** A plain word of the text with where it is in the text: [start, end). */
export interface WordSpan {
  readonly word: string;
  readonly start: number;
  readonly end: number;
}

/** The text's words (lower case, accents dropped, stretched letters folded), each with its place in the text. */
export function wordSpans(text: string): WordSpan[] {
  const out: WordSpan[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = collapseRepeats(m[0].normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase());
    out.push({ word, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Where a word sequence first occurs in `words` at or after `from`, or -1. */
export function findSequence(words: readonly string[], sequence: readonly string[], from = 0): number {
  outer: for (let i = from; i + sequence.length <= words.length; i++) {
    for (let j = 0; j < sequence.length; j++) if (words[i + j] !== sequence[j]) continue outer;
    return i;
  }
  return -1;
}
