/**
 * `npm run nlu:eval` (tsx scripts/nluEval.ts): trains the Marketplace classifier on
 * nlu/corpus.id.json and scores it on the held-out set nlu/eval.id.jsonl: top-1 / top-3 accuracy
 * overall, for the 40 service types and for the intents, the most frequent confusions and the
 * wrong one-tap confirmations (messages where the classifier is sure enough for the menu to
 * propose its type alone, dialogs/complaint.ts `oneTapType`, and that type is wrong). The same
 * report for each of these when present:
 *   nlu/challenge.id.jsonl  harder, longer messages (reported, not gated)
 *   nlu/dev2.id.jsonl       a development check set, written in other phrasing habits than the corpus
 *   nlu/eval2.id.jsonl      a blind set written by someone else: its messages are never listed
 *   nlu/eval3.id.jsonl      a second blind set (written after eval2 had been read): never listed
 * and always a stratified 5-fold cross-validation on the corpus (with its wrong one-taps).
 *
 * Then the understanding step (src/nlu/understanding): its acts on nlu/acts.dev.jsonl (the
 * development set) and nlu/acts.eval.jsonl (the separately written evaluation set) when present,
 * and on any other file of that format given with --acts.
 *
 *   --errors       list every misclassified evaluation message and every wrong act
 *   --cv           accepted for compatibility (the cross-validation always runs)
 *   --acts FILE    also score the understanding step on FILE (JSONL, nlu/acts.dev.jsonl's format)
 *   --acts-only    skip the Marketplace classifier's report
 *
 * Always exits 0 (the thresholds are enforced by test/nlu/classifier.test.ts and
 * test/nlu/understanding/dev.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MarketplaceClassifier } from '../src/nlu/classifier.js';
import { oneTapType } from '../dialogs/complaint.js';
import type { Classification } from '../src/nlu/classifier.js';
import {
  catalogEntryForLabel,
  corpusExamples,
  loadCorpus,
  loadEvalSet,
  nluDataDir,
  typeLabel,
  type LabelledText,
} from '../src/nlu/corpus.js';
import {
  crossValidate,
  evaluate,
  evaluateActs,
  wrongOneTaps,
  type AccuracySlice,
  type ActEvaluationReport,
  type ActSlice,
  type EvaluationReport,
} from '../src/nlu/evaluate.js';
import { nearDuplicateFinder } from '../src/nlu/similarity.js';
import { loadActSet, sameAct } from '../src/nlu/understanding/dataset.js';
import { createUnderstanding } from '../src/nlu/understanding/index.js';

const argv = process.argv.slice(2);
const args = new Set(argv);

async function main(): Promise<void> {
  const corpus = loadCorpus();
  const classifier = await MarketplaceClassifier.train(corpus);
  if (!args.has('--acts-only')) await reportMarketplace(classifier, corpus);
  await reportActs(classifier);
}

/** The evaluation sets besides nlu/eval.id.jsonl, when present: file, title, whether its messages may be listed. */
const EXTRA_SETS: ReadonlyArray<{ file: string; title: string; listMessages: boolean }> = [
  { file: 'challenge.id.jsonl', title: 'challenge set nlu/challenge.id.jsonl (harder; not gated)', listMessages: true },
  { file: 'dev2.id.jsonl', title: 'development check set nlu/dev2.id.jsonl (other phrasing habits; not gated)', listMessages: true },
  { file: 'eval2.id.jsonl', title: 'blind evaluation set nlu/eval2.id.jsonl (messages not listed)', listMessages: false },
  { file: 'eval3.id.jsonl', title: 'second blind evaluation set nlu/eval3.id.jsonl (messages not listed; scored once, never tuned on)', listMessages: false },
];

/** What the menu would propose for a one-tap confirmation, as a label, or null. */
function oneTapLabel(result: Classification): string | null {
  const n = oneTapType(result);
  return n === null ? null : typeLabel(n);
}

