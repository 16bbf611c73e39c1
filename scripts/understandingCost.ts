/**
 * `npx tsx scripts/understandingCost.ts`: a rough per-call cost of the understanding step.
 * Trains it once (with the Marketplace classifier, as the service does), then calls `understand`
 * on every turn of nlu/acts.dev.jsonl for a few rounds after a warm-up, and prints the mean and
 * percentiles per call, overall and by the act returned (forms are cheap; turns that reach the act
 * classifier are the dearest). Single-threaded, in-process; not a test, nothing is asserted.
 *
 *   UNDERSTANDING_ROUNDS (default 20) rounds over the dev set after 3 warm-up rounds.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MarketplaceClassifier } from '../src/nlu/classifier.js';
import { nluDataDir } from '../src/nlu/corpus.js';
import { loadActSet } from '../src/nlu/understanding/dataset.js';
import { createUnderstanding } from '../src/nlu/understanding/index.js';

const ROUNDS = Number(process.env.UNDERSTANDING_ROUNDS ?? 20);

async function main(): Promise<void> {
  const started = performance.now();
  const classifier = await MarketplaceClassifier.train();
  const classifierMs = performance.now() - started;
  const understanding = await createUnderstanding({ classifier });
  const startupMs = performance.now() - started - classifierMs;
  const turns = loadActSet(path.join(nluDataDir(), 'acts.dev.jsonl'));
  console.log(`Marketplace classifier training ${classifierMs.toFixed(0)} ms; understanding start-up ${startupMs.toFixed(0)} ms`);

  for (let i = 0; i < 3; i++) for (const t of turns) await understanding.understand(t.text, t.open);
  const byKind = new Map<string, number[]>();
  const all: number[] = [];
  const heapBefore = process.memoryUsage().heapUsed;
  const wall = performance.now();
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of turns) {
      const t0 = performance.now();
      const act = await understanding.understand(t.text, t.open);
      const ms = performance.now() - t0;
      all.push(ms);
      const list = byKind.get(act.kind) ?? [];
      list.push(ms);
      byKind.set(act.kind, list);
    }
  }
  const wallMs = performance.now() - wall;
  console.log(`${all.length} calls in ${wallMs.toFixed(0)} ms: ${((all.length / wallMs) * 1000).toFixed(0)} calls/s on one core`);
  console.log(`heap after − before: ${((process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024).toFixed(1)} MB (garbage included)`);
  console.log(`${'act'.padEnd(14)} ${'n'.padStart(6)} ${'mean ms'.padStart(8)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)}`);
  print('all', all);
  for (const [kind, list] of [...byKind].sort(([a], [b]) => a.localeCompare(b))) print(kind, list);
}

function print(label: string, ms: number[]): void {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  const f = (x: number): string => x.toFixed(3).padStart(7);
  console.log(`${label.padEnd(14)} ${String(ms.length).padStart(6)} ${mean.toFixed(3).padStart(8)} ${f(at(0.5))} ${f(at(0.95))} ${f(at(0.99))}`);
}

main().catch((err: unknown) => {
  console.error('understandingCost failed:', err);
  process.exitCode = 1;
});
