/**
 * Accuracy of a classifier on labelled messages: top-1 / top-3 overall and per label family
 * (service types vs intents) and the most frequent confusions. Used by `scripts/nluEval.ts` and by
 * the regression test in test/nlu.
 */
import { labelFamily, type Corpus, type LabelledText } from './corpus.js';
import { MarketplaceClassifier, type Classification, type ClassifierOptions } from './classifier.js';

/** Counts and rates for one slice of the evaluation set. */
export interface AccuracySlice {
  readonly n: number;
  readonly top1: number;
  readonly top3: number;
}

export interface Confusion {
  readonly gold: string;
  readonly predicted: string;
  readonly count: number;
}

export interface EvaluationReport {
  readonly overall: AccuracySlice;
  readonly types: AccuracySlice;
  readonly intents: AccuracySlice;
  /** Gold -> predicted pairs for top-1 errors, most frequent first. */
  readonly confusions: readonly Confusion[];
  readonly predictions: ReadonlyArray<LabelledText & { readonly result: Classification }>;
}

/** Anything that classifies a message (the trained MarketplaceClassifier, or a fake in tests). */
export interface TextClassifier {
  classify(text: string): Promise<Classification>;
}

/** Runs `classifier` over `examples` and scores it. */
export async function evaluate(
  classifier: TextClassifier,
  examples: readonly LabelledText[],
): Promise<EvaluationReport> {
  const predictions: Array<LabelledText & { result: Classification }> = [];
  for (const e of examples) predictions.push({ ...e, result: await classifier.classify(e.text) });
  const slice = (keep: (label: string) => boolean): AccuracySlice => {
    const rows = predictions.filter((p) => keep(p.label));
    const hit1 = rows.filter((p) => p.result.label === p.label).length;
    const hit3 = rows.filter((p) => top3(p.result).includes(p.label)).length;
    const n = rows.length;
    return { n, top1: n === 0 ? 0 : hit1 / n, top3: n === 0 ? 0 : hit3 / n };
  };
  const counts = new Map<string, Confusion>();
  for (const p of predictions) {
    if (p.result.label === p.label) continue;
    const key = `${p.label}\u0000${p.result.label}`;
    const prev = counts.get(key);
    counts.set(key, { gold: p.label, predicted: p.result.label, count: (prev?.count ?? 0) + 1 });
  }
  const confusions = [...counts.values()].sort(
    (a, b) => b.count - a.count || a.gold.localeCompare(b.gold) || a.predicted.localeCompare(b.predicted),
  );
  return {
    overall: slice(() => true),
    types: slice((l) => labelFamily(l) === 'type'),
    intents: slice((l) => labelFamily(l) === 'intent'),
    confusions,
    predictions,
  };
}

/**
 * K-fold cross-validation on the corpus itself (each label's utterances dealt round-robin into
 * `k` folds). This is what the ensemble's settings are tuned on, so the evaluation set stays
 * untouched by tuning.
 */
export async function crossValidate(corpus: Corpus, k = 5, options?: ClassifierOptions): Promise<AccuracySlice> {
  let n = 0;
  let hit1 = 0;
  let hit3 = 0;
  for (let fold = 0; fold < k; fold++) {
    const train: Record<string, string[]> = {};
    const test: LabelledText[] = [];
    for (const [label, texts] of Object.entries(corpus)) {
      train[label] = texts.filter((_, i) => i % k !== fold);
      texts.forEach((text, i) => {
        if (i % k === fold) test.push({ text, label });
      });
    }
    const classifier = await MarketplaceClassifier.train(train, options);
    const report = await evaluate(classifier, test);
    n += report.overall.n;
    hit1 += report.overall.top1 * report.overall.n;
    hit3 += report.overall.top3 * report.overall.n;
  }
  return { n, top1: hit1 / n, top3: hit3 / n };
}

function top3(result: Classification): string[] {
  return [result.label, ...result.alternatives.slice(0, 2).map((a) => a.label)];
}
