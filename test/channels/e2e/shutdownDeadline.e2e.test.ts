import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeGraph } from '../../support/fakeGraph.js';
import { META, startFakeGraph, startMetaService, tempDataDir, type RunningService } from '../../support/metaService.js';
import { postWebhook, wa, whatsAppWebhook } from '../../support/metaWebhooks.js';

/**
 * Shutdown has a deadline of its own (src/service.ts, stop): a reply whose Graph send hangs does not
 * hold the process, and the message it answered is not lost: it is still in the webhook inbox, and
 * the next start finishes it without sending the reply Graph had taken a second time.
 */
let graph: FakeGraph;
let dataDir: string;
const running: RunningService[] = [];

beforeAll(async () => {
  graph = await startFakeGraph();
  dataDir = tempDataDir();
});
afterAll(async () => {
  for (const run of running) await run.service.stop({ drainMs: 0 }).catch(() => undefined);
  await graph.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** done_at of every message in the webhook inbox (read beside the running service: SQLite's WAL allows it). */
function inboxDone(): Array<number | null> {
  const db = new Database(path.join(dataDir, 'pln123.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT done_at FROM webhook_inbox').all() as Array<{ done_at: number | null }>).map((r) => r.done_at);
  } finally {
    db.close();
  }
}

const waitFor = async (what: string, done: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('stopping while a reply is still being sent', () => {
  it('closes after the drain deadline, and the next start finishes the message', async () => {
    // The client waits a minute for Graph, and Graph takes a minute to answer the first send.
    const first = await startMetaService(graph, dataDir, { GRAPH_SEND_TIMEOUT_MS: '60000' });
    running.push(first);
    graph.answerLate(1, 60_000);
    const userId = '6281500000077';
    const res = await postWebhook(first.url, 'whatsapp', whatsAppWebhook([wa.text(userId, 'halo')], META.phoneNumberId), { secret: META.appSecret });
    expect(res.status).toBe(200);
    await waitFor('the send taken by Graph', () => graph.unanswered === 1, 10_000);

    const started = Date.now();
    await first.service.stop({ drainMs: 300 });
    running.pop();
    expect(Date.now() - started).toBeLessThan(5_000);

    // The message is still in the webhook inbox, unfinished; its turn was committed before the send.
    expect(inboxDone()).toEqual([null]);

    // The next start finishes it: the reply Graph had already taken is not sent a second time.
    const before = graph.sendsTo(userId).length;
    const second = await startMetaService(graph, dataDir);
    running.push(second);
    await second.idle();
    await waitFor('the message finished by the next start', () => inboxDone()[0] !== null, 10_000);
    expect(graph.sendsTo(userId).length).toBe(before);
  }, 40_000);
});
