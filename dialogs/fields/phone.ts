import { parsePhoneNumberFromString, type NumberType, type PhoneNumber } from 'libphonenumber-js/max';
import { z } from 'zod';
import { rejecter } from './schema.js';
import { cleanText } from './text.js';
import type { Normalised } from './types.js';

const INDONESIA_CALLING_CODE = '62';

/** Separators people put between digits; anything else makes the input garbage. */
const SEPARATORS = /[\s.\-()/]/g;

/** Number types a seller can be reached on. Toll-free, premium, UAN etc. are not. */
const REACHABLE_TYPES: ReadonlySet<NumberType> = new Set<NumberType>(['MOBILE', 'FIXED_LINE', 'FIXED_LINE_OR_MOBILE', 'VOIP']);

/** National significant number lengths: mobiles (8xx) 9–12 digits, landlines 7–11. */
const MOBILE_NSN = { min: 9, max: 12 } as const;
const LANDLINE_NSN = { min: 7, max: 11 } as const;

/**
 * Candidate E.164-ish strings for the digits the user typed, in order of
 * preference: "0062…"/"+62 0…" are repaired, and "62…" without a plus is
 * tried as international before it is tried as a national number.
 */
function candidates(compact: string): string[] {
  if (compact.startsWith('+')) return [repairTrunkZero(compact)];
  if (compact.startsWith('00')) return [repairTrunkZero(`+${compact.slice(2)}`)];
  if (compact.startsWith(INDONESIA_CALLING_CODE)) return [repairTrunkZero(`+${compact}`), compact];
  return [compact];
}

/** "+62 0812…" is a common way of writing "+62 812…". */
function repairTrunkZero(international: string): string {
  const prefix = `+${INDONESIA_CALLING_CODE}0`;
  return international.startsWith(prefix) ? `+${INDONESIA_CALLING_CODE}${international.slice(prefix.length)}` : international;
}

function parse(candidate: string): PhoneNumber | undefined {
  return parsePhoneNumberFromString(candidate, { defaultCountry: 'ID', extract: false });
}

const failPhone = rejecter('phone');

/**
 * No. Telepon: an Indonesian mobile or landline number in any usual notation,
 * stored as E.164 ("+6281234567890").
 */
export const phoneSchema = z
  .string()
  .trim()
  .transform(cleanText)
  .transform((s, ctx): Normalised => {
    if (s === '') return failPhone(ctx, 'required');
    const compact = s.replace(SEPARATORS, '');
    if (!/^\+?\d+$/.test(compact) || /^\+?0+$/.test(compact)) return failPhone(ctx, 'invalid');

    const parsed = candidates(compact).map(parse);
    const valid = parsed.find((p) => p?.isValid() === true);
    if (valid !== undefined) {
      if (valid.countryCallingCode !== INDONESIA_CALLING_CODE || valid.country !== 'ID') return failPhone(ctx, 'notIndonesian');
      const type = valid.getType();
      if (type !== undefined && !REACHABLE_TYPES.has(type)) return failPhone(ctx, 'serviceNumber');
      return { value: valid.number };
    }

    // Not valid: say why as precisely as we can.
    const first = parsed[0];
    if (first !== undefined && first.countryCallingCode !== INDONESIA_CALLING_CODE) return failPhone(ctx, 'invalid');
    const nsn = (first?.nationalNumber ?? compact).replace(/^\+?0*/, '');
    const range = nsn.startsWith('8') ? MOBILE_NSN : LANDLINE_NSN;
    if (nsn.length < range.min) return failPhone(ctx, 'tooShort');
    if (nsn.length > range.max) return failPhone(ctx, 'tooLong');
    return failPhone(ctx, 'invalid');
  });
