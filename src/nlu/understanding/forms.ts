/**
 * Whole-message forms: a message that is, as a whole, one or a few short fixed phrases ("iya
 * bener", "ok kirim min", "makasih ya min 🙏", "fotonya nyusul ya", "udah itu aja makasih"),
 * read against the open question. A message with any word outside the phrases ("iya, emailnya
 * budi@x.com", "Toko Batal Jaya") is not a form: the later readers decide.
 */
import type { FormCategory, Lexicon } from './lexicon.js';
import type { Message } from './text.js';
import type { Act, FieldName, NavigationTarget, OpenQuestion } from './types.js';

/**
 * The act of a whole-message form, or undefined when the message is not one. Phrases are
 * matched on the form key, covering it with as few phrases as possible (longest phrases win:
 * "ga jadi" is `cancel`, not `no` + something).
 */
export function readForm(message: Message, open: OpenQuestion, lexicon: Lexicon): Act | undefined {
  if (!message.hasContent) return readEmoji(message, lexicon);
  const phrases = cover(message.key, lexicon);
  if (phrases === undefined) return undefined;
  const categories = phrases.map((p) => lexicon.forms.get(p) as FormCategory);
  const religious = phrases.some((p) => lexicon.religious.has(p));
  return resolve(categories, religious, open);
}

/** An emoji-only message: 👍 is yes, 🙏 thanks, 👋 a greeting; anything else is unusable. */
function readEmoji(message: Message, lexicon: Lexicon): Act {
  const kinds = new Set(message.emoji.map((e) => lexicon.file.emoji[e.replace(/\uFE0F/g, '')]));
  const [only] = kinds;
  if (kinds.size !== 1 || only === undefined) return { kind: 'unusable' };
  return only === 'greeting' ? { kind: 'greeting', religious: false } : { kind: only };
}

/** The fewest known phrases that cover `key` exactly, in order, or undefined. */
function cover(key: readonly string[], lexicon: Lexicon): string[] | undefined {
  const n = key.length;
  if (n === 0) return undefined;
  // best[i]: fewest phrases covering key[0..i); from[i]: where the last phrase starts.
  const best: number[] = new Array<number>(n + 1).fill(Infinity);
  const from: number[] = new Array<number>(n + 1).fill(-1);
  best[0] = 0;
  for (let end = 1; end <= n; end++) {
    for (let start = Math.max(0, end - lexicon.longestForm); start < end; start++) {
      const before = best[start] ?? Infinity;
      if (before + 1 >= (best[end] ?? Infinity)) continue;
      if (lexicon.forms.has(key.slice(start, end).join(' '))) {
        best[end] = before + 1;
        from[end] = start;
      }
    }
  }
  if (!Number.isFinite(best[n])) return undefined;
  const phrases: string[] = [];
  for (let end = n; end > 0; end = from[end] ?? 0) phrases.unshift(key.slice(from[end] ?? 0, end).join(' '));
  return phrases;
}

/**
 * One act from the phrases' categories, by what the open question makes of them. Navigation,
 * language and corrections outrank the rest; at a yes/no question or the summary, yes and no
 * outrank thanks and closings ("iya makasih" is yes); elsewhere a closing outranks thanks, and
 * thanks outrank a yes ("ok makasih" at the menu is thanks).
 */
function resolve(categories: readonly FormCategory[], religious: boolean, open: OpenQuestion): Act | undefined {
  const has = (c: FormCategory): boolean => categories.includes(c);
  const last = (pick: (c: FormCategory) => boolean): FormCategory | undefined => categories.filter(pick).at(-1);
  const decision = open.kind === 'yesNo' || open.kind === 'summary';

  const nav = last((c) => c.startsWith('nav:'));
  if (nav !== undefined) {
    const to = nav.slice(4) as NavigationTarget;
    // "lanjut" at the summary or a yes/no question is a go-ahead.
    if (to === 'next' && decision) return { kind: 'yes' };
    return { kind: 'navigation', to };
  }
  const lang = last((c) => c.startsWith('lang:'));
  if (lang !== undefined) return { kind: 'language', locale: lang === 'lang:en' ? 'en' : 'id' };

  if (has('wrong') || has('edit')) {
    // In the form, a bare "eh salah" / "ubah" takes the earlier answer back (asked again); at a
    // decision it is a no (the machine asks what to change). Elsewhere "salah" is a no and a bare
    // "ubah" means nothing by itself (the rest decides).
    if (open.kind === 'field' || open.kind === 'photo') return { kind: 'correction', field: previousField(open), value: null };
    if (decision || has('wrong')) return { kind: 'no' };
    return undefined;
  }

  const answer = last((c) => c === 'yes' || c === 'ack' || c === 'no' || c === 'done');
  if (decision && answer !== undefined) return answer === 'no' ? { kind: 'no' } : { kind: 'yes' };

  if (has('closing') || has('done')) return { kind: 'closing' };
  if (has('thanks')) {
    // "ga makasih" / "no thanks" outside a decision ends the conversation politely.
    return has('no') && open.kind === 'menu' ? { kind: 'closing' } : { kind: 'thanks' };
  }
  if (answer !== undefined) {
    if (open.kind === 'menu') {
      // After everything is done the menu is open: "oke sip", "siap" and "ga ada" end it.
      if (answer === 'ack' && categories.every((c) => c === 'ack' || c === 'greeting' || c === 'unusable')) return { kind: 'closing' };
      if (answer === 'no') return { kind: 'closing' };
    }
    return answer === 'no' ? { kind: 'no' } : { kind: 'yes' };
  }
  if (has('greeting')) return { kind: 'greeting', religious };
  return { kind: 'unusable' };
}

const FORM_ORDER: readonly FieldName[] = ['name', 'businessName', 'productType', 'city', 'province', 'phone', 'email'];

/**
 * The answer a bare "eh salah" takes back: the one before the open field (the open field itself
 * at the first question; the email, the last field, at the photo).
 */
export function previousField(open: OpenQuestion): FieldName {
  if (open.kind === 'field') {
    const i = FORM_ORDER.indexOf(open.field);
    return FORM_ORDER[Math.max(0, i - 1)] ?? open.field;
  }
  return 'email';
}
