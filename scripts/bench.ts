/**
 * `npm run bench`: two small benchmarks, printed as a table.
 *
 * 1. photo: time to normalise a 12-megapixel JPEG (src/media/benchmarkNormalize.ts).
 * 2. webhook: acknowledgement latency of POST /webhooks/whatsapp under concurrent load. The
 *    service runs as a CHILD PROCESS (`node --import tsx src/main.ts`), so the load generator here
 *    does not share its event loop; its Graph API is a fake in this process. N signed text
 *    webhooks (distinct users and wamids) are sent with concurrency C over keep-alive
 *    connections, and each request's time to its 200 is measured. Then we wait until the bot has
 *    sent every reply (the work done after the 200), stop the child with SIGTERM and clean up.
 *
 * Everything is on 127.0.0.1, every loop is bounded, and the whole run takes well under 2 minutes.
 * Settings (optional): BENCH_PHOTO_ITERATIONS (15), BENCH_REQUESTS (3000), BENCH_CONCURRENCY (32).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { signMetaPayload } from '../src/channels/meta/signature.js';
import { benchmarkNormalize } from '../src/media/benchmarkNormalize.js';
import { FakeGraph } from '../test/support/fakeGraph.js';
import { wa, whatsAppWebhook } from '../test/support/metaWebhooks.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const intSetting = (name: string, fallback: number, max: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must be an integer from 1 to ${max}`);
  return value;
};
const PHOTO_ITERATIONS = intSetting('BENCH_PHOTO_ITERATIONS', 15, 200);
const REQUESTS = intSetting('BENCH_REQUESTS', 3000, 50_000);
const CONCURRENCY = intSetting('BENCH_CONCURRENCY', 32, 512);
const WARMUP = Math.min(200, REQUESTS);

const SECRET = 'bench-app-secret';
const VERIFY = 'bench-verify-token';
const WA_TOKEN = 'EAAG-bench-token';
const PHONE_NUMBER_ID = '100200300400500';

interface Row {
  name: string;
  value: string;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const started = performance.now();

  // ---- 1. photo normalisation ------------------------------------------------------------------
  process.stderr.write(`photo: normalising a 12 MP JPEG ${PHOTO_ITERATIONS} times...\n`);
  const photo = await benchmarkNormalize(PHOTO_ITERATIONS);
  rows.push({ name: `photo: normalise 12 MP JPEG (${PHOTO_ITERATIONS} runs)`, value: `median ${photo.medianMs} ms, p90 ${photo.p90Ms} ms` });

  // ---- 2. webhook acknowledgement under load ----------------------------------------------------
  const graph = await FakeGraph.start({ whatsappToken: WA_TOKEN, phoneNumberId: PHONE_NUMBER_ID, version: 'v25.0', record: false });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pln123-bench-'));
  let child: ChildProcess | undefined;
  try {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? os.tmpdir(),
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
        META_APP_SECRET: SECRET,
        META_VERIFY_TOKEN: VERIFY,
        GRAPH_API_BASE_URL: graph.url,
        GRAPH_API_VERSION: 'v25.0',
        WHATSAPP_ACCESS_TOKEN: WA_TOKEN,
        WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let childErr = '';
    child.stderr?.on('data', (c: Buffer) => {
      childErr = (childErr + c.toString()).slice(-4000);
    });
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;
    process.stderr.write(`webhook: starting the service (child pid ${child.pid})...\n`);
    await waitReady(base, exited, () => childErr);

    // Bodies and signatures are prepared before timing: the measurement is the service's.
    const bodies = Array.from({ length: WARMUP + REQUESTS }, (_, i) => {
      const user = `62812${String(10_000_000 + i).padStart(8, '0')}`;
      const raw = Buffer.from(JSON.stringify(whatsAppWebhook([wa.text(user, 'halo', { name: 'Bench', id: `wamid.bench.${randomUUID()}` })], PHONE_NUMBER_ID)));
      return { raw, signature: signMetaPayload(raw, SECRET) };
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

    process.stderr.write(`webhook: ${WARMUP} warm-up requests, then ${REQUESTS} with concurrency ${CONCURRENCY}...\n`);
    await runLoad(base, agent, bodies.slice(0, WARMUP), CONCURRENCY);
    const load = await runLoad(base, agent, bodies.slice(WARMUP), CONCURRENCY);
    const sorted = [...load.latencies].sort((a, b) => a - b);
    const failed = load.statuses.filter((s) => s !== 200).length;
    rows.push({
      name: `webhook: ack latency (${REQUESTS} req, concurrency ${CONCURRENCY})`,
      value: `p50 ${fmt(pct(sorted, 50))} ms, p99 ${fmt(pct(sorted, 99))} ms, max ${fmt(sorted.at(-1) ?? NaN)} ms`,
    });
    rows.push({ name: 'webhook: throughput of acknowledgements', value: `${Math.round(REQUESTS / (load.wallMs / 1000))} req/s (${fmt(load.wallMs)} ms wall)` });
    rows.push({ name: 'webhook: non-200 answers', value: String(failed) });

    // The replies are sent after the 200: wait (bounded) until the bot has answered every user.
    const expected = WARMUP + REQUESTS;
    const drainStart = performance.now();
    const deadline = drainStart + 60_000;
    while (graph.sendCount < expected && performance.now() < deadline) await sleep(20);
    const drainedMs = performance.now() - load.startedAt;
    rows.push({
      name: 'webhook: replies sent to the fake Graph API',
      value: `${graph.sendCount}/${expected}, the last ${fmt(drainedMs)} ms after the load began (${Math.round(REQUESTS / (drainedMs / 1000))} turns/s)`,
    });
    agent.destroy();

    child.kill('SIGTERM');
    const code = await Promise.race([exited, sleep(10_000).then(() => 'timeout' as const)]);
    if (code === 'timeout') {
      child.kill('SIGKILL');
      throw new Error('the service did not stop within 10 s of SIGTERM');
    }
    rows.push({ name: 'service: exit code after SIGTERM', value: String(code) });
    if (failed > 0 || graph.sendCount < expected) process.exitCode = 1;
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await graph.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  rows.push({ name: 'bench: total time', value: `${fmt((performance.now() - started) / 1000)} s` });
  printTable(rows);
}

interface LoadResult {
  latencies: number[];
  statuses: number[];
  wallMs: number;
  startedAt: number;
}

/** Sends every body with `concurrency` requests in flight; records each request's time to its response. */
async function runLoad(base: string, agent: http.Agent, bodies: Array<{ raw: Buffer; signature: string }>, concurrency: number): Promise<LoadResult> {
  const url = new URL(`${base}/webhooks/whatsapp`);
  const latencies: number[] = new Array<number>(bodies.length);
  const statuses: number[] = new Array<number>(bodies.length);
  let next = 0;
  const startedAt = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= bodies.length) return;
      const { raw, signature } = bodies[i]!;
      const t0 = performance.now();
      statuses[i] = await post(url, agent, raw, signature);
      latencies[i] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, worker));
  return { latencies, statuses, wallMs: performance.now() - startedAt, startedAt };
}

