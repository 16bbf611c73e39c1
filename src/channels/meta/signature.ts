import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks Meta's `X-Hub-Signature-256: sha256=<hex>` header: an HMAC-SHA256 of the exact bytes
 * received, keyed with the app secret. It must be computed over the raw body: Meta signs its
 * escaped-unicode serialisation, so re-serialising parsed JSON breaks on the first emoji or "é".
 * Constant-time comparison; a malformed header is simply invalid.
 *
 * @example verifyMetaSignature(req.body as Buffer, req.get('x-hub-signature-256'), secret)
 */
export function verifyMetaSignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header || !header.startsWith('sha256=')) return false;
  const hex = header.slice('sha256='.length).trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const theirs = Buffer.from(hex, 'hex');
  const ours = createHmac('sha256', appSecret).update(rawBody).digest();
  return theirs.length === ours.length && timingSafeEqual(theirs, ours);
}

/** The header value Meta would send for `rawBody` (tests and the benchmark sign with it). */
export function signMetaPayload(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}
