/**
 * A typed, silent wrapper around nlp.js v4 (`@nlpjs/core`, `@nlpjs/nlp`, `@nlpjs/lang-id`), which
 * ships CommonJS without type declarations. Only what the classifier uses is typed here, and the
 * wrapper keeps nlp.js from writing to stdout (per-epoch training log) or to disk (autoSave).
 */
import { createRequire } from 'node:module';

/** An nlp.js intent score; the scores of one message sum to about 1. */
export interface NlpjsScore {
  intent: string;
  score: number;
}

interface NlpjsInstance {
  settings: { autoSave?: boolean; log?: boolean };
  nluManager: { settings: { log?: boolean } };
  addLanguage(locale: string): void;
  addDocument(locale: string, utterance: string, intent: string): void;
  train(): Promise<unknown>;
  process(locale: string, utterance: string): Promise<{ classifications?: NlpjsScore[] }>;
}

interface NlpjsContainer {
  use(item: unknown): void;
  register(name: string, item: unknown, isSingleton?: boolean): void;
  get(name: string): unknown;
}

const require = createRequire(import.meta.url);
const core = require('@nlpjs/core') as { containerBootstrap: () => NlpjsContainer | Promise<NlpjsContainer> };
const { Nlp } = require('@nlpjs/nlp') as { Nlp: unknown };
const { LangId } = require('@nlpjs/lang-id') as { LangId: unknown };

const noop = (): void => undefined;
/** Replaces nlp.js's console logger (it warns on stop-word-only utterances). */
const silentLogger = { debug: noop, info: noop, warn: noop, error: noop, log: noop, trace: noop, fatal: noop };

const LOCALE = 'id';

/** An nlp.js neural intent classifier for Indonesian, trained on already-normalised text. */
export class NlpjsModel {
  private constructor(private readonly nlp: NlpjsInstance) {}

  /** Trains on (text, label) pairs; nothing is printed or saved. */
  static async train(examples: ReadonlyArray<{ text: string; label: string }>): Promise<NlpjsModel> {
    const container = await core.containerBootstrap();
    container.register('logger', silentLogger, true);
    container.use(Nlp);
    container.use(LangId);
    const nlp = container.get('nlp') as NlpjsInstance;
    nlp.settings.autoSave = false;
    nlp.settings.log = false;
    // The per-epoch "Epoch N loss …" lines come from the NLU manager's own `log` setting.
    nlp.nluManager.settings.log = false;
    nlp.addLanguage(LOCALE);
    for (const { text, label } of examples) nlp.addDocument(LOCALE, text, label);
    await nlp.train();
    return new NlpjsModel(nlp);
  }

  /** Scores for every label seen in training (those nlp.js returns), best first; 'None' dropped. */
  async scores(text: string): Promise<NlpjsScore[]> {
    const result = await this.nlp.process(LOCALE, text);
    return (result.classifications ?? []).filter((c) => c.intent !== 'None');
  }
}