function post(url: URL, agent: http.Agent, raw: Buffer, signature: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': raw.length, 'x-hub-signature-256': signature },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        res.on('end', () => resolve(status));
        res.on('error', () => resolve(0));
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end(raw);
  });
}

async function waitReady(base: string, exited: Promise<number | null>, stderr: () => string): Promise<void> {
  let dead: number | null | undefined;
  void exited.then((code) => (dead = code));
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    if (dead !== undefined) throw new Error(`the service exited (code ${String(dead)}) before it was ready:\n${stderr()}`);
    try {
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`the service was not ready within 30 s:\n${stderr()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = http.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Nearest-rank percentile of sorted values. */
function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const fmt = (n: number): string => (Number.isFinite(n) ? (Math.round(n * 10) / 10).toFixed(1) : 'n/a');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function printTable(rows: Row[]): void {
  const w = Math.max(...rows.map((r) => r.name.length), 'benchmark'.length);
  const v = Math.max(...rows.map((r) => r.value.length), 'result'.length);
  const line = `+-${'-'.repeat(w)}-+-${'-'.repeat(v)}-+`;
  console.log(line);
  console.log(`| ${'benchmark'.padEnd(w)} | ${'result'.padEnd(v)} |`);
  console.log(line);
  for (const r of rows) console.log(`| ${r.name.padEnd(w)} | ${r.value.padEnd(v)} |`);
  console.log(line);
  console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${os.platform()} ${os.arch()}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
