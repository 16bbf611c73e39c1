/**
 * Classifies a customer's message to PLN 123 about the PLN Mobile Marketplace into one of the 40
 * catalogue service types (`type:01` … `type:40`, src/tickets/catalog.ts) or a conversational
 * intent (`intent:register_seller`, `intent:status_inquiry`, `intent:ask_human`,
 * `intent:promo_info`, `intent:greeting`, `intent:out_of_scope`).
 *
 * Two models trained at start-up on the same normalised corpus (`nlu/corpus.id.json`), averaged:
 * nlp.js's neural classifier for Indonesian (word stems) and a TF-IDF nearest-neighbour /
 * centroid model with character n-grams (src/nlu/tfidf.ts), which copes better with typos and
 * rare words. Training takes well under a second.
 *
 * @example
 * const classifier = await MarketplaceClassifier.train();
 * await classifier.classify('min gak bisa bayar pake iconcash');
 * // { label: 'type:24', confidence: 0.8, alternatives: [{ label: 'type:30', confidence: 0.06 }, …] }
 */
import { performance } from 'node:perf_hooks';
import { corpusExamples, loadCorpus, type Corpus } from './corpus.js';
import { normalizeText } from './normalize.js';
import { NlpjsModel } from './nlpjs.js';
import { DEFAULT_TFIDF_OPTIONS, TfidfModel, type TfidfOptions } from './tfidf.js';

export { extractTicketNumbers } from './ticketNumbers.js';
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
}

export const DEFAULT_CLASSIFIER_OPTIONS: ClassifierOptions = {
  nlpjsWeight: 0.5,
  tfidf: DEFAULT_TFIDF_OPTIONS,
};

/** Label returned for a message with no words left after normalisation (emoji only, digits only). */
const EMPTY_MESSAGE_LABEL = 'intent:out_of_scope';
const MAX_ALTERNATIVES = 4;

export class MarketplaceClassifier {
  private constructor(
    private readonly nlpjs: NlpjsModel,
    private readonly tfidf: TfidfModel,
    private readonly options: ClassifierOptions,
    /** Wall-clock training time in milliseconds (both models, normalisation included). */
    readonly trainingMs: number,
  ) {}

  /** Trains both models on `corpus` (default: `nlu/corpus.id.json`). */
  static async train(
    corpus: Corpus = loadCorpus(),
    options: ClassifierOptions = DEFAULT_CLASSIFIER_OPTIONS,
  ): Promise<MarketplaceClassifier> {
    const started = performance.now();
    const examples = corpusExamples(corpus).map(({ text, label }) => ({ text: normalizeText(text), label }));
    const usable = examples.filter((e) => e.text !== '');
    const nlpjs = await NlpjsModel.train(usable);
    const tfidf = TfidfModel.train(
      usable.map((e) => ({ words: e.text.split(' '), label: e.label })),
      options.tfidf,
    );
    return new MarketplaceClassifier(nlpjs, tfidf, options, performance.now() - started);
  }

  /** The most likely label for a message, with the runners-up. */
  async classify(text: string): Promise<Classification> {
    const normalized = normalizeText(text);
    if (normalized === '') return { label: EMPTY_MESSAGE_LABEL, confidence: 0, alternatives: [] };
    const ranked = await this.rank(normalized);
    const [best, ...rest] = ranked;
    if (!best) return { label: EMPTY_MESSAGE_LABEL, confidence: 0, alternatives: [] };
    return { ...best, alternatives: rest.slice(0, MAX_ALTERNATIVES) };
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

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
