import { describe, expect, it } from 'vitest';
import { errorSummary, maskText, redact } from '../../src/core/redact.js';

describe('redact', () => {
  it('replaces emails and phone numbers, not codes, statuses or ticket numbers', () => {
    expect(redact('550 5.1.1 <siti@example.co.id>: mailbox unavailable')).toBe('550 5.1.1 <[redacted-email]>: mailbox unavailable');
    expect(redact('(#131026) undeliverable to +62 812-3456-7890, 0812 3456 7890 and 6281234567890')).toBe(
      '(#131026) undeliverable to [redacted-phone], [redacted-phone] and [redacted-phone]',
    );
    expect(redact('HTTP 400 131026 for ITSM-20261124-00001')).toBe('HTTP 400 131026 for ITSM-20261124-00001');
  });

  it('replaces known values first, a phone number in each of its notations', () => {
    expect(redact('Siti Rahmawati (81234567890) rejected', ['Siti Rahmawati', '+6281234567890', undefined])).toBe('[redacted] ([redacted]) rejected');
  });

  it('masks recognisably for operators, and summarises errors with the message redacted', () => {
    expect(maskText('to 6281234567890 (siti@example.co.id)')).toBe('to 62********890 (s***@example.co.id)');
    const err = Object.assign(new Error('no mailbox siti@example.co.id'), { responseCode: 550, envelope: { to: 'siti@example.co.id' } });
    expect(errorSummary(err)).toEqual({ name: 'Error', message: 'no mailbox [redacted-email]', responseCode: 550 });
    expect(errorSummary('down')).toEqual({ name: 'unknown', message: 'down' });
  });
});
