import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { LRUCache } from 'lru-cache';

export type { Logger };

/**
 * The service's structured logger (JSON lines on stdout). Personal data never goes in clear:
 * use `pseudonym()` for user ids and phone numbers, and the `redact` paths catch the usual field
 * names in case a whole object is logged by mistake.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: ['*.phone', '*.email', '*.name', 'applicant', '*.applicant', 'text', '*.text', 'from.name', '*.from.name'],
      censor: '[redacted]',
    },
  });
}

/** The shortest key `usePseudonymKey` takes: 32 bytes, the HMAC-SHA256 block's worth of secret. */
export const PSEUDONYM_KEY_MIN_BYTES = 32;

/**
 * The key of every pseudonym this process writes. Until the service sets the deployment's key
 * (see src/storage/pseudonymKey.ts), a random one: pseudonyms are then still irreversible, only
 * not comparable with another process's.
 */
let pseudonymKey: Buffer = randomBytes(PSEUDONYM_KEY_MIN_BYTES);

/** Sets the key of `pseudonym()` for this process (the same on every instance of a deployment). */
export function usePseudonymKey(key: Buffer): void {
  if (key.length < PSEUDONYM_KEY_MIN_BYTES) throw new RangeError(`a pseudonym key needs at least ${PSEUDONYM_KEY_MIN_BYTES} bytes`);
  pseudonymKey = Buffer.from(key);
  pseudonyms.clear();
}

/**
 * A key of its own for another use of the deployment's secret (signing WhatsApp flow tokens):
 * derived from the pseudonym key (HKDF-SHA256, `purpose` as its info), so the same on every
 * instance once the service has set that key, and telling nothing about it.
 */
export function secretFor(purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', pseudonymKey, Buffer.alloc(0), `pln123 ${purpose}`, 32));
}

/**
 * Pseudonyms made recently: a turn logs its conversation's, and an HMAC per log line was about 1%
 * of a turn's CPU. Held in memory only (the values are what the process handles anyway); emptied
 * when the key changes.
 */
const pseudonyms = new LRUCache<string, string>({
  max: 4096,
  memoMethod: (value) => createHmac('sha256', pseudonymKey).update(value, 'utf8').digest('hex').slice(0, 12),
});

/**
 * A short stable pseudonym for a user id, phone number or conversation id: lets logs be correlated
 * without the value. Keyed (HMAC-SHA256), so nobody without the key can get a phone number back by
 * hashing every number of the plan: an unkeyed `sha256(phone)` falls to such a search in seconds.
 */
export function pseudonym(value: string): string {
  return pseudonyms.memo(value);
}
