/**
 * `npm run classify` (tsx scripts/classify.ts): classifies messages read as JSON lines on stdin.
 *
 *   in:  {"text": "min gak bisa bayar pake iconcash"}
 *   out: {"label":"type:24","confidence":0.83,"alternatives":[{"label":"type:30","confidence":0.05}, …]}
 *
 * One output line per input line, in order; a line that is not a JSON object with a string
 * `text` gives {"error": "..."} and processing goes on. Whitespace-only lines are ignored.
 * Nothing but these JSON lines goes to stdout: training is silent and diagnostics go to stderr.
 * Exit status 1 only if the classifier cannot be trained.
 */
import readline from 'node:readline';
import { z } from 'zod';
import { MarketplaceClassifier, type Classification } from '../src/nlu/classifier.js';

const inputSchema = z.object({ text: z.string() });

async function main(): Promise<void> {
  const classifier = await withStdoutGuard(() => MarketplaceClassifier.train());
  console.error(`classify: trained in ${classifier.trainingMs.toFixed(0)} ms, reading JSON lines on stdin`);
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    process.stdout.write(JSON.stringify(await answer(classifier, line)) + '\n');
  }
}

/** The output object for one input line. */
async function answer(classifier: MarketplaceClassifier, line: string): Promise<object> {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    return { error: `invalid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const input = inputSchema.safeParse(json);
  if (!input.success) return { error: 'expected a JSON object with a string "text"' };
  try {
    return rounded(await classifier.classify(input.data.text));
  } catch (err) {
    console.error('classify: failed on a line:', err);
    return { error: 'classification failed' };
  }
}

function rounded(c: Classification): Classification {
  const r = (x: number): number => Math.round(x * 10_000) / 10_000;
  return {
    label: c.label,
    confidence: r(c.confidence),
    alternatives: c.alternatives.map((a) => ({ label: a.label, confidence: r(a.confidence) })),
  };
}

/**
 * Runs `fn` with console.log/info/debug sent to stderr, so that no third-party log line can
 * end up among the JSON lines on stdout.
 */
async function withStdoutGuard<T>(fn: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  try {
    return await fn();
  } finally {
    Object.assign(console, saved);
  }
}

main().catch((err: unknown) => {
  console.error('classify: cannot start:', err);
  process.exitCode = 1;
});
