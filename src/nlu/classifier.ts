/**
 * Classifies a customer's message to PLN 123 about the PLN Mobile Marketplace into one of the 40
 * catalogue service types (`type:01` … `type:40`, dialogs/catalog.ts) or a conversational
 * intent (`intent:register_seller`, `intent:status_inquiry`, `intent:ask_human`,
 * `intent:promo_info`, `intent:greeting`, `intent:out_of_scope`).
 *
 * Two models trained at start-up on the same normalised corpus (`nlu/corpus.id.json`), averaged:
 * nlp.js's neural classifier for Indonesian (word stems) and a TF-IDF nearest-neighbour /
 * centroid model with character n-grams (src/nlu/tfidf.ts), which copes better with typos and
 * rare words. Training takes well under a second.
 *
 * One rule on top (`keywordOnlyIntent`): an intent does not win on a single keyword inside a
 * message that otherwise describes a catalogued problem ("mau komplain, iconcash ga bisa buat
 * bayar", "muncul tulisan hubungi CS pas login"): the service type the rest of the message scores
 * wins, and the intent comes second. "mau bicara dengan petugas" or "cek status laporan saya",
 * where the intent's words are most of the message, keep the intent.
 *
 * @example
 * const classifier = await MarketplaceClassifier.train();
 * await classifier.classify('min gak bisa bayar pake iconcash');
 * // { label: 'type:24', confidence: 0.8, alternatives: [{ label: 'type:30', confidence: 0.06 }, …] }
 */
import { performance } from 'node:perf_hooks';
import { corpusExamples, loadCorpus, type Corpus } from './corpus.js';
import { TICKET_TOKEN, normalizeText } from './normalize.js';
import type { ModelCache } from './modelCache.js';
import { NlpjsModel } from './nlpjs.js';
import { DEFAULT_TFIDF_OPTIONS, TfidfModel, type TfidfOptions } from './tfidf.js';

export { extractTicketNumbers } from '../core/ticketNumbers.js';
export type { Corpus } from './corpus.js';

/** A label with its confidence, 0..1. */
export interface LabelScore {
  label: string;
  confidence: number;
}

/** The best label, its confidence (0..1) and up to four runners-up, best first. */
export interface Classification {
  label: string;
  confidence: number;
  alternatives: LabelScore[];
}

/** How the two models are combined. */
export interface ClassifierOptions {
  /** Weight of nlp.js in the average (the TF-IDF model gets the rest). */
  readonly nlpjsWeight: number;
  readonly tfidf: TfidfOptions;
  /** Whether an intent's single keyword inside a problem told gives way to a service type (`keywordOnlyIntent`). */
  readonly keywordRule: boolean;
  /** Whether a long message is read clause by clause too (`rankWithClauses`). */
  readonly clauses: boolean;
}

export const DEFAULT_CLASSIFIER_OPTIONS: ClassifierOptions = {
  nlpjsWeight: 0.5,
  tfidf: DEFAULT_TFIDF_OPTIONS,
  keywordRule: true,
  clauses: true,
};

/**
 * The intents a keyword-only win is checked for: those that take the customer out of the menu on
 * a word that often comes inside a problem told ("komplain", "hubungi cs", "petugas", a greeting).
 * Not `out_of_scope` ("listrik" or "token" is what makes a message out of scope, however long the
 * rest), nor the seller application or promotions, whose words ("daftar", "diskon", "voucher")
 * also name what the problem is about.
 */
const KEYWORD_RULE_INTENTS: ReadonlySet<string> = new Set([
  'intent:status_inquiry',
  'intent:ask_human',
  'intent:greeting',
]);
/** A word is an intent's keyword when at least this share of the corpus utterances with it have that intent … */
const KEYWORD_SHARE = 0.5;
/** … and at least this many. */
const KEYWORD_MIN_COUNT = 2;
/** Fewest words left besides the keyword for the rest of the message to be read on its own. */
const REST_MIN_WORDS = 4;
/** How sure the classifier must be of a service type on the rest of the message for it to win. */
const REST_TYPE_CONFIDENCE = 0.6;
/** Possessive endings dropped before a word is looked up among the keywords ("laporannya" is "laporan"). */
const POSSESSIVE = /(?:nya|ku|mu)$/;

