import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MarketplaceClassifier } from '../../../src/nlu/classifier.js';
import { nluDataDir } from '../../../src/nlu/corpus.js';
import { ModelCache } from '../../../src/nlu/modelCache.js';
import { evaluateActs, type ActEvaluationReport } from '../../../src/nlu/evaluate.js';
import { loadActSet } from '../../../src/nlu/understanding/dataset.js';
import { createUnderstanding, type ActKind } from '../../../src/nlu/understanding/index.js';

const devFile = path.join(nluDataDir(), 'acts.dev.jsonl');
const dev = loadActSet(devFile);
let report: ActEvaluationReport;
beforeAll(async () => {
  const modelCache = ModelCache.beside();
  report = await evaluateActs(await createUnderstanding({ classifier: await MarketplaceClassifier.train(undefined, undefined, modelCache), modelCache }), dev);
});

const KINDS: readonly ActKind[] = [
  'answer', 'fields', 'correction', 'question', 'navigation', 'yes', 'no', 'thanks', 'closing', 'greeting', 'officer', 'complaint', 'botComplaint', 'language', 'unusable',
];

describe('development set nlu/acts.dev.jsonl', () => {
  it('has at least 300 turns covering every act kind, every question topic and every navigation target', () => {
    expect(dev.length).toBeGreaterThanOrEqual(300);
    expect(new Set(dev.map((t) => t.act.kind))).toEqual(new Set(KINDS));
    const topics = new Set(dev.flatMap((t) => (t.act.kind === 'question' ? [t.act.topic] : [])));
    expect(topics.size).toBe(7);
    const targets = new Set(dev.flatMap((t) => (t.act.kind === 'navigation' ? [t.act.to] : [])));
    expect(targets.size).toBe(7);
  });

  it('has no turn twice', () => {
    const seen = new Set<string>();
    const twice = dev.filter((t) => {
      const key = JSON.stringify([t.open, t.text]);
      const dup = seen.has(key);
      seen.add(key);
      return dup;
    });
    expect(twice.map((t) => t.text)).toEqual([]);
  });

  it('is read with the right act kind at least 95% of the time', () => {
    const wrong = report.predictions.filter((p) => p.predicted.kind !== p.act.kind).map((p) => `${p.text} -> ${p.predicted.kind} (gold ${p.act.kind})`);
    expect(report.overall.kind, wrong.join('\n')).toBeGreaterThanOrEqual(0.95);
  });

  it('gets every value of fields and corrections right at least 95% of the time', () => {
    expect(report.values.n).toBeGreaterThanOrEqual(50);
    expect(report.values.exact).toBeGreaterThanOrEqual(0.95);
  });

  it('gets the exact act (topic, target, values) right at least 93% of the time', () => {
    expect(report.overall.exact).toBeGreaterThanOrEqual(0.93);
  });
});

describe('evaluation set nlu/acts.eval.jsonl (written separately; reported by npm run nlu:eval, not gated here)', () => {
  it.skipIf(!fs.existsSync(path.join(nluDataDir(), 'acts.eval.jsonl')))('follows the format', () => {
    expect(loadActSet(path.join(nluDataDir(), 'acts.eval.jsonl')).length).toBeGreaterThan(0);
  });
});
