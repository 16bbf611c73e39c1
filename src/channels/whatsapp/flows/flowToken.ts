/**
 * The `flow_token` of a Flow message: what binds the form's answer (`nfm_reply.response_json`
 * carries it back) to the conversation and WhatsApp number it was sent to, until it expires.
 *
 *   v1.<nonce>.<expiry, epoch seconds, base 36>.<HMAC-SHA256 over version, nonce, expiry, conversation key and number>
 *
 * Nothing personal travels in it: the conversation and the number are only inside the MAC, so a
 * token checked against another conversation or number fails like a forged one. The nonce names
 * this one sending of the form; the dialog keeps the nonce of the form it waits for and takes an
 * answer once (a replay, or an answer after the applicant finished in the chat, names no form
 * it waits for). The key is derived (HKDF) from the deployment's secret, the same on every instance.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { newFormNonce } from '../../../../dialogs/sellerForm.js';

/** How long a sent form may be answered: a day, as an applicant may fill it in later. */
export const FLOW_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

const VERSION = 'v1';
const NONCE = /^[A-Za-z0-9_-]{16}$/;
const EXPIRY = /^[0-9a-z]{1,10}$/;
const MAC = /^[A-Za-z0-9_-]{43}$/;

export interface FlowTokenSubject {
  conversationKey: string;
  /** The WhatsApp number (wa_id) the form was sent to. */
  waId: string;
}

export type FlowTokenCheck =
  | { ok: true; nonce: string }
  | { ok: false; reason: 'malformed' | 'notThisConversation' | 'expired' };

/** The signing key for flow tokens, derived from a deployment secret (at least 32 bytes). */
export function flowTokenKey(secret: Buffer): Buffer {
  if (secret.length < 32) throw new RangeError('a flow token secret needs at least 32 bytes');
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'pln123 whatsapp flow token', 32));
}

const mac = (key: Buffer, nonce: string, expiry: string, subject: FlowTokenSubject): Buffer =>
  createHmac('sha256', key).update([VERSION, nonce, expiry, subject.conversationKey, subject.waId].join('\u0000'), 'utf8').digest();

/** A token for one sending of the form, naming `nonce` (what the dialog waits for; a new one by default). */
export function signFlowToken(key: Buffer, subject: FlowTokenSubject, now: number, nonce: string = newFormNonce(), ttlMs = FLOW_TOKEN_TTL_MS): { token: string; nonce: string; expiresAt: number } {
  if (!NONCE.test(nonce)) throw new RangeError('a flow token nonce is 16 base64url characters');
  const expiresAt = Math.ceil((now + ttlMs) / 1000) * 1000;
  const expiry = (expiresAt / 1000).toString(36);
  return { token: [VERSION, nonce, expiry, mac(key, nonce, expiry, subject).toString('base64url')].join('.'), nonce, expiresAt };
}

/** Whether `token` was made here for this conversation and number and is still valid; its nonce if so. */
export function verifyFlowToken(key: Buffer, token: unknown, subject: FlowTokenSubject, now: number): FlowTokenCheck {
  if (typeof token !== 'string' || token.length > 100) return { ok: false, reason: 'malformed' };
  const [version, nonce, expiry, given, ...rest] = token.split('.');
  if (version !== VERSION || rest.length > 0 || !nonce || !expiry || !given || !NONCE.test(nonce) || !EXPIRY.test(expiry) || !MAC.test(given)) {
    return { ok: false, reason: 'malformed' };
  }
  const expected = mac(key, nonce, expiry, subject);
  const actual = Buffer.from(given, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return { ok: false, reason: 'notThisConversation' };
  if (parseInt(expiry, 36) * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, nonce };
}
