/**
 * `npm run nlu:eval` (tsx scripts/nluEval.ts): trains the Marketplace classifier on
 * nlu/corpus.id.json and scores it on the held-out set nlu/eval.id.jsonl: top-1 / top-3 accuracy
 * overall, for the 40 service types and for the intents, and the most frequent confusions.
 * Also scores nlu/challenge.id.jsonl (harder, longer messages; reported, not gated) when present.
 *
 *   --errors   list every misclassified evaluation message
 *   --cv       also run 5-fold cross-validation on the corpus (what the ensemble was tuned on)
 *
 * Always exits 0 (the thresholds are enforced by test/nlu/classifier.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { MarketplaceClassifier } from '../src/nlu/classifier.js';
import {
  catalogEntryForLabel,
  corpusExamples,
  loadCorpus,
  loadEvalSet,
  nluDataDir,
  type LabelledText,
} from '../src/nlu/corpus.js';
import { crossValidate, evaluate, type AccuracySlice, type EvaluationReport } from '../src/nlu/evaluate.js';
import { nearDuplicateFinder } from '../src/nlu/similarity.js';

const args = new Set(process.argv.slice(2));

async function main(): Promise<void> {
  const corpus = loadCorpus();
  const evalSet = loadEvalSet();
  const classifier = await MarketplaceClassifier.train(corpus);
  const corpusTexts = corpusExamples(corpus);
  console.log(`corpus: ${corpusTexts.length} utterances, ${Object.keys(corpus).length} labels`);
  console.log(`training time: ${classifier.trainingMs.toFixed(0)} ms`);

  const findNear = nearDuplicateFinder(corpusTexts.map((c) => c.text));
  const overlaps = evalSet.filter((e) => findNear(e.text) !== undefined);
  console.log(`eval messages (near-)duplicating a corpus utterance: ${overlaps.length}`);

  const report = await evaluate(classifier, evalSet);
  printReport('evaluation set nlu/eval.id.jsonl', report);

  const challengeFile = path.join(nluDataDir(), 'challenge.id.jsonl');
  if (fs.existsSync(challengeFile)) {
    printReport('challenge set nlu/challenge.id.jsonl (harder; not gated)', await evaluate(classifier, loadEvalSet(challengeFile)));
  }

  if (args.has('--cv')) {
    const cv = await crossValidate(corpus, 5);
    console.log(`\n5-fold cross-validation on the corpus: ${fmt(cv)}`);
  }
}

function printReport(title: string, report: EvaluationReport): void {
  console.log(`\n== ${title}`);
  console.log(`overall  ${fmt(report.overall)}`);
  console.log(`types    ${fmt(report.types)}`);
  console.log(`intents  ${fmt(report.intents)}`);
  console.log('most frequent confusions (gold -> predicted, count):');
  if (report.confusions.length === 0) console.log('  none');
  for (const c of report.confusions.slice(0, 10)) {
    console.log(`  ${c.gold} -> ${c.predicted}  ${c.count}   (${describe(c.gold)} -> ${describe(c.predicted)})`);
  }
  if (args.has('--errors')) {
    console.log('misclassified:');
    for (const p of report.predictions) {
      if (p.result.label === p.label) continue;
      const alts = p.result.alternatives.map((a) => `${a.label} ${a.confidence.toFixed(2)}`).join(', ');
      console.log(`  [${p.label} -> ${p.result.label} ${p.result.confidence.toFixed(2)}] ${quote(p)}  | ${alts}`);
    }
  }
}

function fmt(s: AccuracySlice): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  return `n=${s.n}  top-1 ${pct(s.top1)}  top-3 ${pct(s.top3)}`;
}

function describe(label: string): string {
  return catalogEntryForLabel(label)?.label ?? label.replace(/^intent:/, '');
}

function quote(e: LabelledText): string {
  return JSON.stringify(e.text);
}

main().catch((err: unknown) => {
  console.error('nlu:eval failed:', err);
  process.exitCode = 1;
});
