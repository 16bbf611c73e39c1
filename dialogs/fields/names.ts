import { z } from 'zod';
import { rejecter } from './schema.js';
import { charCount, cleanText, countLetters, hasDigit, titleCaseIfSingleCase } from './text.js';
import type { Normalised } from './types.js';

export const NAME_MIN = 2;
export const NAME_MAX = 80;
export const BUSINESS_NAME_MIN = 2;
export const BUSINESS_NAME_MAX = 100;
export const PRODUCT_TYPE_MIN = 2;
export const PRODUCT_TYPE_MAX = 100;

/** Particles that stay lower-case when a name is title-cased ("Ahmad bin Yusuf"). */
const NAME_PARTICLES: ReadonlySet<string> = new Set(['bin', 'binti']);

const EMAIL_LIKE = /\S@\S/u;
const URL_LIKE = /(?:https?:\/\/|www\.)|\p{L}\.(?:com|net|org|id|co|io|info|biz|me|app|xyz|site|online|store|shop|my)(?:[./\s]|$)/iu;
/** Six or more digits, allowing the usual separators between them. */
const PHONE_LIKE = /\+?\d(?:[\s.\-()]*\d){5,}/u;
const NAME_CHARS = /^[\p{L}\p{M} .',-]+$/u;
/** A question mark: a question is never an answer (the understanding step reads it first; this is the last guard). */
export const QUESTION = /\?/u;

const failName = rejecter('name');

/** Nama Pemohon: a person's name; title-cased when typed all in one case. */
export const nameSchema = z
  .string()
  .trim()
  .transform(cleanText)
  .transform((s, ctx): Normalised => {
    if (s === '') return failName(ctx, 'required');
    if (QUESTION.test(s)) return failName(ctx, 'isQuestion');
    if (EMAIL_LIKE.test(s) || URL_LIKE.test(s) || PHONE_LIKE.test(s)) return failName(ctx, 'notAName');
    if (hasDigit(s)) return failName(ctx, 'hasDigits');
    if (!NAME_CHARS.test(s)) return failName(ctx, 'invalidChars');
    const length = charCount(s);
    if (length < NAME_MIN) return failName(ctx, 'tooShort');
    if (length > NAME_MAX) return failName(ctx, 'tooLong');
    if (countLetters(s) < 2) return failName(ctx, 'tooFewLetters');
    return { value: titleCaseIfSingleCase(s, NAME_PARTICLES) };
  });

const failBusiness = rejecter('businessName');

/** Nama Usaha: free text, case kept as typed (brand names). */
export const businessNameSchema = z
  .string()
  .trim()
  .transform(cleanText)
  .transform((s, ctx): Normalised => {
    if (s === '') return failBusiness(ctx, 'required');
    if (QUESTION.test(s)) return failBusiness(ctx, 'isQuestion');
    const length = charCount(s);
    if (length < BUSINESS_NAME_MIN) return failBusiness(ctx, 'tooShort');
    if (length > BUSINESS_NAME_MAX) return failBusiness(ctx, 'tooLong');
    if (!/[\p{L}\p{N}]/u.test(s)) return failBusiness(ctx, 'noLetterOrDigit');
    return { value: s };
  });

const failProduct = rejecter('productType');

/** Jenis Produk: free text with at least two letters, kept as typed. */
export const productTypeSchema = z
  .string()
  .trim()
  .transform(cleanText)
  .transform((s, ctx): Normalised => {
    if (s === '') return failProduct(ctx, 'required');
    if (QUESTION.test(s)) return failProduct(ctx, 'isQuestion');
    const length = charCount(s);
    if (length < PRODUCT_TYPE_MIN) return failProduct(ctx, 'tooShort');
    if (length > PRODUCT_TYPE_MAX) return failProduct(ctx, 'tooLong');
    if (countLetters(s) < 2) return failProduct(ctx, 'tooFewLetters');
    return { value: s };
  });
