/** Public types of the seller-application fields (see index.ts for parseField). */

export type FieldKey = 'name' | 'businessName' | 'productType' | 'city' | 'province' | 'phone' | 'email';

/** In the order the SOP asks them. */
export const FIELD_KEYS: readonly FieldKey[] = Object.freeze([
  'name',
  'businessName',
  'productType',
  'city',
  'province',
  'phone',
  'email',
] as const);

export type FieldOutcome =
  /** Normalised value, store as is. */
  | { readonly kind: 'valid'; readonly value: string }
  /** We had to guess: ask "Did you mean <value>?"; `typed` is what the user wrote. */
  | { readonly kind: 'confirm'; readonly value: string; readonly typed: string }
  /** `error` is a key relative to `fields.<field>.errors` in the locale files. */
  | { readonly kind: 'invalid'; readonly error: string };

/**
 * Every error code each field can return. Each one has a text under
 * `fields.<field>.errors.<code>` in locales/id.json and locales/en.json.
 */
export const FIELD_ERROR_CODES = {
  name: ['required', 'tooShort', 'tooLong', 'notAName', 'hasDigits', 'invalidChars', 'tooFewLetters', 'isQuestion'],
  businessName: ['required', 'tooShort', 'tooLong', 'noLetterOrDigit', 'isQuestion'],
  productType: ['required', 'tooShort', 'tooLong', 'tooFewLetters', 'isQuestion'],
  city: ['required', 'tooShort', 'tooLong', 'hasDigits', 'invalidChars', 'isQuestion'],
  province: ['required', 'unknown', 'region'],
  phone: ['required', 'invalid', 'tooShort', 'tooLong', 'notIndonesian', 'serviceNumber', 'landline'],
  email: ['required', 'hasSpaces', 'missingAt', 'multipleAt', 'invalid'],
} as const satisfies Record<FieldKey, readonly string[]>;

export type FieldErrorCode<K extends FieldKey = FieldKey> = (typeof FIELD_ERROR_CODES)[K][number];

/** Fields whose outcome can be `confirm` (they have a `fields.<field>.confirm` text). */
export const CONFIRMABLE_FIELDS: readonly FieldKey[] = Object.freeze(['city', 'province', 'email'] as const);

/**
 * What a field schema outputs on success: the normalised value, plus what the
 * user typed when the value is a guess that must be confirmed.
 */
export interface Normalised {
  readonly value: string;
  readonly typed?: string;
}
