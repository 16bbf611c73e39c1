/**
 * A rough guess that a message is written in English, to offer the English version of the
 * conversation (moved here from dialogs/commands.ts; the hint words are in nlu/acts.id.json).
 */
import { loadLexiconFile } from './lexicon.js';
import { plainWords } from './text.js';

let hints: ReadonlySet<string> | undefined;

/**
 * True when at least two of a message's words, and at least 40% of them, are common English words
 * ("daftar seller" is Indonesian with a loanword; "hi i wanna become a merchant" is English).
 */
export function looksEnglish(text: string): boolean {
  hints ??= new Set(loadLexiconFile().english.hints.flatMap((w) => plainWords(w)));
  const words = plainWords(text);
  if (words.length < 2) return false;
  const hits = words.filter((w) => hints?.has(w) === true).length;
  return hits >= 2 && hits / words.length >= 0.4;
}
