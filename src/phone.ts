import { parsePhoneNumberFromString, type NumberType, type PhoneNumber } from 'libphonenumber-js/max';
import { LRUCache } from 'lru-cache';

/**
 * Indonesian phone numbers, read once for the whole code base: the form's phone field, look-ups
 * of tickets by phone, and how a number is shown. libphonenumber-js (full metadata) decides what
 * a number is: the follow-up of an application or a complaint is promised by SMS/WhatsApp, so
 * only a mobile number is taken for it; a landline is recognised as one, so the customer can be
 * asked for their mobile number instead of getting a vague "invalid".
 */

const INDONESIA_CALLING_CODE = '62';

/** Separators people put between digits; anything else makes the input garbage. */
const SEPARATORS = /[\s.\-()/]/g;

/** National significant number lengths: mobiles (8xx) 9–12 digits, landlines 7–11. */
const MOBILE_NSN = { min: 9, max: 12 } as const;
const LANDLINE_NSN = { min: 7, max: 11 } as const;

const MOBILE_TYPES: ReadonlySet<NumberType> = new Set<NumberType>(['MOBILE', 'FIXED_LINE_OR_MOBILE']);
const LANDLINE_TYPES: ReadonlySet<NumberType> = new Set<NumberType>(['FIXED_LINE', 'VOIP']);

export type PhoneProblem = 'invalid' | 'tooShort' | 'tooLong' | 'notIndonesian' | 'serviceNumber';

/** What a typed number is: a mobile or a landline (E.164, "+6281234567890"), or why it is none. */
export type PhoneReading = { kind: 'mobile' | 'landline'; e164: string } | { kind: 'invalid'; problem: PhoneProblem };

/**
 * Candidate E.164-ish strings for the digits typed, in order of preference: "0062…"/"+62 0…" are
 * repaired, and "62…" without a plus is tried as international before it is tried as national.
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

/** Reads an Indonesian number in any usual notation ("0812-3456-7890", "+62 812…", "(0341) 551234"). */
export function readIndonesianPhone(text: string): PhoneReading {
  const compact = text.trim().replace(SEPARATORS, '');
  if (!/^\+?\d+$/.test(compact) || /^\+?0+$/.test(compact)) return { kind: 'invalid', problem: 'invalid' };
  const parsed = candidates(compact).map(parse);
  const valid = parsed.find((p) => p?.isValid() === true);
  if (valid !== undefined) {
    if (valid.countryCallingCode !== INDONESIA_CALLING_CODE || valid.country !== 'ID') return { kind: 'invalid', problem: 'notIndonesian' };
    const type = valid.getType();
    if (type !== undefined && MOBILE_TYPES.has(type)) return { kind: 'mobile', e164: valid.number };
    if (type === undefined || LANDLINE_TYPES.has(type)) return { kind: 'landline', e164: valid.number };
    return { kind: 'invalid', problem: 'serviceNumber' };
  }
  // Not valid: why, as precisely as we can.
  const first = parsed[0];
  if (first !== undefined && first.countryCallingCode !== INDONESIA_CALLING_CODE) return { kind: 'invalid', problem: 'invalid' };
  const nsn = (first?.nationalNumber ?? compact).replace(/^\+?0*/, '');
  const range = nsn.startsWith('8') ? MOBILE_NSN : LANDLINE_NSN;
  if (nsn.length < range.min) return { kind: 'invalid', problem: 'tooShort' };
  if (nsn.length > range.max) return { kind: 'invalid', problem: 'tooLong' };
  return { kind: 'invalid', problem: 'invalid' };
}

/** Any Indonesian number as E.164 (to look tickets up by what a customer types), or null. */
export function toE164(text: string): string | null {
  const reading = readIndonesianPhone(text);
  return reading.kind === 'invalid' ? null : reading.e164;
}

/** Phone numbers are kept as E.164; people read them in the national form (0812-3456-7890). */
export function displayPhone(e164: string): string {
  return displayed.memo(e164);
}

/** Numbers shown recently: a summary, a confirmation and the officers' view show the same number again (a parse and format each: about 1% of the service's CPU in the benchmark). */
const displayed = new LRUCache<string, string>({ max: 1024, memoMethod: (e164) => parsePhoneNumberFromString(e164)?.formatNational() ?? e164 });