async function reportMarketplace(classifier: MarketplaceClassifier, corpus: ReturnType<typeof loadCorpus>): Promise<void> {
  const corpusTexts = corpusExamples(corpus);
  console.log(`corpus: ${corpusTexts.length} utterances, ${Object.keys(corpus).length} labels`);
  console.log(`training time: ${classifier.trainingMs.toFixed(0)} ms`);
  const findNear = nearDuplicateFinder(corpusTexts.map((c) => c.text));

  const sets = [
    { file: path.join(nluDataDir(), 'eval.id.jsonl'), title: 'evaluation set nlu/eval.id.jsonl', listMessages: true },
    ...EXTRA_SETS.map((s) => ({ ...s, file: path.join(nluDataDir(), s.file) })).filter((s) => fs.existsSync(s.file)),
  ];
  for (const set of sets) {
    const examples = loadEvalSet(set.file);
    const overlaps = examples.filter((e) => findNear(e.text) !== undefined).length;
    const started = performance.now();
    const report = await evaluate(classifier, examples);
    const msPerMessage = (performance.now() - started) / Math.max(1, examples.length);
    printReport(set.title, report, set.listMessages);
    console.log(`(near-)duplicates of a corpus utterance: ${overlaps}; classification ${msPerMessage.toFixed(2)} ms/message`);
  }

  const started = performance.now();
  const cv = await crossValidate(corpus, 5);
  console.log(`\n== stratified 5-fold cross-validation on the corpus (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`overall  ${fmt(cv)}`);
  printOneTaps(cv.predictions, true);
}

function printOneTaps(predictions: EvaluationReport['predictions'], listMessages: boolean): void {
  const { offered, wrong } = wrongOneTaps(predictions, oneTapLabel);
  console.log(`wrong one-tap confirmations: ${wrong.length} (of ${offered} one-tap offers, ${predictions.length} messages)`);
  if (!listMessages) return;
  for (const p of wrong) {
    const alts = p.result.alternatives.slice(0, 2).map((a) => `${a.label} ${a.confidence.toFixed(2)}`).join(', ');
    console.log(`  [${p.label} -> ${p.result.label} ${p.result.confidence.toFixed(2)}] ${quote(p)}  | ${alts}`);
  }
}

/** The understanding step on every act file there is: the development set, the evaluation set, --acts files. */
async function reportActs(classifier: MarketplaceClassifier): Promise<void> {
  const started = performance.now();
  const understanding = await createUnderstanding({ classifier });
  console.log(`\nunderstanding step: start-up ${(performance.now() - started).toFixed(0)} ms`);
  const files = ['acts.dev.jsonl', 'acts.eval.jsonl'].map((f) => path.join(nluDataDir(), f)).filter((f) => fs.existsSync(f));
  argv.forEach((a, i) => {
    if (a === '--acts' && argv[i + 1] !== undefined) files.push(path.resolve(argv[i + 1] as string));
  });
  for (const file of files) printActReport(path.relative(process.cwd(), file), await evaluateActs(understanding, loadActSet(file)));
}

function printActReport(title: string, report: ActEvaluationReport): void {
  console.log(`\n== acts: ${title}`);
  console.log(`overall          ${fmtActs(report.overall)}`);
  console.log(`field values     ${fmtActs(report.values)}   (gold fields / correction: every value right)`);
  for (const [kind, slice] of Object.entries(report.byKind).sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`  ${kind.padEnd(14)} ${fmtActs(slice as ActSlice)}`);
  }
  console.log('most frequent kind confusions (gold -> predicted, count):');
  if (report.confusions.length === 0) console.log('  none');
  for (const c of report.confusions.slice(0, 10)) console.log(`  ${c.gold} -> ${c.predicted}  ${c.count}`);
  if (args.has('--errors')) {
    console.log('wrong acts:');
    for (const p of report.predictions) {
      if (sameAct(p.act, p.predicted)) continue;
      console.log(`  [${JSON.stringify(p.open)}] ${JSON.stringify(p.text)}\n      gold ${JSON.stringify(p.act)}\n      got  ${JSON.stringify(p.predicted)}`);
    }
  }
}

function fmtActs(s: ActSlice): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`.padStart(6);
  return `n=${String(s.n).padEnd(4)} kind ${pct(s.kind)}  exact ${pct(s.exact)}`;
}

function printReport(title: string, report: EvaluationReport, listMessages = true): void {
  console.log(`\n== ${title}`);
  console.log(`overall  ${fmt(report.overall)}`);
  console.log(`types    ${fmt(report.types)}`);
  console.log(`intents  ${fmt(report.intents)}`);
  printOneTaps(report.predictions, listMessages);
  console.log('most frequent confusions (gold -> predicted, count):');
  if (report.confusions.length === 0) console.log('  none');
  for (const c of report.confusions.slice(0, 10)) {
    console.log(`  ${c.gold} -> ${c.predicted}  ${c.count}   (${describe(c.gold)} -> ${describe(c.predicted)})`);
  }
  if (args.has('--errors') && listMessages) {
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
