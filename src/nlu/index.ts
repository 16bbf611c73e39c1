/**
 * The Marketplace NLU: classify a customer's message into a catalogue service type or an intent,
 * and find the ITSM numbers it quotes.
 *
 * @example
 * import { MarketplaceClassifier, extractTicketNumbers } from './nlu/index.js';
 * const classifier = await MarketplaceClassifier.train(); // once, at start-up (~0.3 s)
 * const { label, confidence, alternatives } = await classifier.classify(text);
 */
export {
  MarketplaceClassifier,
  DEFAULT_CLASSIFIER_OPTIONS,
  type Classification,
  type ClassifierOptions,
  type LabelScore,
} from './classifier.js';
export { extractTicketNumbers } from '../core/ticketNumbers.js';
export { normalizeText, tokenize } from './normalize.js';
export {
  ALL_LABELS,
  INTENTS,
  INTENT_LABELS,
  TYPE_LABELS,
  catalogEntryForLabel,
  labelFamily,
  loadCorpus,
  loadEvalSet,
  typeLabel,
  type Corpus,
  type IntentName,
  type LabelledText,
} from './corpus.js';
