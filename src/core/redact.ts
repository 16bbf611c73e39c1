/**
 * Personal data kept out of logs, stored error texts and dead-letter listings: the one place that
 * knows what an email or a phone number looks like in free text. Two renderings of the same finds:
 * `redact` for what only machines and developers read (placeholders), `maskText` for what an
 * operator must still tell apart (initials, the last digits). Pseudonyms of ids are log.ts's.
 */

/** An address as mail servers, Graph and adapters echo it (`<siti@example.co.id>`, `(x@y.id)`). */
const EMAIL = /[\w.%+-]+@[\w-]+(?:\.[\w-]+)*/g;

/**
 * Phone numbers in free text: `+` numbers, local `0…`/`62…` numbers with spaces or dashes, and any
 * run of nine digits or more (numbers, user ids). Not codes and statuses (`#131026`, `400 131026`),
 * nor the digits of ticket numbers such as ITSM-20261124-00001.
 */
const PHONE = /\+\d[\d -]{6,}\d|\b(?:0|62[ -]?)\d{2,4}[ -]\d{3,4}[ -]?\d{3,4}\b|\b\d{9,}\b/g;

/**
 * Emails and phone numbers replaced by `[redacted-email]` and `[redacted-phone]`; the `known`
 * values (an applicant's name, email, phone in its usual notations) by `[redacted]` first, since
 * an adapter may echo them in any shape.
 */
export function redact(text: string, known: readonly (string | undefined)[] = []): string {
  const secrets = known
    .flatMap((value) => (value === undefined ? [] : /^\+?\d[\d\s-]*$/.test(value.trim()) ? phoneVariants(value) : [value]))
    .filter((s) => s.trim().length >= 3)
    .sort((x, y) => y.length - x.length); // longest first: "+62812..." before its "812..." tail
  for (const secret of secrets) text = text.split(secret).join('[redacted]');
  return text.replace(EMAIL, '[redacted-email]').replace(PHONE, '[redacted-phone]');
}

/** The ways an E.164 Indonesian number may be echoed: +628..., 628..., 08..., 8... */
function phoneVariants(phone: string): string[] {
  const digits = phone.replace(/\D/g, '');
  const variants = [phone, digits];
  if (digits.startsWith('62')) variants.push(`0${digits.slice(2)}`, digits.slice(2));
  return variants;
}

/** Emails and phone numbers masked in a free text, recognisably (`s***@example.co.id`, `+62*******890`). */
export function maskText(text: string): string {
  return text.replace(EMAIL, (email) => maskEmail(email)).replace(PHONE, (run) => maskPhone(run));
}

/** `Siti Rahmawati` → `S*** R***`. */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => `${[...word][0] ?? ''}***`)
    .join(' ');
}

/** `+6281234567890` → `+62*******890`: the country code and the last three digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 6) return '***';
  const head = phone.trim().startsWith('+') ? `+${digits.slice(0, 2)}` : digits.slice(0, 2);
  return `${head}${'*'.repeat(digits.length - 5)}${digits.slice(-3)}`;
}

/** `siti@example.co.id` → `s***@example.co.id`. */
export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  if (at < 1) return email ? '***' : '';
  return `${email[0]}***${email.slice(at)}`;
}

/**
 * An error for a log line: its kind, its message redacted and cut short, and code-like fields;
 * never the error object itself (a stack, an envelope or a payload may carry what the user typed).
 */
export function errorSummary(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { name: 'unknown', message: redact(String(err)).slice(0, 300) };
  const e = err as Error & { code?: unknown; responseCode?: unknown; command?: unknown; kind?: unknown };
  return {
    name: e.name,
    message: redact(e.message).slice(0, 300),
    ...(typeof e.code === 'string' || typeof e.code === 'number' ? { code: e.code } : {}),
    ...(typeof e.responseCode === 'number' ? { responseCode: e.responseCode } : {}),
    ...(typeof e.command === 'string' ? { command: e.command } : {}),
    ...(typeof e.kind === 'string' ? { kind: e.kind } : {}),
  };
}
