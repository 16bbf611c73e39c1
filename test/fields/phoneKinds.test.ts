import { describe, expect, it } from 'vitest';
import { parseField } from '../../dialogs/fields/index.js';
import { displayPhone, readIndonesianPhone, toE164 } from '../../src/phone.js';
import { t } from '../../src/i18n/messages.js';

/** Issue 14: the follow-up is promised by SMS/WhatsApp, so the phone field takes mobile numbers only. */
describe('Indonesian phone numbers (src/phone.ts, the one reader of the code base)', () => {
  it.each(['0812-3456-7890', '+62 812 3456 7890', '6285712345678', '0857 1234 5678', '+62 0813-1234-5678', '0896 1234 5678'])('%s is a mobile number', (typed) => {
    expect(readIndonesianPhone(typed).kind).toBe('mobile');
    expect(parseField('phone', typed).kind).toBe('valid');
  });

  it.each(['(0341) 551234', '021 5551234', '+62 21 555 1234', '(022) 7312345', '0274-512345'])('%s is a landline: refused with a request for a mobile number', (typed) => {
    expect(readIndonesianPhone(typed).kind).toBe('landline');
    expect(parseField('phone', typed)).toEqual({ kind: 'invalid', error: 'landline' });
    expect(t('id', 'fields.phone.errors.landline')).toMatch(/HP|seluler/);
  });

  it('still looks a ticket up by any Indonesian number, landline included, and shows numbers the national way', () => {
    expect(toE164('(0341) 551234')).toBe('+62341551234');
    expect(toE164('0812 3456 7890')).toBe('+6281234567890');
    expect(displayPhone('+6281234567890')).toBe('0812-3456-7890');
  });
});
