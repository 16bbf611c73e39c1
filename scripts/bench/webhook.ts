/**
 * Acknowledgement latency of POST /webhooks/whatsapp under concurrent load. The service runs as a
 * child process; its Graph API is a fake in this process. `requests` signed text webhooks
 * (distinct users and wamids) are sent with `concurrency` in flight over keep-alive connections,
 * each request timed to its 200; then we wait (bounded) until the bot has sent every reply (the
 * work done after the 200) and stop the child with SIGTERM.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { signMetaPayload } from '../../src/channels/meta/signature.js';
import { FakeGraph } from '../../test/support/fakeGraph.js';
import { wa, whatsAppWebhook } from '../../test/support/metaWebhooks.js';
import { makeTempDir, removeTempDir, sleep, startChild, stopChild, type Child } from './child.js';
import { pct } from './loadGen.js';
import { fmt, type Row } from './report.js';

const SECRET = 'bench-app-secret';
const WA_TOKEN = 'EAAG-bench-token';
const PHONE_NUMBER_ID = '100200300400500';

export async function webhookBenchmark(root: string, requests: number, concurrency: number): Promise<{ rows: Row[]; ok: boolean }> {
  const warmup = Math.min(200, requests);
  const rows: Row[] = [];
  const graph = await FakeGraph.start({ whatsappToken: WA_TOKEN, phoneNumberId: PHONE_NUMBER_ID, version: 'v25.0', record: false });
  const dataDir = makeTempDir('pln123-bench-');
  let child: Child | undefined;
  try {
    child = await startChild('service (webhook)', root, 'dist/src/main.js', {
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      META_APP_SECRET: SECRET,
      META_VERIFY_TOKEN: 'bench-verify-token',
      GRAPH_API_BASE_URL: graph.url,
      GRAPH_API_VERSION: 'v25.0',
      WHATSAPP_ACCESS_TOKEN: WA_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    });
    // Bodies and signatures are prepared before timing: the measurement is the service's.
    const bodies = Array.from({ length: warmup + requests }, (_, i) => {
      const user = `62812${String(10_000_000 + i).padStart(8, '0')}`;
      const raw = Buffer.from(JSON.stringify(whatsAppWebhook([wa.text(user, 'halo', { name: 'Bench', id: `wamid.bench.${randomUUID()}` })], PHONE_NUMBER_ID)));
      return { raw, signature: signMetaPayload(raw, SECRET) };
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    process.stderr.write(`webhook: ${warmup} warm-up requests, then ${requests} with concurrency ${concurrency}...\n`);
    await runLoad(child.base, agent, bodies.slice(0, warmup), concurrency);
    const load = await runLoad(child.base, agent, bodies.slice(warmup), concurrency);
    const sorted = [...load.latencies].sort((a, b) => a - b);
    const failed = load.statuses.filter((s) => s !== 200).length;
    rows.push({
      name: `webhook: ack latency (${requests} req, concurrency ${concurrency})`,
      value: `p50 ${fmt(pct(sorted, 50))} ms, p99 ${fmt(pct(sorted, 99))} ms, max ${fmt(sorted.at(-1) ?? NaN)} ms`,
    });
    rows.push({ name: 'webhook: throughput of acknowledgements', value: `${Math.round(requests / (load.wallMs / 1000))} req/s (${fmt(load.wallMs)} ms wall)` });
    rows.push({ name: 'webhook: non-200 answers', value: String(failed) });

    // The replies are sent after the 200: wait (bounded) until the bot has answered every user.
    const expected = warmup + requests;
    const deadline = performance.now() + 60_000;
    while (graph.sendCount < expected && performance.now() < deadline) await sleep(20);
    const drainedMs = performance.now() - load.startedAt;
    rows.push({
      name: 'webhook: replies sent to the fake Graph API',
      value: `${graph.sendCount}/${expected}, the last ${fmt(drainedMs)} ms after the load began (${Math.round(requests / (drainedMs / 1000))} turns/s)`,
    });
    agent.destroy();
    const code = await stopChild(child);
    rows.push({ name: 'service: exit code after SIGTERM', value: String(code) });
    return { rows, ok: failed === 0 && graph.sendCount >= expected && code === 0 };
  } finally {
    if (child) await stopChild(child, 2_000);
    await graph.close();
    removeTempDir(dataDir);
  }
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
