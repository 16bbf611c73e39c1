/**
 * Whole-message forms: a message that is, as a whole, one or a few short fixed phrases ("iya
 * bener", "ok kirim min", "makasih ya min 🙏", "fotonya nyusul ya", "udah itu aja makasih"),
 * read against the open question. A message with any word outside the phrases ("iya, emailnya
 * budi@x.com", "Toko Batal Jaya") is not a form: the later readers decide.
 */
import { FIELD_KEYS } from '../../../dialogs/fields/types.js';
import type { FormCategory, Lexicon } from './lexicon.js';
import type { Message } from './text.js';
import type { Act, FieldName, NavigationTarget, OpenQuestion } from '../../../dialogs/understanding.js';

/**
 * The act of a whole-message form, or undefined when the message is not one. Phrases are
 * matched on the form key, covering it with as few phrases as possible (longest phrases win:
 * "ga jadi" is `cancel`, not `no` + something).
 */
export function readForm(message: Message, open: OpenQuestion, lexicon: Lexicon): Act | undefined {
  if (!message.hasContent) return readEmoji(message, lexicon);
  const phrases = cover(message.key, lexicon);
  // "kok gak ngerti2 sih", "lho apa": the bot is not being understood, it is being complained about.
  const complains = message.words.some((w) => COMPLAINT_PARTICLES.has(w));
  if (phrases !== undefined) {
    const act = resolve(categoriesOf(phrases, lexicon), phrases.some((p) => lexicon.religious.has(p)), open);
    return complains && act?.kind === 'navigation' && act.to === 'repeat' ? undefined : act;
  }
  if (asksToRepeat(message.key, lexicon) && !complains) return { kind: 'navigation', to: 'repeat' };
  const taken = takesOffer(message.key, open, lexicon);
  if (taken !== undefined) return taken;
  // "besok aja fotonya", "ga ada foto nya kak": the photo named around a later, a no or a cancel.
  const withoutPhoto = message.key.filter((w) => !PHOTO_WORDS.has(w));
  if (withoutPhoto.length === message.key.length || withoutPhoto.length === 0) return undefined;
  const rest = cover(withoutPhoto, lexicon);
  if (rest === undefined) return undefined;
  const categories = categoriesOf(rest, lexicon);
  if (!categories.every((c) => PHOTO_AROUND.has(c))) return undefined;
  return resolve(categories, false, open);
}

/**
 * "can you reply in english", "pake bahasa indonesia dong": a language named with nothing but the
 * words of asking for it around it.
 */
export function readLanguageRequest(words: readonly string[], lexicon: Lexicon): Act | undefined {
  const { en, id, around } = lexicon.file.languageRequest;
  if (words.length === 0 || words.length > 8) return undefined;
  const named = words.filter((w) => en.includes(w) || id.includes(w));
  if (named.length === 0 || !words.every((w) => named.includes(w) || around.includes(w) || lexicon.fillers.has(w))) return undefined;
  return { kind: 'language', locale: en.includes(named.at(-1) as string) ? 'en' : 'id' };
}

/** "apa ya tadi pertanyaannya", "what was that question again": only words of asking what was asked, in any order. */
function asksToRepeat(key: readonly string[], lexicon: Lexicon): boolean {
  const { words, needs } = lexicon.file.repeatBag;
  return key.length <= 7 && key.some((w) => needs.includes(w)) && key.every((w) => words.includes(w));
}

const COMPLAINT_PARTICLES = new Set(['kok', 'ko', 'lho', 'loh', 'bot', 'botnya', 'robot']);

/**
 * At the name or phone question, where the bot offers the WhatsApp profile's name or number as a
 * one-tap answer: "iya itu nama sy", "pake nomor ini aja", "ya nomor wa ini" take it (a yes), they
 * are not a name or a number to store.
 */
function takesOffer(key: readonly string[], open: OpenQuestion, lexicon: Lexicon): Act | undefined {
  if (open.kind !== 'field' || (open.field !== 'name' && open.field !== 'phone')) return undefined;
  const reference = new Set(lexicon.file.offerReference);
  if (!key.some((w) => reference.has(w))) return undefined;
  const rest = key.filter((w) => !reference.has(w));
  const uses = key.includes('pake') || key.includes('pakai') || key.includes('use');
  if (rest.length === 0) return uses && key.some((w) => w === 'ini' || w === 'itu' || w === 'this') ? { kind: 'yes' } : undefined;
  const phrases = cover(rest, lexicon);
  return phrases !== undefined && categoriesOf(phrases, lexicon).every((c) => c === 'yes' || c === 'ack') ? { kind: 'yes' } : undefined;
}

/** Words for the photo, and what may be said around them and still be a whole-message form. */
const PHOTO_WORDS = new Set(['foto', 'photo', 'gambar', 'picture', 'image', 'pic', 'ss', 'screenshot', 'screenshotnya', 'ssnya', 'tangkapan', 'layar', 'bukti', 'buktinya', 'nya']);
const PHOTO_AROUND = new Set<FormCategory>(['nav:later', 'nav:next', 'nav:cancel', 'no', 'yes', 'ack', 'thanks']);

/**
 * At a yes/no question or the summary, a message that begins with a yes or a no ("iya betul itu
 * masalahnya", "blm min masih error", "bukan jawa timur"): that yes or no, or undefined.
 */
export function leadingDecision(
  message: Message,
  open: OpenQuestion,
  lexicon: Lexicon,
  /** Whether the message asks something (cues.ts): "iya tapi bayar ga?" is a question, not a yes. */
  asks: boolean,
): Act | undefined {
  if (open.kind !== 'yesNo' && open.kind !== 'summary') return undefined;
  // "ada biaya bulanan ga?", "bisa dibatalin nanti?": a question that happens to begin with a yes word.
  if (asks || WEAK_YES.has(message.key[0] ?? '')) return undefined;
  for (let end = Math.min(message.key.length - 1, lexicon.longestForm * 2); end >= 1; end--) {
    const phrases = cover(message.key.slice(0, end), lexicon);
    if (phrases === undefined) continue;
    const categories = categoriesOf(phrases, lexicon);
    if (!categories.every((c) => c === 'yes' || c === 'no' || c === 'ack' || c === 'done')) return undefined;
    return categories.includes('no') ? { kind: 'no' } : { kind: 'yes' };
  }
  return undefined;
}

/** Yes words that begin many other sentences ("ada …", "bisa …", "mau …"): a yes only as a whole message. */
const WEAK_YES = new Set(['ada', 'bisa', 'mau', 'boleh', 'pas', 'sesuai', 'tentu', 'pasti', 'kirim', 'send', 'sure', 'right', 'no', 'itu']);

function categoriesOf(phrases: readonly string[], lexicon: Lexicon): FormCategory[] {
  return phrases.map((p) => lexicon.forms.get(p) as FormCategory);
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

  // A no anywhere negates the rest ("bukan itu masalahnya", "iya, eh bukan").
  const answer = has('no') ? 'no' : last((c) => c === 'yes' || c === 'ack' || c === 'done');
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

/**
 * The answer a bare "eh salah" takes back: the one before the open field (the open field itself
 * at the first question; the email, the last field, at the photo).
 */
export function previousField(open: OpenQuestion): FieldName {
  if (open.kind === 'field') {
    const i = FIELD_KEYS.indexOf(open.field);
    return FIELD_KEYS[Math.max(0, i - 1)] ?? open.field;
  }
  return 'email';
}
