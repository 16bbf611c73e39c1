/**
 * Corrections of an earlier answer: "eh salah, emailnya budi.s@yahoo.com", "ganti kota jadi
 * Batu", "no hp nya salah, yg bener 0812…", "ubah foto", "change my email to …". A correction
 * needs a cue (nlu/acts.id.json `correction.cues`: "salah", "harusnya", "ralat", "actually", …, or
 * an edit verb at the start of the message: "ganti", "ubah", "change", …) and says which field by a
 * field word, by the value's shape (an address, a number, a province) or, at a form question with
 * neither, the answer before the open one.
 */
import type { Entity } from './entities.js';
import { cleanValue, type FieldWords } from './fields.js';
import { previousField } from './forms.js';
import type { Lexicon } from './lexicon.js';
import { matchProvince } from '../../../dialogs/fields/province.js';
import { findSequence, plainWords, wordSpans, type WordSpan } from './text.js';
import type { Act, FieldName, OpenQuestion } from '../../../dialogs/understanding.js';

export interface CorrectionWords {
  readonly cues: ReadonlyArray<readonly string[]>;
  readonly notCues: ReadonlyArray<readonly string[]>;
  readonly strongCues: ReadonlyArray<readonly string[]>;
  readonly verbs: ReadonlySet<string>;
  readonly verbLead: ReadonlySet<string>;
}

export function correctionWords(lexicon: Lexicon): CorrectionWords {
  const c = lexicon.file.correction;
  const sequences = (list: readonly string[]): string[][] =>
    list.map((p) => plainWords(p)).filter((w) => w.length > 0).sort((a, b) => b.length - a.length);
  return {
    cues: sequences(c.cues),
    notCues: sequences(c.notCues),
    strongCues: sequences(c.strongCues),
    verbs: new Set(c.verbs),
    verbLead: new Set(c.verbLead),
  };
}

/** Where corrections are read: in the form, at its summary, at a yes/no question, and (strong cues only) in free text. */
const READ_AT = new Set<OpenQuestion['kind']>(['field', 'photo', 'summary', 'yesNo', 'freeText']);

/** The correction a message makes, or undefined. */
export function readCorrection(
  text: string,
  entities: readonly Entity[],
  open: OpenQuestion,
  words: CorrectionWords,
  fieldWords: FieldWords,
): Act | undefined {
  if (!READ_AT.has(open.kind)) return undefined;
  const spans = wordSpans(text);
  const plain = spans.map((s) => s.word);
  const labels = entities.filter(
    (e): e is Extract<Entity, { kind: 'label' }> => e.kind === 'label' && !fieldWords.weakLabel.has(plainWords(e.text).join(' ')),
  );
  const shapes = entities.filter((e) => e.kind === 'email' || e.kind === 'phone');
  const signal =
    open.kind === 'freeText'
      ? findCue(plain, words.strongCues, words.notCues)
      : (findSignal(plain, words) ?? verbAfterLabel(spans, labels, shapes, words) ?? contrastAfterLabel(spans, labels));
  if (signal === undefined) return undefined;
  const signalStart = (spans[signal.start] as WordSpan).start;
  const signalEnd = (spans[signal.end - 1] as WordSpan).end;

  // The field word: the first after the cue ("ganti kota …"), else the last before it ("kotanya salah …").
  const label = labels.find((l) => l.start >= signalStart) ?? labels.filter((l) => l.end <= signalStart).at(-1);
  if (open.kind === 'freeText' && label === undefined) return undefined;

  if (label !== undefined) {
    if (label.target === 'photo') return { kind: 'correction', field: 'photo', value: null };
    const field = label.target;
    // After "provinsinya jawa tengah, bukan jawa timur" the value is before the "bukan".
    const from = signal.contrast === true ? label.end : Math.max(label.end, label.start >= signalStart ? label.end : signalEnd);
    // The value runs to the next word naming another field ("… jadi Kota Blitar" keeps its "Kota").
    const nextLabel = entities.find((e) => e.kind === 'label' && e.start >= from && e.target !== field);
    const after = text.slice(from, nextLabel?.start ?? text.length);
    const value = valueFor(field, after, shapes, fieldWords);
    // "ralat: kab malang bukan kota malang": a "kab" / "kota" right before the value is part of it.
    const key = plainWords(label.text).join(' ');
    const kept = value !== null && from === label.end && fieldWords.keepLabel.has(key) && after.trimStart().startsWith(value);
    return { kind: 'correction', field, value: kept ? `${label.text} ${value}` : value };
  }

  const shape = shapes[0];
  if (shape !== undefined) return { kind: 'correction', field: shape.kind === 'email' ? 'email' : 'phone', value: shape.text };
  const after = cleanValue(pickAlternative(cleanValue(text.slice(signalEnd), fieldWords)), fieldWords);
  if (after !== '' && matchProvince(after).kind === 'exact') return { kind: 'correction', field: 'province', value: after };
  if (open.kind === 'field' && signal.cue) {
    const field = previousField(open);
    return { kind: 'correction', field, value: after === '' || !plausibleValue(after, fieldWords) ? null : after };
  }
  return undefined;
}

