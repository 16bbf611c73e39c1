/**
 * Nothing usable: keyboard mashing and letter soup ("asdfgh", "jsjsjs", "xzcvb"). Emoji-only
 * messages, lone punctuation and fillers ("hmm", "wkwk") are whole-message forms (forms.ts);
 * this catches what no list can enumerate.
 */

const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'poiuytrewq', 'lkjhgfdsa', 'mnbvcxz'];
const VOWELS = /[aeiou]/g;

/**
 * True when every word of the message is gibberish and there are at least four letters. `text`
 * is the message as typed: "zzzz" folds to "z" in the plain words but is four letters of nothing.
 */
export function isGibberish(words: readonly string[], text = ''): boolean {
  if (/^\s*(\p{L})\1{3,}\s*$/iu.test(text)) return true;
  const letters = words.join('').replace(/[^a-z]/g, '');
  if (letters.length < 4 || words.some((w) => /\d/.test(w))) return false;
  return words.every(gibberishWord);
}

function gibberishWord(word: string): boolean {
  if (word.length <= 3) return !/[aeiouy]/.test(word);
  if (KEYBOARD_ROWS.some((row) => keyboardRun(word, row) >= 4)) return true;
  // "jsjsjs", "akakak": one pair of letters repeated.
  if (/^([a-z]{2})\1{2,}[a-z]?$/.test(word)) return true;
  const vowels = word.match(VOWELS)?.length ?? 0;
  if (vowels === 0) return true;
  return word.length >= 6 && vowels / word.length < 0.2;
}

/** The longest run of `word` that is consecutive keys of `row`. */
function keyboardRun(word: string, row: string): number {
  let best = 0;
  let run = 1;
  for (let i = 1; i < word.length; i++) {
    const prev = row.indexOf(word[i - 1] as string);
    const cur = row.indexOf(word[i] as string);
    run = prev >= 0 && cur === prev + 1 ? run + 1 : 1;
    best = Math.max(best, run);
  }
  return best;
}
