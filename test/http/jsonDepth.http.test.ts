import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient } from '../support/agentClient.js';
import type { FakeGraph } from '../support/fakeGraph.js';
import { META, startFakeGraph, startMetaService, type RunningService } from '../support/metaService.js';
import { postWebhook, wa, whatsAppWebhook } from '../support/metaWebhooks.js';

/**
 * Issue 12, part 1: every endpoint that parses a JSON body refuses one nested deeper than 64
 * levels with 400 {"error":"json_too_deep"}, instead of parsing it (JSON.parse has no limit and
 * builds the whole value first).
 */

let graph: FakeGraph;
let run: RunningService;

beforeAll(async () => {
  graph = await startFakeGraph();
  run = await startMetaService(graph);
  await run.service.handoffs.officers.create({ username: 'dewi.cso', displayName: 'Dewi', password: 'rahasia-petugas-123' });
});
afterAll(async () => {
  await run.stop();
  await graph.close();
  fs.rmSync(run.dataDir, { recursive: true, force: true });
});

/** Arrays nested `levels` deep. */
const nested = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels)) as unknown;
const TOO_DEEP = { error: 'json_too_deep' };

const activity = (extra: unknown) => ({
  type: 'message',
  id: `m-${Math.random()}`,
  channelId: 'emulator',
  serviceUrl: 'http://127.0.0.1:9/',
  from: { id: 'user-1' },
  recipient: { id: 'bot' },
  conversation: { id: `conv-${Math.random()}` },
  deliveryMode: 'expectReplies',
  text: 'halo',
  channelData: extra,
});

async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${run.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, body: (await res.json().catch(() => null)) as unknown };
}

describe('JSON nesting depth', () => {
  it('Bot Framework endpoint: an activity nested 65 levels deep is refused, one of 60 is answered', async () => {
    // The activity itself is one level; its channelData adds the rest.
    expect(await post('/api/messages', JSON.stringify(activity(nested(64))))).toEqual({ status: 400, body: TOO_DEEP });
    expect((await post('/api/messages', JSON.stringify(activity(nested(59))))).status).toBe(200);
  });

  it('Bot Framework endpoint: a 6 MB body of 3 million levels is refused without being parsed', async () => {
    const levels = 3 * 1024 * 1024;
    expect(await post('/api/messages', '['.repeat(levels) + ']'.repeat(levels))).toEqual({ status: 400, body: TOO_DEEP });
  });

  it('Meta webhook: a signed body nested too deep is refused', async () => {
    const body = whatsAppWebhook([wa.text('6281299999999', 'halo')], META.phoneNumberId);
    const deep = { ...body, extra: nested(70) };
    expect(await postWebhook(run.url, 'whatsapp', deep, { secret: META.appSecret })).toEqual({ status: 400, text: JSON.stringify(TOO_DEEP) });
    expect(graph.sendsTo('6281299999999')).toEqual([]);
  });

  it('agent console: sign-in and changes nested too deep are refused', async () => {
    const login = await post('/agent/api/login', JSON.stringify({ username: 'dewi.cso', password: 'rahasia-petugas-123', extra: nested(70) }));
    expect(login).toEqual({ status: 400, body: TOO_DEEP });
    const dewi = await AgentClient.signIn(run.url, 'dewi.cso', 'rahasia-petugas-123');
    expect(await dewi.post('/agent/api/handoffs/1/reply', { text: nested(70) })).toEqual({ status: 400, body: TOO_DEEP });
  });

  it('ticket API: a support reply nested too deep is refused', async () => {
    const reply = await post('/api/tickets/ITSM-20260101-00001/replies', JSON.stringify({ text: 'Sudah kami proses.', author: 'Tim Support', status: nested(70) }), {
      authorization: `Bearer ${META.ticketsToken}`,
    });
    expect(reply).toEqual({ status: 400, body: TOO_DEEP });
  });
});