/** The value for `field`: its address or number when the message has one, else the words after the field word. */
function valueFor(field: FieldName, after: string, shapes: readonly Entity[], fieldWords: FieldWords): string | null {
  if (field === 'email' || field === 'phone') {
    const shape = shapes.find((s) => s.kind === field);
    if (shape !== undefined) return shape.text;
    if (field === 'phone') {
      const digits = cleanValue(after, fieldWords);
      return /^\+?[\d\s().-]{7,}$/.test(digits) ? digits : null;
    }
    return null;
  }
  const value = cleanValue(pickAlternative(after.trim()), fieldWords);
  return value === '' || !plausibleValue(value, fieldWords) ? null : value;
}

/** "Batu bukan Malang" -> "Batu"; "bukan Malang tapi Batu" -> "Batu". */
function pickAlternative(value: string): string {
  const but = /\b(?:tapi|tp|but)\b\s*(.+)$/i.exec(value);
  if (but && /\bbukan\b|\bnot\b/i.test(value.slice(0, but.index))) return (but[1] as string).trim();
  const not = /\s+(?:bukan|not)\b.*$/i.exec(value);
  return not ? value.slice(0, not.index).trim() : value;
}

function plausibleValue(value: string, fieldWords: FieldWords): boolean {
  const plain = plainWords(value);
  return plain.length > 0 && plain.length <= 8 && !/[?]/.test(value) && !plain.some((w) => fieldWords.notValues.has(w));
}

interface Signal {
  /** Word indexes [start, end) of the cue or verb. */
  readonly start: number;
  readonly end: number;
  /** A cue ("salah", "harusnya") rather than an edit verb ("ganti"). */
  readonly cue: boolean;
  /** "X, bukan Y": the value is before the signal. */
  readonly contrast?: boolean;
}

/** "fotonya mau diganti", "no hp nya saya ubah": an edit verb shortly after a field word, in a short message. */
function verbAfterLabel(
  spans: readonly WordSpan[],
  labels: readonly Entity[],
  shapes: readonly Entity[],
  words: CorrectionWords,
): Signal | undefined {
  // An address or a number counts as one word ("email saya ganti jadi ani.batik2@gmail.com").
  const counted = spans.filter((s) => !shapes.some((e) => e.start <= s.start && s.end <= e.end)).length + shapes.length;
  if (counted > 8 || labels.length === 0) return undefined;
  const first = labels[0] as Entity;
  const i = spans.findIndex((s) => s.start >= first.end && words.verbs.has(s.word));
  if (i < 0) return undefined;
  const between = spans.filter((s) => s.start >= first.end && s.end <= (spans[i] as WordSpan).start).length;
  return between <= 3 ? { start: i, end: i + 1, cue: false } : undefined;
}

/** "provinsinya jawa tengah, bukan jawa timur": a field word, its value, then "bukan" / "not" and the wrong one. */
function contrastAfterLabel(spans: readonly WordSpan[], labels: readonly Entity[]): Signal | undefined {
  const first = labels[0];
  if (first === undefined) return undefined;
  const i = spans.findIndex((s, k) => k > 0 && s.start > first.end && (s.word === 'bukan' || s.word === 'not'));
  if (i < 0) return undefined;
  // "kotanya bukan Medan tapi Binjai": the value follows the "tapi".
  if (spans.some((s, k) => k > i + 1 && (s.word === 'tapi' || s.word === 'tp' || s.word === 'but'))) return { start: i, end: i + 1, cue: false, contrast: true };
  // Else something must stand between the field word and the "bukan" ("kotanya Batu, bukan Malang").
  if (!spans.some((s) => s.start >= first.end && s.end <= (spans[i] as WordSpan).start)) return undefined;
  return { start: i, end: i + 1, cue: false, contrast: true };
}

/** A cue anywhere, or an edit verb at the start (after "eh", "mau", "tolong", …). */
function findSignal(plain: readonly string[], words: CorrectionWords): Signal | undefined {
  const cue = findCue(plain, words.cues, words.notCues);
  if (cue !== undefined) return cue;
  for (let i = 0; i < plain.length; i++) {
    const w = plain[i] as string;
    if (words.verbs.has(w)) return { start: i, end: i + 1, cue: false };
    if (!words.verbLead.has(w)) return undefined;
  }
  return undefined;
}

function findCue(
  plain: readonly string[],
  cues: ReadonlyArray<readonly string[]>,
  notCues: ReadonlyArray<readonly string[]>,
): Signal | undefined {
  const blocked = new Set<number>();
  for (const seq of notCues) {
    for (let at = findSequence(plain, seq); at >= 0; at = findSequence(plain, seq, at + 1)) {
      for (let k = 0; k < seq.length; k++) blocked.add(at + k);
    }
  }
  let best: Signal | undefined;
  for (const seq of cues) {
    for (let at = findSequence(plain, seq); at >= 0; at = findSequence(plain, seq, at + 1)) {
      if (seq.some((_, k) => blocked.has(at + k))) continue;
      if (best === undefined || at < best.start) best = { start: at, end: at + seq.length, cue: true };
      break;
    }
  }
  return best;
}
