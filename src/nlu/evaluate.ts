/**
 * Accuracy of a classifier on labelled messages: top-1 / top-3 overall and per label family
 * (service types vs intents) and the most frequent confusions; and accuracy of the understanding
 * step on labelled turns (`evaluateActs`). Used by `scripts/nluEval.ts` and by the regression
 * tests in test/nlu.
 */
import { labelFamily, type Corpus, type LabelledText } from './corpus.js';
import { MarketplaceClassifier, type Classification, type ClassifierOptions } from './classifier.js';
import { sameAct, type LabelledTurn } from './understanding/dataset.js';
import type { Act, ActKind, Understanding } from '../../dialogs/understanding.js';

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

/** Cross-validation's pooled accuracy, with every held-out prediction (for further counts). */
export interface CrossValidation extends AccuracySlice {
  readonly predictions: ReadonlyArray<LabelledText & { readonly result: Classification }>;
}

/**
 * Stratified k-fold cross-validation on the corpus itself: each label's utterances are dealt
 * round-robin into `k` folds, so every fold holds about 1/k of every label. This is what the
 * ensemble's settings are tuned on, so the evaluation sets stay untouched by tuning.
 */
export async function crossValidate(corpus: Corpus, k = 5, options?: ClassifierOptions): Promise<CrossValidation> {
  let n = 0;
  let hit1 = 0;
  let hit3 = 0;
  const predictions: Array<LabelledText & { result: Classification }> = [];
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
    predictions.push(...report.predictions);
  }
  return { n, top1: hit1 / n, top3: hit3 / n, predictions };
}

/**
 * The predictions a dialog would have offered as a single one-tap confirmation (`oneTap` returns
 * the proposed label, or null when the customer is asked to choose) with the wrong label.
 */
export function wrongOneTaps<P extends LabelledText & { readonly result: Classification }>(
  predictions: readonly P[],
  oneTap: (result: Classification) => string | null,
): { offered: number; wrong: P[] } {
  let offered = 0;
  const wrong: P[] = [];
  for (const p of predictions) {
    const proposed = oneTap(p.result);
    if (proposed === null) continue;
    offered++;
    if (proposed !== p.label) wrong.push(p);
  }
  return { offered, wrong };
}

function top3(result: Classification): string[] {
  return [result.label, ...result.alternatives.slice(0, 2).map((a) => a.label)];
}

/** Accuracy of one slice of a labelled act set. */
export interface ActSlice {
  readonly n: number;
  /** Share of messages whose act kind is right. */
  readonly kind: number;
  /** Share of messages whose act is exactly right (topic, target, field values, …). */
  readonly exact: number;
}

export interface ActEvaluationReport {
  readonly overall: ActSlice;
  /** By the gold act kind. */
  readonly byKind: Readonly<Partial<Record<ActKind, ActSlice>>>;
  /** Messages whose gold act is `fields` or `correction`: the share with every value right. */
  readonly values: ActSlice;
  /** Gold kind -> predicted kind for wrong kinds, most frequent first. */
  readonly confusions: readonly Confusion[];
  readonly predictions: ReadonlyArray<LabelledTurn & { readonly predicted: Act }>;
}

/**
 * Runs the understanding step over labelled turns (nlu/acts.dev.jsonl, nlu/acts.eval.jsonl or
 * any file of the same format) and scores it: act kind and exact act, overall and by gold kind,
 * the field values of `fields` and `correction`, and the most frequent kind confusions.
 */
export async function evaluateActs(understanding: Understanding, turns: readonly LabelledTurn[]): Promise<ActEvaluationReport> {
  const predictions: Array<LabelledTurn & { predicted: Act }> = [];
  for (const t of turns) predictions.push({ ...t, predicted: await understanding.understand(t.text, t.open) });
  const slice = (rows: ReadonlyArray<LabelledTurn & { predicted: Act }>): ActSlice => {
    const n = rows.length;
    const kind = rows.filter((r) => r.predicted.kind === r.act.kind).length;
    const exact = rows.filter((r) => sameAct(r.predicted, r.act)).length;
    return { n, kind: n === 0 ? 0 : kind / n, exact: n === 0 ? 0 : exact / n };
  };
  const byKind: Partial<Record<ActKind, ActSlice>> = {};
  for (const kind of new Set(predictions.map((p) => p.act.kind))) byKind[kind] = slice(predictions.filter((p) => p.act.kind === kind));
  const counts = new Map<string, Confusion>();
  for (const p of predictions) {
    if (p.predicted.kind === p.act.kind) continue;
    const key = `${p.act.kind}\u0000${p.predicted.kind}`;
    counts.set(key, { gold: p.act.kind, predicted: p.predicted.kind, count: (counts.get(key)?.count ?? 0) + 1 });
  }
  return {
    overall: slice(predictions),
    byKind,
    values: slice(predictions.filter((p) => p.act.kind === 'fields' || p.act.kind === 'correction')),
    confusions: [...counts.values()].sort((a, b) => b.count - a.count || a.gold.localeCompare(b.gold)),
    predictions,
  };
}
