/**
 * The lexicons of the understanding step, read once from `nlu/acts.id.json` (data, not code: the
 * whole-message forms, correction cues, field labels, question words, …) and turned into the
 * lookup structures the small readers use. Phrases are normalised exactly like messages
 * (text.ts), so the file lists each phrase once, in any of its spellings.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { nluDataDir } from '../corpus.js';
import type { FieldName, NavigationTarget } from '../../../dialogs/understanding.js';

/** What a whole-message phrase is. */
export type FormCategory =
  | 'yes'
  | 'ack'
  | 'no'
  | 'done'
  | 'wrong'
  | 'edit'
  | 'thanks'
  | 'closing'
  | 'greeting'
  | 'unusable'
  | `nav:${NavigationTarget}`
  | 'lang:id'
  | 'lang:en';

const words = z.array(z.string().min(1));

const lexiconFileSchema = z.object({
  description: z.string(),
  spellings: z.record(z.string(), z.string()),
  addressWords: words,
  particles: words,
  forms: z.object({
    yes: words,
    ack: words,
    no: words,
    done: words,
    wrong: words,
    edit: words,
    thanks: words,
    closing: words,
    greeting: words,
    greetingReligious: words,
    navigation: z.object({
      back: words,
      restart: words,
      next: words,
      menu: words,
      cancel: words,
      later: words,
      repeat: words,
    }),
    language: z.object({ en: words, id: words }),
    unusable: words,
  }),
  officer: z.object({ person: words, request: words, phrases: z.array(z.tuple([z.string(), z.string()])) }),
  correction: z.object({ cues: words, notCues: words, verbs: words, verbLead: words, strongCues: words, connectors: words }),
  fields: z.object({
    labels: z.object({
      name: words,
      businessName: words,
      productType: words,
      city: words,
      province: words,
      phone: words,
      email: words,
      photo: words,
    }),
    keepLabelInValue: words,
    weakLabels: words,
    connectors: words,
    trailing: words,
    notValues: words,
    placeStop: words,
    placeLabelsInContext: words,
    cityLikeProvinces: words,
  }),
  questions: z.object({ words, tagNegations: words, auxiliaries: words }),
  /** `directCues`: words aimed at the bot itself, which alone make a complaint about it while a problem is being described. */
  botComplaint: z.object({ cues: words, directCues: words }),
  problems: z.object({ cues: words }),
  closingCues: words,
  thanksCues: words,
  greetingCues: words,
  emoji: z.record(z.string(), z.enum(['yes', 'no', 'thanks', 'greeting'])),
  english: z.object({ hints: words }),
  languageRequest: z.object({ en: words, id: words, around: words }),
  requestWords: words,
  repeatBag: z.object({ words, needs: words }),
  /** Words that point at the name or number the bot offered ("iya itu nama sy", "pake nomor ini aja"). */
  offerReference: words,
  /** At the photo step, a time to come ("can I send the photo tomorrow?", "besok ya fotonya"): the photo later. */
  photoLaterWords: words,
});

export type LexiconFile = z.infer<typeof lexiconFileSchema>;

/** A field a label names, or the product photo (corrections only). */
export type LabelTarget = FieldName | 'photo';

/** The lookup structures built from the file. */
export interface Lexicon {
  readonly file: LexiconFile;
  /** One word -> its canonical spelling (one or more words). */
  readonly spellings: ReadonlyMap<string, readonly string[]>;
  /** Address words and particles: dropped around whole-message forms ("iya min", "ok deh"). */
  readonly fillers: ReadonlySet<string>;
  /** Normalised phrase (words joined by a space) -> what it is. */
  readonly forms: ReadonlyMap<string, FormCategory>;
  /** Phrases that are a religious greeting ("assalamualaikum"). */
  readonly religious: ReadonlySet<string>;
  readonly longestForm: number;
}

/** Reads and validates `nlu/acts.id.json` (or `file`). */
export function loadLexiconFile(file: string = path.join(nluDataDir(), 'acts.id.json')): LexiconFile {
  return lexiconFileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/**
 * Builds the lookup structures. `normalisePhrase` is text.ts's key normalisation (passed in so
 * the two files do not import each other in a cycle).
 */
export function buildLexicon(file: LexiconFile, normalisePhrase: (phrase: string, lexicon: Lexicon) => string[]): Lexicon {
  const spellings = new Map<string, readonly string[]>();
  for (const [from, to] of Object.entries(file.spellings)) spellings.set(from, to.split(' ').filter(Boolean));
  const forms = new Map<string, FormCategory>();
  const religious = new Set<string>();
  const lexicon: Lexicon = {
    file,
    spellings,
    fillers: new Set([...file.addressWords, ...file.particles]),
    forms,
    religious,
    longestForm: 1,
  };
  let longest = 1;
  const add = (category: FormCategory, phrases: readonly string[]): void => {
    for (const phrase of phrases) {
      const key = normalisePhrase(phrase, lexicon).join(' ');
      if (key === '') continue;
      // The first list a phrase appears in wins (the file is ordered so that it never matters).
      if (!forms.has(key)) forms.set(key, category);
      longest = Math.max(longest, key.split(' ').length);
    }
  };
  const f = file.forms;
  add('unusable', f.unusable);
  add('wrong', f.wrong);
  add('edit', f.edit);
  for (const [target, phrases] of Object.entries(f.navigation)) add(`nav:${target as NavigationTarget}`, phrases);
  add('lang:en', f.language.en);
  add('lang:id', f.language.id);
  add('done', f.done);
  add('closing', f.closing);
  add('thanks', f.thanks);
  add('no', f.no);
  add('yes', f.yes);
  add('ack', f.ack);
  add('greeting', f.greeting);
  for (const phrase of f.greetingReligious) religious.add(normalisePhrase(phrase, lexicon).join(' '));
  return { ...lexicon, longestForm: longest };
}
