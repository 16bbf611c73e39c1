/**
 * Validation and normalisation of the seven fields of a PLN Mobile Marketplace
 * seller application. Pure functions, no I/O; every user-facing sentence lives
 * in locales/<lang>.json under "fields".
 */
import type { z } from 'zod';
import { citySchema } from './city.js';
import { emailSchema } from './email.js';
import { businessNameSchema, nameSchema, productTypeSchema } from './names.js';
import { phoneSchema } from './phone.js';
import { provinceSchema } from './province.js';
import { FIELD_ERROR_CODES, type FieldErrorCode, type FieldKey, type FieldOutcome, type Normalised } from './types.js';

export { CONFIRMABLE_FIELDS, FIELD_ERROR_CODES, FIELD_KEYS } from './types.js';
export type { FieldErrorCode, FieldKey, FieldOutcome, Normalised } from './types.js';
export { citySchema } from './city.js';
export { emailAsTyped, emailSchema, suggestEmailDomain } from './email.js';
export { businessNameSchema, nameSchema, productTypeSchema } from './names.js';
export { phoneSchema } from './phone.js';
export { matchProvince, provinceNames, provinceSchema, type ProvinceMatch } from './province.js';

/** The zod schema of each field; each outputs a Normalised value. */
export const FIELD_SCHEMAS: { readonly [K in FieldKey]: z.ZodType<Normalised, string> } = {
  name: nameSchema,
  businessName: businessNameSchema,
  productType: productTypeSchema,
  city: citySchema,
  province: provinceSchema,
  phone: phoneSchema,
  email: emailSchema,
};

/** Used if an issue ever carries a message that is not one of the field's codes. */
const FALLBACK_ERROR: { readonly [K in FieldKey]: FieldErrorCode<K> } = {
  name: 'invalidChars',
  businessName: 'noLetterOrDigit',
  productType: 'tooFewLetters',
  city: 'invalidChars',
  province: 'unknown',
  phone: 'invalid',
  email: 'invalid',
};

/**
 * The last answer parsed: within a turn the machine's guards and then its action ask for the same
 * (field, text) several times (valid? needs confirming? invalid? then the value), each a full zod
 * parse with the place and phone look-ups. The function is pure, so the last outcome is reused.
 */
let last: { key: FieldKey; input: string; outcome: FieldOutcome } | undefined;

/** Validates and normalises one answer of the user. */
export function parseField(key: FieldKey, input: string): FieldOutcome {
  if (last?.key === key && last.input === input) return last.outcome;
  const outcome = parseAnswer(key, input);
  last = { key, input, outcome };
  return outcome;
}

function parseAnswer(key: FieldKey, input: string): FieldOutcome {
  const result = FIELD_SCHEMAS[key].safeParse(input);
  if (!result.success) {
    const message = result.error.issues[0]?.message;
    const codes: readonly string[] = FIELD_ERROR_CODES[key];
    return { kind: 'invalid', error: message !== undefined && codes.includes(message) ? message : FALLBACK_ERROR[key] };
  }
  const { value, typed } = result.data;
  return typed === undefined ? { kind: 'valid', value } : { kind: 'confirm', value, typed };
}
