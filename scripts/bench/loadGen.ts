/**
 * The load generator of the turn benchmark: `concurrency` virtual applicants, each running
 * complete seller applications (application.ts) back to back for `durationMs`, every turn a POST
 * over keep-alive connections (one `http.Agent`, `maxSockets = concurrency`). A turn's latency is
 * from the request being sent to the last byte of its response being read.
 *
 * All applicants start at once, so the first turns of a level queue behind each other; the first
 * `settleMs` run under load but are not measured. Then only turns that start within the next
 * `durationMs` count; no new turn starts after that, and applications count when they complete
 * within the measured window.
 *
 * The same generator drives the bare-Express ceiling (`expect: 'echo'`): the same bodies, the same
 * concurrency, the response parsed the same way; only the check of the reply differs.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { STEPS, type BodyFactory, type ReplyActivity, type Step } from './application.js';

export interface LevelOptions {
  url: string;
  /** 'dialog': each reply must be what the dialog says at that step; 'echo': the ceiling's one "ok". */
  expect: 'dialog' | 'echo';
  factory: BodyFactory;
  concurrency: number;
  durationMs: number;
  /** Part of every conversation id, so levels and runs never share a conversation. */
  label: string;
  /** The turns of one application; the complete seller application by default. */
  steps?: readonly Step[];
  /** Load before the measured window (not measured); 0 by default. */
  settleMs?: number;
  /** Called when the measured window begins (to take CPU and memory baselines). */
  onMeasureStart?: () => void;
}

export interface LevelResult {
  concurrency: number;
  wallMs: number;
  turns: number;
  applications: number;
  errors: number;
  errorSamples: string[];
  turnsPerSec: number;
  p50: number;
  p99: number;
  max: number;
  /** p50 and p99 of each step of the application, in order. */
  perStep: Array<{ name: string; p50: number; p99: number }>;
}

export async function runLevel(o: LevelOptions): Promise<LevelResult> {
  const url = new URL(o.url);
  const steps = o.steps ?? STEPS;
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const latencies: number[] = [];
  const stepOf: number[] = [];
  const errorSamples: string[] = [];
  let applications = 0;
  let errors = 0;
  const fail = (why: string) => {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(why);
  };

  const run = randomUUID().slice(0, 8);
  const measuredFrom = performance.now() + (o.settleMs ?? 0);
  const deadline = measuredFrom + o.durationMs;
  const settle = o.settleMs ? setTimeout(() => o.onMeasureStart?.(), o.settleMs) : undefined;
  if (!o.settleMs) o.onMeasureStart?.();
  const applicant = async (vu: number) => {
    for (let n = 0; performance.now() < deadline; n++) {
      const conversationId = `bench-${o.label}-${run}-${vu}-${n}`;
      let completed = true;
      for (let s = 0; s < steps.length; s++) {
        if (performance.now() >= deadline) {
          completed = false;
          break;
        }
        const step = steps[s]!;
        const body = o.factory.body(step, conversationId);
        const t0 = performance.now();
        const res = await post(url, agent, body);
        const ms = performance.now() - t0;
        if (res.error !== undefined) {
          fail(`${step.name}: ${res.error}`);
          completed = false;
          await new Promise((r) => setTimeout(r, 50));
          break;
        }
        if (t0 >= measuredFrom) {
          latencies.push(ms);
          stepOf.push(s);
        }
        const why = o.expect === 'dialog' ? step.check(res.activities) : res.activities[0]?.text === 'ok' ? null : 'expected "ok"';
        if (why !== null) {
          fail(`${step.name}: ${why}`);
          completed = false;
          break;
        }
      }
      if (completed && performance.now() >= measuredFrom) applications++;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, (_, vu) => applicant(vu)));
  clearTimeout(settle);
  const wallMs = performance.now() - measuredFrom;
  agent.destroy();

  const sorted = Float64Array.from(latencies).sort();
  const perStep = steps.map((step, s) => {
    const mine = Float64Array.from(latencies.filter((_, i) => stepOf[i] === s)).sort();
    return { name: step.name, p50: pct(mine, 50), p99: pct(mine, 99) };
  });
  return {
    concurrency: o.concurrency,
    wallMs,
    turns: latencies.length,
    applications,
    errors,
    errorSamples,
    turnsPerSec: latencies.length / (wallMs / 1000),
    p50: pct(sorted, 50),
    p99: pct(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    perStep,
  };
}

type PostResult = { error: string; activities?: undefined } | { error?: undefined; activities: ReplyActivity[] };

function post(url: URL, agent: http.Agent, body: Buffer): Promise<PostResult> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => resolve({ error: err.message }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) return resolve({ error: `HTTP ${res.statusCode} ${text.slice(0, 100)}` });
          try {
            resolve({ activities: (JSON.parse(text) as { activities?: ReplyActivity[] }).activities ?? [] });
          } catch {
            resolve({ error: `not JSON: ${text.slice(0, 100)}` });
          }
        });
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout after 30 s')));
    req.on('error', (err) => resolve({ error: err.message }));
    req.end(body);
  });
}

/** Nearest-rank percentile of sorted values. */
export function pct(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
