import crypto from 'node:crypto';

/** What an `Authorization` header amounts to against the configured token. */
export type BearerVerdict = 'ok' | 'missing' | 'invalid';

/**
 * Checks `Authorization: Bearer <token>` in constant time: both sides are reduced to HMAC-SHA256
 * digests under a per-process random key, so `timingSafeEqual` always compares 32 bytes and the
 * comparison leaks neither the token's content nor its length.
 *
 * With no token configured every request is refused: the caller decides what an unset token
 * means (the ticket API is then off; the metrics are served to loopback clients only).
 */
export function bearerChecker(token: string | undefined): (header: string | undefined) => BearerVerdict {
  if (token === undefined || token.trim() === '') return (header) => (header ? 'invalid' : 'missing');
  const key = crypto.randomBytes(32);
  const digest = (s: string) => crypto.createHmac('sha256', key).update(s, 'utf8').digest();
  const expected = digest(token);
  return (header) => {
    if (!header) return 'missing';
    const m = /^Bearer[ \t]+(.+?)[ \t]*$/i.exec(header);
    if (!m?.[1]) return 'invalid';
    return crypto.timingSafeEqual(digest(m[1]), expected) ? 'ok' : 'invalid';
  };
}
