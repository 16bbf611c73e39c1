import { z } from 'zod';
import { COMMON_DOMAINS, COMMON_PROVIDERS, OTHER_REAL_DOMAINS } from './email.data.js';
import { damerauLevenshtein } from '../../src/core/editDistance.js';
import { rejecter } from './schema.js';
import { cleanText } from './text.js';
import type { Normalised } from './types.js';

/** RFC 5321 limit on the length of an address. */
export const EMAIL_MAX = 254;

const KNOWN_DOMAINS: ReadonlySet<string> = new Set([...COMMON_DOMAINS, ...OTHER_REAL_DOMAINS]);

/** Edits tolerated in the first label of a provider's domain ("gmial" for "gmail"). */
function labelTypoLimit(label: string): number {
  if (label.length >= 7) return 2;
  if (label.length >= 5) return 1;
  return 0;
}

/** Edits tolerated over a whole common domain ("gmial.co" for "gmail.com"). */
function domainTypoLimit(provider: string): number {
  return provider.length >= 5 ? 2 : 1;
}

interface Suggestion {
  readonly domain: string;
  readonly provider: string;
  readonly score: number;
}

/**
 * The common domain the user most likely meant, or undefined when `domain` is a
 * common or otherwise known domain, or is not near exactly one provider.
 *
 * A provider's domain is suggested when
 * - the whole domain is within a few edits of it ("gmial.com", "gmailcom", "yahoo.co.od"),
 * - the first label is exactly the provider's but the rest is not a real
 *   domain of it ("gmail.co.id", "gmail", "pln.com"), or
 * - the first label is a near typo and the rest is one edit from the real
 *   ending ("hotmial.con").
 * `domain` must already be lower-case.
 */
export function suggestEmailDomain(domain: string): string | undefined {
  if (KNOWN_DOMAINS.has(domain)) return undefined;
  // A comma or a doubled dot instead of a dot is a slip of the thumb.
  const repaired = domain.replace(/,/g, '.').replace(/\.{2,}/g, '.').replace(/^\.+|\.+$/g, '');
  if (KNOWN_DOMAINS.has(repaired)) return repaired === domain ? undefined : repaired;

  const dot = repaired.indexOf('.');
  const label = dot < 0 ? repaired : repaired.slice(0, dot);
  const rest = dot < 0 ? '' : repaired.slice(dot + 1);

  const suggestions: Suggestion[] = [];
  for (const { label: provider, suffixes } of COMMON_PROVIDERS) {
    const labelDistance = damerauLevenshtein(label, provider);
    for (const suffix of suffixes) {
      const full = `${provider}.${suffix}`;
      const suffixDistance = damerauLevenshtein(rest, suffix);
      const scores: number[] = [];
      const fullDistance = damerauLevenshtein(repaired, full);
      if (fullDistance <= domainTypoLimit(provider)) scores.push(fullDistance);
      if (labelDistance === 0) scores.push(suffixDistance);
      if (labelDistance <= labelTypoLimit(provider) && suffixDistance <= 1) scores.push(labelDistance + suffixDistance);
      if (scores.length > 0) suggestions.push({ domain: full, provider, score: Math.min(...scores) });
    }
  }

  let best: Suggestion | undefined;
  let ambiguous = false;
  for (const s of suggestions) {
    if (best === undefined || s.score < best.score) {
      best = s;
      ambiguous = false;
    } else if (s.score === best.score && s.provider !== best.provider) {
      ambiguous = true;
    }
  }
  return ambiguous ? undefined : best?.domain;
}

const emailSyntax = z.email({ error: 'invalid' });

const failEmail = rejecter('email');

/**
 * Email: syntax checked with z.email(), domain lower-cased, trailing dot
 * removed. An obvious typo of a common provider's domain comes back with
 * `typed` so the dialog can ask "did you mean …?".
 */
export const emailSchema = z
  .string()
  .trim()
  .transform(cleanText)
  .transform((s, ctx): Normalised => {
    const typed = s.replace(/\.+$/, '');
    if (typed === '') return failEmail(ctx, 'required');
    if (/\s/.test(typed)) return failEmail(ctx, 'hasSpaces');
    const parts = typed.split('@');
    if (parts.length === 1) return failEmail(ctx, 'missingAt');
    if (parts.length > 2) return failEmail(ctx, 'multipleAt');
    const [local = '', rawDomain = ''] = parts;
    if (local === '' || rawDomain === '' || typed.length > EMAIL_MAX) return failEmail(ctx, 'invalid');

    const domain = rawDomain.toLowerCase();
    const suggested = suggestEmailDomain(domain);
    if (suggested !== undefined) {
      const value = `${local}@${suggested}`;
      return emailSyntax.safeParse(value).success ? { value, typed } : failEmail(ctx, 'invalid');
    }
    const value = `${local}@${domain}`;
    return emailSyntax.safeParse(value).success ? { value } : failEmail(ctx, 'invalid');
  });

/**
 * The address exactly as typed (domain lower-cased, trailing dot removed) if it
 * is syntactically valid, else undefined. For the dialog when the applicant
 * rejects a "did you mean" suggestion: a typed "budi@gmial.com" can be kept,
 * a typed "budi@gmailcom" or "budi@gmail,com" cannot.
 */
export function emailAsTyped(input: string): string | undefined {
  const typed = cleanText(input).replace(/\.+$/, '');
  const parts = typed.split('@');
  if (parts.length !== 2 || /\s/.test(typed) || typed.length > EMAIL_MAX) return undefined;
  const [local = '', domain = ''] = parts;
  const value = `${local}@${domain.toLowerCase()}`;
  return emailSyntax.safeParse(value).success ? value : undefined;
}