/** Fewest normalised words for a message to be read clause by clause too (`rankWithClauses`). */
const LONG_MIN_WORDS = 14;
/** Fewest normalised words for a sentence or a tail to count as a clause. */
const CLAUSE_MIN_WORDS = 3;
/** Share of the most telling clause in a long message's ranking (the whole message gets the rest). */
const CLAUSE_WEIGHT = 0.5;
/** How sure of a service type the most telling clause must be to count. */
const CLAUSE_MIN_CONFIDENCE = 0.4;
/** Words after which the problem of a story is usually told (normalised forms). */
const CONTRAST: ReadonlySet<string> = new Set(['tapi', 'tetapi', 'namun', 'padahal', 'sayangnya', 'ternyata']);

/**
 * Other online shops and ride-hailing apps (normalised forms: "shopee" is "shope"). A message that
 * names one and none of ANCHOR_WORDS is about that platform, not the PLN Mobile Marketplace
 * ("barang dari shopee salah kirim"), however much it reads like a catalogued problem.
 * E-wallets and telcos are not here: their bills and top-ups are Marketplace products (type:37).
 */
const OTHER_PLATFORMS: ReadonlySet<string> = new Set([
  'tokopedia', 'tokped', 'shope', 'lazada', 'bukalapak', 'blibli', 'tiktok', 'gojek', 'grab', 'zalora', 'jdid',
]);
/** Words that tie a message to the PLN Mobile Marketplace despite another platform's name. */
const ANCHOR_WORDS: ReadonlySet<string> = new Set(['pln', 'plnmobile', 'marketplace', 'iconcash']);
const OUT_OF_SCOPE_LABEL = 'intent:out_of_scope';

/** Label returned for a message with no words left after normalisation (emoji only, digits only). */
const EMPTY_MESSAGE_LABEL = 'intent:out_of_scope';
const MAX_ALTERNATIVES = 4;

export class MarketplaceClassifier {
  private constructor(
    private readonly nlpjs: NlpjsModel,
    private readonly tfidf: TfidfModel,
    private readonly options: ClassifierOptions,
    /** Intent label -> the words that point to it (see KEYWORD_SHARE). */
    private readonly intentKeywords: ReadonlyMap<string, ReadonlySet<string>>,
    /** Wall-clock training time in milliseconds (both models, normalisation included). */
    readonly trainingMs: number,
  ) {}

  /**
   * Trains both models on `corpus` (default: `nlu/corpus.id.json`). With a `cache`, the nlp.js
   * network trained before on the same examples is read from it (see ModelCache).
   */
  static async train(
    corpus: Corpus = loadCorpus(),
    options: ClassifierOptions = DEFAULT_CLASSIFIER_OPTIONS,
    cache?: ModelCache,
  ): Promise<MarketplaceClassifier> {
    const started = performance.now();
    const examples = corpusExamples(corpus).map(({ text, label }) => ({ text: normalizeText(text), label }));
    const usable = examples.filter((e) => e.text !== '');
    const nlpjs = await NlpjsModel.train(usable, cache);
    const tfidf = TfidfModel.train(
      usable.map((e) => ({ words: e.text.split(' '), label: e.label })),
      options.tfidf,
    );
    return new MarketplaceClassifier(nlpjs, tfidf, options, intentKeywords(usable), performance.now() - started);
  }

