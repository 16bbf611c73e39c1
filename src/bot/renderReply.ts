import type { Reply } from '../../dialogs/reply.js';
import { t, type Locale } from '../i18n/messages.js';

/** A reply in words: the text and the choices' labels, ready for any channel to lay out. */
export interface RenderedReply {
  text: string;
  choices: Array<{ title: string; value: string }>;
}

export function renderReply(reply: Reply, locale: Locale): RenderedReply {
  const lines = (reply.lines ?? []).map((line) => {
    const value = line.valueKey ? t(locale, line.valueKey) : (line.value ?? '');
    return `${t(locale, line.labelKey)}: ${value}`;
  });
  const after = (reply.after ?? []).map((a) => t(locale, a.key, a.vars));
  const text = [t(locale, reply.key, reply.vars), ...(lines.length ? ['', ...lines] : []), ...(after.length ? ['', ...after] : [])].join('\n');
  const choices = (reply.choices ?? []).map((c) => ({ title: t(locale, c.key, c.vars), value: c.value }));
  return { text, choices };
}
