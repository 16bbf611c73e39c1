/**
 * A typed, silent wrapper around nlp.js v4 (`@nlpjs/core`, `@nlpjs/nlp`, `@nlpjs/lang-id`), which
 * ships CommonJS without type declarations. Only what the classifier uses is typed here, and the
 * wrapper keeps nlp.js from writing to stdout (per-epoch training log) or to disk (autoSave).
 */
import { createRequire } from 'node:module';
import { modelKey, type ModelCache } from './modelCache.js';

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
  export(minified: boolean): string;
  import(data: string): void;
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

/**
 * How `emptyNlp` sets nlp.js up and trains it: part of a cached model's key (modelCache.ts).
 * Change it with any change to that set-up.
 */
const RECIPE = `nlp.js neural, locale ${LOCALE}, LangId, defaults otherwise; v1`;
/** The versions of the packages that train and run the model: part of a cached model's key. */
const LIBRARIES = (() => {
  // @nlpjs/nlu and @nlpjs/neural (where the network is) are @nlpjs/nlp's dependencies: found from there.
  const fromNlp = createRequire(require.resolve('@nlpjs/nlp'));
  const version = (from: NodeJS.Require, name: string) => [name, (from(`${name}/package.json`) as { version: string }).version];
  return Object.fromEntries([
    ...['@nlpjs/core', '@nlpjs/nlp', '@nlpjs/lang-id'].map((name) => version(require, name)),
    ...['@nlpjs/nlu', '@nlpjs/neural'].map((name) => version(fromNlp, name)),
  ]) as Record<string, string>;
})();

/** An nlp.js neural intent classifier for Indonesian, trained on already-normalised text. */
export class NlpjsModel {
  private constructor(private readonly nlp: NlpjsInstance) {}

  /**
   * Trains on (text, label) pairs; nothing is printed. With a `cache`, a model trained before on
   * the very same examples (and libraries) is read from it instead, and a new one is stored there.
   */
  static async train(examples: ReadonlyArray<{ text: string; label: string }>, cache?: ModelCache): Promise<NlpjsModel> {
    const key = cache ? modelKey(RECIPE, LIBRARIES, examples) : undefined;
    const stored = key ? cache?.read(key) : undefined;
    if (stored !== undefined) {
      const nlp = await emptyNlp();
      try {
        nlp.import(stored);
        return new NlpjsModel(nlp);
      } catch {
        // A damaged file: trained again below, and replaced.
      }
    }
    const nlp = await emptyNlp();
    nlp.addLanguage(LOCALE);
    for (const { text, label } of examples) nlp.addDocument(LOCALE, text, label);
    await nlp.train();
    const model = new NlpjsModel(nlp);
    if (key) cache?.write(key, model.exported());
    return model;
  }

  /** The trained model as nlp.js exports it (what the cache keeps). */
  exported(): string {
    return this.nlp.export(true);
  }

  /** Scores for every label seen in training (those nlp.js returns), best first; 'None' dropped. */
  async scores(text: string): Promise<NlpjsScore[]> {
    const result = await this.nlp.process(LOCALE, text);
    return (result.classifications ?? []).filter((c) => c.intent !== 'None');
  }
}

/** nlp.js set up to be silent and never to save by itself, with nothing trained. */
async function emptyNlp(): Promise<NlpjsInstance> {
  const container = await core.containerBootstrap();
  container.register('logger', silentLogger, true);
  container.use(Nlp);
  container.use(LangId);
  const nlp = container.get('nlp') as NlpjsInstance;
  nlp.settings.autoSave = false;
  nlp.settings.log = false;
  // The per-epoch "Epoch N loss …" lines come from the NLU manager's own `log` setting.
  nlp.nluManager.settings.log = false;
  return nlp;
}
