import { describe, expect, it } from 'vitest';
import { parseField } from '../../dialogs/fields/index.js';

describe('phone (No. Telepon)', () => {
  it.each([
    // mobile, national notation with every usual separator
    ['0812-3456-7890', '+6281234567890'],
    ['0812 3456 7890', '+6281234567890'],
    ['081234567890', '+6281234567890'],
    ['0812.3456.7890', '+6281234567890'],
    ['(0812) 3456-7890', '+6281234567890'],
    ['0812/3456/7890', '+6281234567890'],
    ['  0812 3456 7890 \n', '+6281234567890'],
    ['0812\u00A03456\u00A07890', '+6281234567890'], // no-break spaces
    ['0812–3456–7890', '+6281234567890'], // en dashes
    // international notation
    ['+62 812 3456 7890', '+6281234567890'],
    ['+62-812-3456-7890', '+6281234567890'],
    ['+6281234567890', '+6281234567890'],
    ['+62 0812 3456 7890', '+6281234567890'], // trunk 0 kept after +62
    ['+62(0)81234567890', '+6281234567890'],
    ['0062 812 3456 7890', '+6281234567890'],
    ['6281234567890', '+6281234567890'], // 62 without plus
    ['62812345678901', '+62812345678901'],
    // leading 0 forgotten
    ['8123456789', '+628123456789'],
    ['81234567890', '+6281234567890'],
    // other operators and lengths
    ['0857-1234-5678', '+6285712345678'],
    ['0895 1234 5678', '+6289512345678'],
    ['0817 0123 4567', '+6281701234567'],
    ['0881 2345 6789', '+6288123456789'],
    ['0811-234-567', '+62811234567'],
  ])('%j -> %s', (input, value) => {
    expect(parseField('phone', input)).toEqual({ kind: 'valid', value });
  });

  // The follow-up is promised by SMS/WhatsApp: a landline is recognised, and a mobile number asked for.
  it.each(['(021) 5551234', '021-5551234', '+62 21 5551234', '62215551234', '0274 123456', '0361-234567', '(0341) 551234'])('%j is a landline', (input) => {
    expect(parseField('phone', input)).toEqual({ kind: 'invalid', error: 'landline' });
  });

  it.each([
    ['', 'required'],
    ['  ', 'required'],
    ['abc', 'invalid'],
    ['nomor saya 0812 3456 7890', 'invalid'],
    ['0812-3456-789O', 'invalid'], // letter O
    ['0812 3456 7890 (WA)', 'invalid'],
    ['+', 'invalid'],
    ['0000000000', 'invalid'],
    ['0999 1234 5678', 'invalid'], // no such Indonesian range
    ['+1 23', 'invalid'],
    ['0', 'invalid'],
    ['123', 'tooShort'],
    ['0812', 'tooShort'],
    ['0856123', 'tooShort'],
    ['+6281234', 'tooShort'],
    ['0212345', 'tooShort'],
    ['0812345678901234', 'tooLong'],
    ['08121234567890', 'tooLong'],
    ['0812 3456 7890 0856', 'tooLong'], // two numbers run together
    ['+65 9123 4567', 'notIndonesian'], // Singapore
    ['+60 12-345 6789', 'notIndonesian'], // Malaysia
    ['+61 412 345 678', 'notIndonesian'], // Australia
    ['+44 20 7946 0018', 'notIndonesian'], // United Kingdom
    ['0065 9123 4567', 'notIndonesian'],
    ['0800 1 123 123', 'serviceNumber'], // toll-free
    ['1500123', 'serviceNumber'], // universal access number
    ['+62 1500 123', 'serviceNumber'],
  ])('%j is invalid: %s', (input, error) => {
    expect(parseField('phone', input)).toEqual({ kind: 'invalid', error });
  });
});
