import { createHash } from 'node:crypto';
import { pino, type Logger } from 'pino';

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

/** A short stable pseudonym for a user id, phone number or conversation id: lets logs be correlated without the value. */
export function pseudonym(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 12);
}
