/** Text helpers shared by the field schemas. Pure functions, no I/O. */

/** Zero-width characters and the BOM that phone keyboards and copy-paste leave behind. */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
/** Typographic apostrophes (iOS "smart punctuation") and the backtick used as one. */
const APOSTROPHES = /[\u2018\u2019\u02BC\u0060\u00B4]/g;
/** Typographic dashes. */
const DASHES = /[\u2010-\u2015\u2212]/g;

/**
 * NFC-normalises, drops invisible characters, maps typographic apostrophes and
 * dashes to ASCII, collapses runs of whitespace (including NBSP and newlines)
 * into one space and trims.
 */
export function cleanText(input: string): string {
  return input
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .replace(APOSTROPHES, "'")
    .replace(DASHES, '-')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Number of code points (what a person counts as characters). */
export function charCount(s: string): number {
  return Array.from(s).length;
}

export function countLetters(s: string): number {
  return s.match(/\p{L}/gu)?.length ?? 0;
}

export function hasDigit(s: string): boolean {
  return /\p{Nd}/u.test(s);
}

/** True when every cased letter has the same case (or there are none). */
export function isSingleCase(s: string): boolean {
  return !/\p{Lu}/u.test(s) || !/\p{Ll}/u.test(s);
}

/**
 * Title case: lower-cases everything, then upper-cases the first letter of
 * each word. A word starts at the beginning, after a space, `-`, `.`, `,` or
 * `(`; not after an apostrophe ("ma'ruf" -> "Ma'ruf"). Words listed in
 * `keepLower` (e.g. "bin") stay lower-case unless they come first.
 */
export function toTitleCase(s: string, keepLower: ReadonlySet<string> = new Set()): string {
  const titled = s.toLowerCase().replace(/(^|[\s\-.,(])(\p{L})/gu, (_m, before: string, letter: string) => before + letter.toUpperCase());
  if (keepLower.size === 0) return titled;
  return titled
    .split(' ')
    .map((word, i) => (i > 0 && keepLower.has(word.toLowerCase()) ? word.toLowerCase() : word))
    .join(' ');
}

/** Title-cases `s` only when it was typed all lower-case or all upper-case. */
export function titleCaseIfSingleCase(s: string, keepLower?: ReadonlySet<string>): string {
  return isSingleCase(s) ? toTitleCase(s, keepLower) : s;
}

/**
 * Folds text for comparison: lower case, diacritics removed, every run of
 * characters other than letters and digits turned into one space, trimmed.
 */
export function foldForMatch(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
