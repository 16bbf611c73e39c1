/**
 * Entity recognition for field values with nlp.js NER (`@nlpjs/ner`, CommonJS, typed here):
 * - enum entities, matched exactly on whole words: the field labels of nlu/acts.id.json
 *   (`label`, option = the field) and the 38 provinces with their aliases
 *   (dialogs/fields/province.ts: `province`, option = the stored name);
 * - regex entities on the text as typed: e-mail addresses and Indonesian mobile numbers.
 *
 * The enum rules run on the message's words joined by single spaces ("No. HP:" -> "no hp"), so a
 * label is listed once whatever the punctuation around it; positions are mapped back to the text
 * as typed, where values are cut (fields.ts).
 */
import { createRequire } from 'node:module';
import { provinceEntries } from '../../../dialogs/fields/province.js';
import type { LabelTarget, Lexicon } from './lexicon.js';

/** A recognised span of the text as typed: [start, end). */
export type Entity =
  | { readonly kind: 'label'; readonly target: LabelTarget; readonly start: number; readonly end: number; readonly text: string }
  | { readonly kind: 'province'; readonly name: string; readonly start: number; readonly end: number; readonly text: string }
  | { readonly kind: 'email' | 'phone'; readonly start: number; readonly end: number; readonly text: string };

interface NerEdge {
  entity: string;
  option?: string;
  start: number;
  end: number;
  utteranceText: string;
}

interface NerInstance {
  addRuleOptionTexts(locale: string, name: string, option: string, texts: string[]): void;
  addRegexRule(locale: string, name: string, regex: RegExp): void;
  process(input: { locale: string; text: string; threshold: number }): Promise<{ entities: NerEdge[] }>;
}

const require = createRequire(import.meta.url);
const core = require('@nlpjs/core') as { containerBootstrap: () => unknown };
const { Ner } = require('@nlpjs/ner') as { Ner: new (settings: { container: unknown; threshold: number }) => NerInstance };

const LOCALE = 'id';
/** Longest clause (in words) searched for labels and provinces. */
const MAX_CLAUSE_WORDS = 40;

/**
 * E-mail as typed, also with a missing or misspelt top-level domain ("budi@gmail", "budi@gmial.com"):
 * the field's validation suggests the fix.
 */
const EMAIL = /[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*/gi;
/** An Indonesian mobile number in the usual notations: 0812…, 62812…, +62 812-…, 0812 3456 7890. */
const MOBILE = /(?<![\d+])(?:\+62|62|0)[\s.-]?8(?:[\s.-]?\d){7,12}(?![\d])/g;

/** Province aliases that begin with "di " ("di jogja") would swallow the place word "di": left out. */
const PLACE_WORD_ALIAS = /^di /;

/** nlp.js NER over a message: field labels, provinces, e-mail addresses and mobile numbers. */
export class EntityRecogniser {
  private constructor(
    private readonly words: NerInstance,
    private readonly shapes: NerInstance,
  ) {}

  static async create(lexicon: Lexicon): Promise<EntityRecogniser> {
    const container = await Promise.resolve(core.containerBootstrap());
    const words = new Ner({ container, threshold: 1 });
    for (const [target, labels] of Object.entries(lexicon.file.fields.labels)) {
      words.addRuleOptionTexts(LOCALE, 'label', target, withNya(labels));
    }
    for (const p of provinceEntries()) {
      const names = [p.name, ...p.aliases].map((n) => n.toLowerCase()).filter((n) => !PLACE_WORD_ALIAS.test(n));
      words.addRuleOptionTexts(LOCALE, 'province', p.name, names);
    }
    const shapes = new Ner({ container, threshold: 1 });
    shapes.addRegexRule(LOCALE, 'email', EMAIL);
    shapes.addRegexRule(LOCALE, 'phone', MOBILE);
    return new EntityRecogniser(words, shapes);
  }

  /** Labels, provinces, e-mail addresses and mobile numbers in `text`, by position; overlaps resolved. */
  async recognise(text: string): Promise<Entity[]> {
    const shapes: Entity[] = [];
    for (const e of (await this.shapes.process({ locale: LOCALE, text, threshold: 1 })).entities) {
      const raw = text.slice(e.start, e.end + 1).replace(/[.\-\s]+$/, '');
      if (e.entity === 'email' || e.entity === 'phone') shapes.push({ kind: e.entity, start: e.start, end: e.start + raw.length, text: raw });
    }
    const found: Entity[] = [];
    // Clause by clause: nlp.js compares every span of words with the lists (quadratic in the
    // words), labels never run across a comma or a line, and a clause of prose is no field data.
    for (const clause of text.matchAll(/[^,;|\n]+/g)) {
      const { joined, starts, ends } = joinWords(clause[0]);
      if (joined === '' || starts.size > MAX_CLAUSE_WORDS) continue;
      for (const e of (await this.words.process({ locale: LOCALE, text: joined, threshold: 1 })).entities) {
        const start = starts.get(e.start);
        const end = ends.get(e.end);
        if (start === undefined || end === undefined || e.option === undefined) continue;
        const at = { start: clause.index + start, end: clause.index + end };
        const span = text.slice(at.start, at.end);
        if (e.entity === 'label') found.push({ kind: 'label', target: e.option as LabelTarget, ...at, text: span });
        else if (e.entity === 'province') found.push({ kind: 'province', name: e.option, ...at, text: span });
      }
    }
    // Words inside an e-mail address or a number are not labels ("gmail" in budi@gmail.com).
    const outside = found.filter((w) => !shapes.some((s) => overlaps(s, w)));
    return [...shapes, ...longestOnly(outside)].sort((a, b) => a.start - b.start || b.end - a.end);
  }
}

/** "email" -> also "emailnya", "email nya" (how people point at their own field). */
function withNya(labels: readonly string[]): string[] {
  return labels.flatMap((l) => [l, `${l}nya`, `${l} nya`]);
}

/** The text's words, lower case and joined by single spaces, with each word's start and end in the text. */
function joinWords(text: string): { joined: string; starts: Map<number, number>; ends: Map<number, number> } {
  const starts = new Map<number, number>();
  const ends = new Map<number, number>();
  const parts: string[] = [];
  let at = 0;
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = m[0].normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    if (parts.length > 0) at += 1;
    starts.set(at, m.index);
    ends.set(at + word.length - 1, m.index + m[0].length);
    parts.push(word);
    at += word.length;
  }
  return { joined: parts.join(' '), starts, ends };
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Of overlapping words, the longest ("nama usaha" over "nama" and "usaha"); ties: the first. */
function longestOnly(entities: readonly Entity[]): Entity[] {
  const byLength = [...entities].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Entity[] = [];
  for (const e of byLength) {
    // A province inside a label is not a province ("kota" never is); a label inside a province
    // name is not a label ("di" in "DI Yogyakarta" is handled by leaving those aliases out).
    if (!kept.some((k) => overlaps(k, e))) kept.push(e);
  }
  return kept;
}