  /** The most likely label for a message, with the runners-up. */
  async classify(text: string): Promise<Classification> {
    const normalized = normalizeText(text);
    if (normalized === '') return { label: EMPTY_MESSAGE_LABEL, confidence: 0, alternatives: [] };
    const ranked = otherPlatform(
      normalized,
      await this.keywordOnlyIntent(normalized, await this.rankWithClauses(text, normalized)),
    );
    const [best, ...rest] = ranked;
    if (!best) return { label: EMPTY_MESSAGE_LABEL, confidence: 0, alternatives: [] };
    return { ...best, alternatives: rest.slice(0, MAX_ALTERNATIVES) };
  }

  /**
   * When the best label is an intent whose only evidence is one keyword (one run of adjacent
   * keywords, such as "hubungi cs"), and the rest of the message on its own is a service type
   * with REST_TYPE_CONFIDENCE, that type comes first and the intent second; otherwise `ranked`
   * unchanged. A ticket number always counts as a status question's evidence.
   */
  private async keywordOnlyIntent(normalized: string, ranked: LabelScore[]): Promise<LabelScore[]> {
    const best = ranked[0];
    if (!this.options.keywordRule || best === undefined || !KEYWORD_RULE_INTENTS.has(best.label)) return ranked;
    const keywords = this.intentKeywords.get(best.label);
    const words = normalized.split(' ');
    if (keywords === undefined || words.includes(TICKET_TOKEN)) return ranked;
    const isKeyword = words.map((w) => keywords.has(w) || (w.length > 5 && keywords.has(w.replace(POSSESSIVE, ''))));
    let runs = 0;
    isKeyword.forEach((k, i) => {
      // One word between two keywords ("bicara dengan petugas") keeps them one run.
      if (k && !isKeyword[i - 1] && !(i >= 2 && isKeyword[i - 2])) runs++;
    });
    const rest = words.filter((_, i) => !isKeyword[i]);
    if (runs !== 1 || rest.length < REST_MIN_WORDS) return ranked;
    const restRanked = await this.rank(rest.join(' '));
    const type = restRanked[0];
    if (type === undefined || !type.label.startsWith('type:') || type.confidence < REST_TYPE_CONFIDENCE) return ranked;
    const others = restRanked.filter((r) => r.label !== type.label && r.label !== best.label);
    const intentConfidence = Math.max(Math.min(best.confidence, type.confidence), others[0]?.confidence ?? 0);
    return [type, { label: best.label, confidence: intentConfidence }, ...others];
  }

  /**
   * A long message (LONG_MIN_WORDS or more) is often a story whose problem is told in one
   * sentence, after a greeting, an introduction or a preamble ("Dengan hormat, …", "jadi gini
   * ceritanya …"), or after the last "tapi": the whole message and its most telling part (the
   * clause, see `clauses`, whose best service type is the surest) are averaged, CLAUSE_WEIGHT for
   * the clause. Shorter messages, and those with no such part, are ranked whole.
   */
  private async rankWithClauses(text: string, normalized: string): Promise<LabelScore[]> {
    const whole = await this.rank(normalized);
    if (!this.options.clauses || normalized.split(' ').length < LONG_MIN_WORDS) return whole;
    let best: LabelScore[] | undefined;
    let bestConfidence = 0;
    for (const clause of clauses(text)) {
      if (clause === normalized) continue;
      const ranked = await this.rank(clause);
      const top = ranked[0];
      if (top === undefined || !top.label.startsWith('type:') || top.confidence <= bestConfidence) continue;
      best = ranked;
      bestConfidence = top.confidence;
    }
    if (best === undefined || bestConfidence < CLAUSE_MIN_CONFIDENCE) return whole;
    const combined = new Map<string, number>();
    for (const r of whole) combined.set(r.label, (1 - CLAUSE_WEIGHT) * r.confidence);
    for (const r of best) combined.set(r.label, (combined.get(r.label) ?? 0) + CLAUSE_WEIGHT * r.confidence);
    return [...combined]
      .map(([label, p]) => ({ label, confidence: clamp01(p) }))
      .sort((a, b) => b.confidence - a.confidence || a.label.localeCompare(b.label));
  }

