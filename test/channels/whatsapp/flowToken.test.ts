import { describe, expect, it } from 'vitest';
import { FLOW_TOKEN_TTL_MS, flowTokenKey, signFlowToken, verifyFlowToken } from '../../../src/channels/whatsapp/flows/flowToken.js';

const key = flowTokenKey(Buffer.alloc(32, 7));
const subject = { conversationKey: 'whatsapp:6281234567890', waId: '6281234567890' };
const NOW = Date.UTC(2026, 11, 3, 5, 0, 0);

describe('flow tokens', () => {
  it('are accepted for the conversation and number they were made for, until they expire', () => {
    const { token, nonce, expiresAt } = signFlowToken(key, subject, NOW);
    expect(expiresAt).toBe(NOW + FLOW_TOKEN_TTL_MS);
    expect(verifyFlowToken(key, token, subject, NOW + 60_000)).toEqual({ ok: true, nonce });
    expect(verifyFlowToken(key, token, subject, expiresAt - 1)).toEqual({ ok: true, nonce });
    expect(verifyFlowToken(key, token, subject, expiresAt)).toEqual({ ok: false, reason: 'expired' });
  });

  it('carry nothing personal: neither the number nor the conversation is in the token', () => {
    const { token } = signFlowToken(key, subject, NOW);
    expect(token).not.toContain('6281234567890');
    expect(token).not.toContain('234567890');
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
  });

  it('are refused for another conversation, another number, or under another key', () => {
    const { token } = signFlowToken(key, subject, NOW);
    expect(verifyFlowToken(key, token, { ...subject, conversationKey: 'whatsapp:6289999999999' }, NOW)).toEqual({ ok: false, reason: 'notThisConversation' });
    expect(verifyFlowToken(key, token, { ...subject, waId: '6289999999999' }, NOW)).toEqual({ ok: false, reason: 'notThisConversation' });
    expect(verifyFlowToken(flowTokenKey(Buffer.alloc(32, 8)), token, subject, NOW)).toEqual({ ok: false, reason: 'notThisConversation' });
  });

  it('are refused when altered: a later expiry, another nonce, a cut signature, or no token at all', () => {
    const { token } = signFlowToken(key, subject, NOW);
    const [v, nonce, expiry, mac] = token.split('.') as [string, string, string, string];
    const later = (parseInt(expiry, 36) + 86_400).toString(36);
    expect(verifyFlowToken(key, [v, nonce, later, mac].join('.'), subject, NOW)).toEqual({ ok: false, reason: 'notThisConversation' });
    const otherNonce = `${nonce[0] === 'A' ? 'B' : 'A'}${nonce.slice(1)}`;
    expect(verifyFlowToken(key, [v, otherNonce, expiry, mac].join('.'), subject, NOW)).toEqual({ ok: false, reason: 'notThisConversation' });
    for (const bad of [[v, nonce, expiry, mac.slice(0, 20)].join('.'), `${token}.x`, 'unused', '', 'v2.' + token.slice(3), null, 42, 'x'.repeat(500)]) {
      expect(verifyFlowToken(key, bad, subject, NOW)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('name the nonce the dialog gave, when given one, and refuse one of another shape', () => {
    const { token, nonce } = signFlowToken(key, subject, NOW, 'AbCdEfGhIjKlMnOp');
    expect(nonce).toBe('AbCdEfGhIjKlMnOp');
    expect(verifyFlowToken(key, token, subject, NOW)).toEqual({ ok: true, nonce: 'AbCdEfGhIjKlMnOp' });
    expect(() => signFlowToken(key, subject, NOW, 'short')).toThrow(RangeError);
  });

  it('differ at every sending, so each sending of the form is answered on its own', () => {
    const tokens = Array.from({ length: 50 }, () => signFlowToken(key, subject, NOW));
    expect(new Set(tokens.map((t) => t.nonce)).size).toBe(50);
  });

  it('need a secret of at least 32 bytes', () => {
    expect(() => flowTokenKey(Buffer.alloc(16))).toThrow(RangeError);
  });
});
