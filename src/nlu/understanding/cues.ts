/**
 * Cue words that say what kind of thing a message can be at all: a question (a question mark,
 * a question word, a tag such as "… ga sih?"), a complaint about the bot, a Marketplace problem,
 * a closing, thanks, a greeting. The act classifier (classifier.ts) decides between the kinds; a
 * kind is only taken when its cue is present, so that a name or a product ("Warung Apa Kabar",
 * "Keripik Pedas Gila") is not read as a question or a complaint by a statistical accident.
 */
import type { Lexicon } from './lexicon.js';
import { plainWords } from './text.js';

export interface Cues {
  readonly question: boolean;
  readonly botComplaint: boolean;
  readonly problem: boolean;
  readonly closing: boolean;
  readonly thanks: boolean;
  readonly greeting: boolean;
}

/**
 * Cue phrases (word sequences) by their first word: a message is checked word by word against the
 * few phrases that start there, not every phrase against every position (a turn's cue search was
 * about 2% of its CPU scanning all of them).
 */
export type CueIndex = ReadonlyMap<string, ReadonlyArray<readonly string[]>>;

export interface CueWords {
  readonly questionWords: CueIndex;
  readonly tags: ReadonlyArray<readonly string[]>;
  readonly auxiliaries: ReadonlySet<string>;
  readonly botComplaint: CueIndex;
  readonly problem: CueIndex;
  readonly closing: CueIndex;
  readonly thanks: CueIndex;
  readonly greeting: CueIndex;
  readonly fillers: ReadonlySet<string>;
}

function cueIndex(sequences: ReadonlyArray<readonly string[]>): CueIndex {
  const index = new Map<string, Array<readonly string[]>>();
  for (const seq of sequences) {
    const first = seq[0] as string;
    index.set(first, [...(index.get(first) ?? []), seq]);
  }
  return index;
}

/** Whether one of the indexed phrases occurs in `words`. */
function occursIn(words: readonly string[], index: CueIndex): boolean {
  for (let i = 0; i < words.length; i++) {
    const starting = index.get(words[i] as string);
    if (starting?.some((seq) => i + seq.length <= words.length && seq.every((w, j) => words[i + j] === w))) return true;
  }
  return false;
}

export function cueWords(lexicon: Lexicon): CueWords {
  const f = lexicon.file;
  const sequences = (list: readonly string[]): string[][] => list.map((p) => plainWords(p)).filter((w) => w.length > 0);
  return {
    questionWords: cueIndex(sequences(f.questions.words)),
    tags: sequences(f.questions.tagNegations),
    auxiliaries: new Set(f.questions.auxiliaries.flatMap((w) => plainWords(w))),
    botComplaint: cueIndex(sequences(f.botComplaint.cues)),
    problem: cueIndex(sequences(f.problems.cues)),
    closing: cueIndex(sequences(f.closingCues)),
    thanks: cueIndex(sequences(f.thanksCues)),
    greeting: cueIndex(sequences(f.greetingCues)),
    fillers: new Set(f.addressWords),
  };
}

/**
 * The cues in a message: its plain words as typed and in canonical spelling (text.ts `words`,
 * `spelled`: "gk sih" and "tidak sih" alike).
 */
export function findCues(words: readonly string[], spelled: readonly string[], hasQuestionMark: boolean, cues: CueWords): Cues {
  // "masalahnya", "verifikasinya": a cue word with "-nya" is the cue word.
  const stems = words.map((w) => (w.length > 5 && w.endsWith('nya') ? w.slice(0, -3) : w));
  const has = (index: CueIndex): boolean => occursIn(words, index) || occursIn(stems, index) || occursIn(spelled, index);
  return {
    question: hasQuestionMark || has(cues.questionWords) || endsWithTag(words, cues) || endsWithTag(spelled, cues),
    botComplaint: has(cues.botComplaint),
    problem: has(cues.problem),
    closing: has(cues.closing),
    thanks: has(cues.thanks),
    greeting: has(cues.greeting),
  };
}

/**
 * "ini bayar ga sih", "datanya aman kan min", "bisa ga": a tag question at the end (address
 * words after it ignored), or an auxiliary followed by a negation ("perlu ga saya …").
 */
function endsWithTag(words: readonly string[], cues: CueWords): boolean {
  let end = words.length;
  while (end > 0 && cues.fillers.has(words[end - 1] as string)) end--;
  const core = words.slice(0, end);
  if (core.length < 2) return false;
  for (const tag of cues.tags) {
    if (tag.length < core.length && tag.every((w, i) => core[core.length - tag.length + i] === w)) {
      // "tidak" at the end of "saya tidak" is no tag: it must follow something it asks about.
      return true;
    }
  }
  for (let i = 0; i + 1 < core.length; i++) {
    if (cues.auxiliaries.has(core[i] as string) && cues.tags.some((t) => t.length === 1 && t[0] === core[i + 1])) return true;
  }
  return false;
}