  /** Every label with its ensemble probability, best first (ties broken by label). */
  private async rank(normalized: string): Promise<LabelScore[]> {
    const combined = new Map<string, number>();
    const tfidfScores = this.tfidf.scores(normalized.split(' '));
    const nlpScores = await this.nlpjs.scores(normalized);
    const nlpTotal = nlpScores.reduce((acc, s) => acc + s.score, 0);
    // nlp.js answers only 'None' when no word of the message was seen in training: TF-IDF alone.
    const w = nlpTotal > 0 ? this.options.nlpjsWeight : 0;
    for (const s of tfidfScores) combined.set(s.label, (1 - w) * s.score);
    if (w > 0) {
      for (const s of nlpScores) combined.set(s.intent, (combined.get(s.intent) ?? 0) + (w * s.score) / nlpTotal);
    }
    return [...combined]
      .map(([label, p]) => ({ label, confidence: clamp01(p) }))
      .sort((a, b) => b.confidence - a.confidence || a.label.localeCompare(b.label));
  }
}

/**
 * A message that names another platform (OTHER_PLATFORMS) and nothing of the Marketplace
 * (ANCHOR_WORDS) is out of scope: `intent:out_of_scope` comes first, with the best confidence,
 * and the rest keep their order. Otherwise `ranked` unchanged.
 */
export function otherPlatform(normalized: string, ranked: LabelScore[]): LabelScore[] {
  const words = normalized.split(' ');
  if (!words.some((w) => OTHER_PLATFORMS.has(w)) || words.some((w) => ANCHOR_WORDS.has(w))) return ranked;
  const best = ranked[0];
  if (best === undefined || best.label === OUT_OF_SCOPE_LABEL) return ranked;
  return [{ label: OUT_OF_SCOPE_LABEL, confidence: best.confidence }, ...ranked.filter((r) => r.label !== OUT_OF_SCOPE_LABEL)];
}

/**
 * For each intent, the words that point to it: at least KEYWORD_MIN_COUNT of the corpus
 * utterances with the word have the intent, and they are at least KEYWORD_SHARE of all the
 * utterances with it.
 */
function intentKeywords(examples: ReadonlyArray<{ text: string; label: string }>): Map<string, Set<string>> {
  const byWord = new Map<string, Map<string, number>>();
  for (const { text, label } of examples) {
    for (const word of new Set(text.split(' '))) {
      let counts = byWord.get(word);
      if (counts === undefined) byWord.set(word, (counts = new Map()));
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
  }
  const keywords = new Map<string, Set<string>>();
  for (const [word, counts] of byWord) {
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    for (const [label, count] of counts) {
      if (!KEYWORD_RULE_INTENTS.has(label) || count < KEYWORD_MIN_COUNT || count / total < KEYWORD_SHARE) continue;
      let set = keywords.get(label);
      if (set === undefined) keywords.set(label, (set = new Set()));
      set.add(word);
    }
  }
  return keywords;
}

/**
 * The parts of a message that may tell its problem on their own, normalised: each sentence (split
 * on . ! ? ; and line breaks) of CLAUSE_MIN_WORDS words or more, and what follows the last
 * contrastive word ("tapi", "namun", "padahal") of the whole message.
 */
export function clauses(text: string): string[] {
  const out = new Set<string>();
  for (const sentence of text.split(/[.!?;\n]+/)) {
    const n = normalizeText(sentence);
    if (n.split(' ').length >= CLAUSE_MIN_WORDS) out.add(n);
  }
  const words = normalizeText(text).split(' ');
  let last = -1;
  words.forEach((w, i) => {
    if (CONTRAST.has(w)) last = i;
  });
  if (last >= 0 && words.length - last - 1 >= CLAUSE_MIN_WORDS) out.add(words.slice(last + 1).join(' '));
  return [...out];
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
