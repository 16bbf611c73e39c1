/**
 * At a list: a message that names one of the options, by its number ("2", "no 2", "yang kedua"),
 * its value or its title ("tidak bisa login", "yang login"), is the answer.
 */
import type { Lexicon } from './lexicon.js';
import { plainWords } from './text.js';

type Options = ReadonlyArray<{ readonly value: string; readonly title: string }>;

const ORDINALS: Readonly<Record<string, number>> = {
  pertama: 1, satu: 1, first: 1, one: 1, kesatu: 1,
  kedua: 2, dua: 2, second: 2, two: 2,
  ketiga: 3, tiga: 3, third: 3, three: 3,
  keempat: 4, empat: 4, fourth: 4, four: 4,
  kelima: 5, lima: 5, fifth: 5, five: 5,
  keenam: 6, enam: 6, sixth: 6, six: 6,
  ketujuh: 7, tujuh: 7, seventh: 7, seven: 7,
  kedelapan: 8, delapan: 8, eighth: 8, eight: 8,
  kesembilan: 9, sembilan: 9, ninth: 9, nine: 9,
  terakhir: -1, last: -1,
};
/** Words around a choice that say nothing about which one: "pilih yang nomor 2 aja kak". */
const AROUND = new Set(['pilih', 'pilihan', 'yang', 'yg', 'nomor', 'no', 'nomer', 'opsi', 'option', 'ke', 'itu', 'aja', 'saja', 'deh', 'dong', 'ya', 'min', 'kak', 'the', 'one', 'number', 'nmr', 'angka', 'saya', 'aku', 'mau', 'masalah', 'soal', 'tentang', 'i', 'choose', 'pick', 'want', 'please', 'nya']);

/** Words too common in titles to name one by themselves ("belum" is not "Refund belum masuk"). */
const FUNCTION_WORDS = new Set(['tidak', 'ga', 'gak', 'bisa', 'belum', 'sudah', 'dan', 'atau', 'di', 'ke', 'dari', 'masih', 'ada', 'mau', 'not', 'can', 'and', 'or', 'to', 'of']);

/** True when the message names exactly one option. */
export function namesOption(text: string, options: Options, lexicon: Lexicon): boolean {
  if (options.length === 0) return false;
  const words = plainWords(text).filter((w) => !lexicon.fillers.has(w));
  const meaningful = words.filter((w) => !AROUND.has(w));
  const numbers = meaningful.filter((w) => /^\d{1,2}$/.test(w) || w in ORDINALS);
  if (numbers.length === 1 && meaningful.length === 1) {
    const w = numbers[0] as string;
    const n = /^\d+$/.test(w) ? Number(w) : (ORDINALS[w] as number);
    return (n >= 1 && n <= options.length) || n === -1;
  }
  if (meaningful.length === 0) return false;
  const said = meaningful.join(' ');
  const matches = options.filter((o) => {
    const title = plainWords(o.title);
    const value = plainWords(o.value);
    if (title.join(' ') === said || value.join(' ') === said) return true;
    // "yang login" for "Tidak bisa login": every word said is in the title, and one of them says something.
    return meaningful.every((w) => title.includes(w)) && meaningful.some((w) => !FUNCTION_WORDS.has(w));
  });
  return matches.length === 1;
}
