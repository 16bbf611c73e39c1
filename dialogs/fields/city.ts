import { z } from 'zod';
import { rejecter } from './schema.js';
import { charCount, cleanText, countLetters, hasDigit, isSingleCase, toTitleCase } from './text.js';
import { QUESTION } from './names.js';
import { matchCity } from './places.js';
import type { Normalised } from './types.js';

export const CITY_MIN = 2;
export const CITY_MAX = 60;

const CITY_CHARS = /^[\p{L}\p{M} .'()-]+$/u;

/**
 * Regency / city prefixes and their canonical form. The prefix must be followed
 * by a space or a dot so that names like "Kabanjahe", "Kotabaru" or
 * "Kotamobagu" are left alone.
 */
const PREFIXES: readonly { readonly pattern: RegExp; readonly canonical: string }[] = [
  { pattern: /^(?:kabupaten|kab)(?:\.\s*|\s+)/iu, canonical: 'Kabupaten' },
  { pattern: /^(?:kota|kotamadya|kodya|kot)(?:\.\s*|\s+)/iu, canonical: 'Kota' },
];

/** A prefix typed on its own, with no name after it. */
const BARE_PREFIX = /^(?:kabupaten|kab|kota|kotamadya|kodya)\.?$/iu;

const failCity = rejecter('city');

/**
 * Kota / Kabupaten. A regency or city of the data set is stored by its official name ("sidoarjo"
 * -> "Kabupaten Sidoarjo", "jaksel" -> "Kota Jakarta Selatan"), or by the name alone when it is
 * shared by a city and a regency ("Bandung"); a typo of one comes back with `typed` for
 * confirmation ("Jogjakrta" -> "Kota Yogyakarta"?). Any other place (a district, a village) is
 * taken as typed: title-cased when typed all in one case, "kab", "kab." and "kabupaten" become
 * "Kabupaten", "kota" (and the old "kotamadya"/"kodya") becomes "Kota".
 */
export const citySchema = z
  .string()
  .trim()
  .transform(cleanText)
  .transform((s, ctx): Normalised => {
    if (s === '') return failCity(ctx, 'required');
    if (QUESTION.test(s)) return failCity(ctx, 'isQuestion');
    if (hasDigit(s)) return failCity(ctx, 'hasDigits');
    if (!CITY_CHARS.test(s)) return failCity(ctx, 'invalidChars');
    if (charCount(s) > CITY_MAX) return failCity(ctx, 'tooLong');
    if (BARE_PREFIX.test(s)) return failCity(ctx, 'tooShort');

    let prefix = '';
    let rest = s;
    for (const { pattern, canonical } of PREFIXES) {
      const match = pattern.exec(s);
      if (match) {
        prefix = canonical;
        rest = s.slice(match[0].length).trim();
        break;
      }
    }
    if (countLetters(rest) < 2 || charCount(rest) < CITY_MIN) return failCity(ctx, 'tooShort');
    const name = isSingleCase(rest) ? toTitleCase(rest) : rest;
    const typed = prefix === '' ? name : `${prefix} ${name}`;
    if (charCount(typed) > CITY_MAX) return failCity(ctx, 'tooLong');
    const match = matchCity(typed);
    if (match.kind === 'exact') return { value: match.value };
    if (match.kind === 'typo') return { value: match.value, typed };
    return { value: typed };
  });
