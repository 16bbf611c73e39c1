import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIELD_KEYS } from '../../dialogs/fields/index.js';
import type { PhotoErrorCode } from '../../src/media/index.js';
import { hasMessage, messageCatalogs, t } from '../../src/i18n/messages.js';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

// A Record over the union: adding a photo error code without listing it here fails type-checking.
const PHOTO_ERRORS: Record<PhotoErrorCode, true> = { tooLarge: true, notImage: true, tooSmall: true, tooManyPixels: true, corrupt: true, downloadFailed: true, sticker: true };

describe('locales', () => {
  it('Indonesian and English have exactly the same keys', () => {
    const { id, en } = messageCatalogs();
    expect([...en.keys()].sort()).toEqual([...id.keys()].sort());
  });

  it('every message key written literally in the code exists in both languages', () => {
    // Keys are written as `key: '…'` (also labelKey/valueKey) in replies, or as t(locale, '…').
    const keyPattern = /(?:[kK]ey:\s*|\bt\([^,()]+,\s*)['`]((?:welcome|seller|fields|officer|language|common|choices|complaint|status|promo|scope|followup|repair|faq|media)\.[\w.]+)['`]/g;
    const used = new Set<string>();
    for (const file of [...sourceFiles('src'), ...sourceFiles('dialogs')]) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(keyPattern)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(20);
    const missing = [...used].filter((k) => !hasMessage('id', k) || !hasMessage('en', k));
    expect(missing).toEqual([]);
  });

  it('keys built at run time exist: every field question and label, every photo error', () => {
    for (const f of FIELD_KEYS) {
      for (const suffix of ['question', 'label']) expect(hasMessage('id', `fields.${f}.${suffix}`) && hasMessage('en', `fields.${f}.${suffix}`)).toBe(true);
    }
    for (const code of Object.keys(PHOTO_ERRORS)) expect(hasMessage('id', `seller.photo.errors.${code}`)).toBe(true);
  });

  it('fills placeholders and refuses unknown keys', () => {
    expect(t('id', 'seller.alreadyFiled', { number: 'ITSM-20261124-00007' })).toContain('ITSM-20261124-00007');
    expect(() => t('id', 'no.such.key')).toThrow(/Missing message/);
  });

  it('keeps choice labels within the 20 characters Meta allows for buttons and quick replies', () => {
    for (const locale of ['id', 'en'] as const) {
      for (const [key, text] of messageCatalogs()[locale]) {
        if (key.startsWith('choices.') || /\.label$/.test(key)) expect(text.length, `${locale} ${key}`).toBeLessThanOrEqual(20);
      }
    }
  });
});
