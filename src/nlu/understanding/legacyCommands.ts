// PROVISIONAL (issue 13 in progress): today's exact-phrase commands as acts, until the
// understanding module lands. Deleted when it does.
import { asksForOfficer, fieldFromWord, interpretCommand, normalizeCommandText } from '../../../dialogs/commands.js';
import type { Act, OpenQuestion, Understanding } from './types.js';

export const legacyUnderstanding: Understanding = {
  async understand(text: string, open: OpenQuestion): Promise<Act> {
    const c = interpretCommand(text);
    const s = normalizeCommandText(text);
    if (!s) return { kind: 'unusable' };
    if (asksForOfficer(s)) return { kind: 'officer' };
    if (c?.kind === 'cancel') return { kind: 'navigation', to: 'cancel' };
    if (c?.kind === 'officer') return { kind: 'officer' };
    if (c?.kind === 'language') return { kind: 'language', locale: c.locale };
    if (c?.kind === 'yes') return { kind: 'yes' };
    if (c?.kind === 'no') return s === 'kembali' || s === 'back' || s === 'balik' ? { kind: 'navigation', to: 'back' } : { kind: 'no' };
    if (c?.kind === 'skip') return { kind: 'navigation', to: 'later' };
    if (c?.kind === 'greeting') return { kind: 'greeting', religious: /salam/.test(s) };
    if (c?.kind === 'edit' && c.field) return { kind: 'correction', field: c.field, value: null };
    if (open.kind === 'choice' && fieldFromWord(s)) return { kind: 'answer' };
    if (/^(berikutnya|next|lanjut|selanjutnya)$/.test(s)) return { kind: 'navigation', to: 'next' };
    return { kind: 'answer' };
  },
};
