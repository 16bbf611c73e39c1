import { z } from 'zod';
import { readIndonesianPhone } from '../../src/phone.js';
import { rejecter } from './schema.js';
import { cleanText } from './text.js';
import type { Normalised } from './types.js';

const failPhone = rejecter('phone');

/**
 * No. Telepon: an Indonesian mobile number in any usual notation, stored as E.164
 * ("+6281234567890"). The follow-up is promised by SMS/WhatsApp, so a landline ("(0341) 551234")
 * is refused with a request for a mobile number (src/phone.ts reads the number).
 */
export const phoneSchema = z
  .string()
  .trim()
  .transform(cleanText)
  .transform((s, ctx): Normalised => {
    if (s === '') return failPhone(ctx, 'required');
    const reading = readIndonesianPhone(s);
    switch (reading.kind) {
      case 'mobile':
        return { value: reading.e164 };
      case 'landline':
        return failPhone(ctx, 'landline');
      case 'invalid':
        return failPhone(ctx, reading.problem);
    }
  });
