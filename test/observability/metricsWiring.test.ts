import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TestAdapter } from 'botbuilder';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DialogEngine } from '../../src/bot/dialogEngine.js';
import { PlnBot } from '../../src/bot/plnBot.js';
import type { MetaConfig } from '../../src/config.js';
import { createWhatsAppChannel, type WhatsAppChannelHandle } from '../../src/channels/whatsapp/whatsAppChannel.js';
import { LocalHandoffBus } from '../../src/handoff/handoffBus.js';
import { HandoffGate } from '../../src/handoff/handoffGate.js';
import { HandoffStore } from '../../src/handoff/handoffStore.js';
import { WorkingHours } from '../../src/core/workingHours.js';
import { createLogger } from '../../src/log.js';
import { Metrics } from '../../src/observability/metrics.js';
import { metricsRouter } from '../../src/http/metricsRouter.js';
import { queueDepthsFrom } from '../../src/observability/queueDepths.js';
import { ContactWindowStore } from '../../src/storage/contactWindowStore.js';
import { openSqliteDatabase, sqliteDatabase } from '../../src/storage/database.js';
import { openSqlite, type SqliteDatabase } from '../../src/storage/sqlite.js';
import { ConversationStore } from '../../src/storage/conversationStore.js';
import { SqlOutboxStore } from '../../src/tickets/outboxStore.js';
import { FakeServices, testUnderstanding } from '../dialogs/harness.js';
import { FakeGraph } from '../support/fakeGraph.js';
import { newWamid, postWebhook, wa, whatsAppWebhook } from '../support/metaWebhooks.js';
import { valueOf } from './scrape.js';

/**
 * The instrumented parts put together as the service will (real dialog engine, handoff gate,
 * WhatsApp channel with its Graph client and webhook router, contact-window store), without
 * src/service.ts: webhooks go in, the fake Graph API answers, and /metrics shows the counters move.
 */

const SECRET = 'metrics-app-secret';
const PHONE_NUMBER_ID = '106540352242922';
const WA_TOKEN = 'EAAG-metrics-whatsapp-token';
const SCRAPE_TOKEN = 'metrics-scrape-token';
const log = createLogger('silent');

let graph: FakeGraph;
let db: SqliteDatabase;
let metrics: Metrics;
let channel: WhatsAppChannelHandle;
let server: Server;
let url = '';

beforeAll(async () => {
  graph = await FakeGraph.start({ whatsappToken: WA_TOKEN, phoneNumberId: PHONE_NUMBER_ID, version: 'v25.0' });
  db = openSqlite(':memory:');
  const database = sqliteDatabase(db);
  const outbox = new SqlOutboxStore(database);
  const handoffs = new HandoffStore(database);
  metrics = new Metrics({ queueDepths: queueDepthsFrom({ outboxPending: () => outbox.pendingCount(), handoffCounts: () => handoffs.countOpen() }) });
  const engine = new DialogEngine({
    store: new ConversationStore(database),
    machine: new FakeServices().machine(),
    defaultLocale: 'id',
    understanding: testUnderstanding,
    handoffs: new HandoffGate({ store: handoffs, bus: new LocalHandoffBus(), hours: WorkingHours.parse('always', 'Asia/Jakarta'), metrics }),
  });
  const bot = new PlnBot({ engine, log, defaultLocale: 'id', metrics });
  const windows = new ContactWindowStore(openSqliteDatabase(':memory:').db, { onFailure: (f) => metrics.deliveryFailed(f.channel, f.reason) });
  const meta: MetaConfig = {
    verifyToken: 'metrics-verify-token',
    graphBaseUrl: graph.url,
    graphVersion: 'v25.0',
    webhookBodyLimitBytes: 64 * 1024,
    sendTimeoutMs: 30_000,
    retry: { maxAttempts: 3, baseDelayMs: 1 },
    whatsapp: { accessToken: WA_TOKEN, appSecret: SECRET, phoneNumberId: PHONE_NUMBER_ID },
  };
  const handle = createWhatsAppChannel({ meta, windows, bot, log, metrics });
  if (!handle) throw new Error('WhatsApp channel is off');
  channel = handle;
  const app = express();
  app.use(channel.router);
  app.use(metricsRouter(metrics, { token: SCRAPE_TOKEN }));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await graph.close();
  db.close();
});

async function say(from: string, text: string, id = newWamid()): Promise<{ status: number; id: string }> {
  const res = await postWebhook(url, 'whatsapp', whatsAppWebhook([wa.text(from, text, { id })], PHONE_NUMBER_ID), { secret: SECRET });
  await channel.idle();
  return { status: res.status, id };
}

async function scrape(): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${SCRAPE_TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
}

const throttled = { status: 429, body: { error: { message: '(#130429) Rate limit hit', code: 130429 } } };
const undeliverable = { status: 400, body: { error: { message: '(#131026) Message undeliverable', code: 131026 } } };

describe('metrics through the real parts', () => {
  it('counts turns, duplicates, webhook answers and Graph calls', async () => {
    const first = await say('6281400000101', 'halo');
    expect(first.status).toBe(200);
    expect(graph.textsTo('6281400000101').length).toBeGreaterThan(0);
    // Meta redelivers the same message: acknowledged again, dropped by the engine.
    expect((await say('6281400000101', 'halo', first.id)).status).toBe(200);
    const unsigned = await postWebhook(url, 'whatsapp', whatsAppWebhook([wa.text('6281400000101', 'halo')], PHONE_NUMBER_ID), { secret: SECRET, signature: null });
    expect(unsigned.status).toBe(401);
    const tooLarge = await postWebhook(url, 'whatsapp', 'x'.repeat(100 * 1024), { secret: SECRET });
    expect(tooLarge.status).toBe(413);

    const text = await scrape();
    expect(valueOf(text, 'pln_turns_total', { channel: 'whatsapp', outcome: 'replied' })).toBe(1);
    expect(valueOf(text, 'pln_turns_total', { channel: 'whatsapp', outcome: 'duplicate' })).toBe(1);
    expect(valueOf(text, 'pln_turn_duration_seconds_count', { channel: 'whatsapp' })).toBe(2);
    expect(valueOf(text, 'pln_webhooks_total', { channel: 'whatsapp', status: '200' })).toBe(2);
    expect(valueOf(text, 'pln_webhooks_total', { channel: 'whatsapp', status: '401' })).toBe(1);
    expect(valueOf(text, 'pln_webhooks_total', { channel: 'whatsapp', status: '413' })).toBe(1);
    expect(valueOf(text, 'pln_graph_requests_total', { channel: 'whatsapp', outcome: 'ok' })).toBe(graph.textsTo('6281400000101').length);
    expect(text).not.toContain('6281400000101');
  });

  it('counts a handoff opened once, and reads the queue depths from the tables at scrape time', async () => {
    await say('6281400000102', 'petugas');
    await say('6281400000102', 'petugas');
    // The ticket module owns this table; only the state the gauge reads matters here.
    const at = '2026-11-24T01:00:00.000Z';
    for (const [key, state] of [['k1', 'pending'], ['k2', 'itsm_filed'], ['k3', 'done']]) {
      db.prepare("INSERT INTO ticket_outbox (idempotency_key, request_json, state, created_at, updated_at) VALUES (?, '{}', ?, ?, ?)").run(key, state, at, at);
    }

    const text = await scrape();
    expect(valueOf(text, 'pln_handoffs_opened_total', { reason: 'asked' })).toBe(1);
    expect(valueOf(text, 'pln_handoffs', { status: 'waiting' })).toBe(1);
    expect(valueOf(text, 'pln_handoffs', { status: 'active' })).toBe(0);
    expect(valueOf(text, 'pln_ticket_outbox_pending')).toBe(2);

    db.prepare("UPDATE handoffs SET status = 'active', officer = 'dewi' WHERE status = 'waiting'").run();
    db.prepare("UPDATE ticket_outbox SET state = 'done'").run();
    const after = await scrape();
    expect(valueOf(after, 'pln_handoffs', { status: 'waiting' })).toBe(0);
    expect(valueOf(after, 'pln_handoffs', { status: 'active' })).toBe(1);
    expect(valueOf(after, 'pln_ticket_outbox_pending')).toBe(0);
    // The officer holds the conversation: the bot stays silent.
    await say('6281400000102', 'halo?');
    expect(valueOf(await scrape(), 'pln_turns_total', { channel: 'whatsapp', outcome: 'silent' })).toBe(1);
  });

  it('counts Graph errors by kind, failed calls and delivery failures', async () => {
    const before = await scrape();
    const okBefore = valueOf(before, 'pln_graph_requests_total', { channel: 'whatsapp', outcome: 'ok' }) ?? 0;

    graph.failNext(1, throttled);
    await say('6281400000103', 'halo');
    let text = await scrape();
    expect(valueOf(text, 'pln_graph_errors_total', { channel: 'whatsapp', kind: 'throttled' })).toBe(1);
    expect(valueOf(text, 'pln_graph_requests_total', { channel: 'whatsapp', outcome: 'ok' })).toBe(okBefore + graph.textsTo('6281400000103').length);
    expect(valueOf(text, 'pln_graph_requests_total', { channel: 'whatsapp', outcome: 'failed' })).toBeUndefined();

    graph.failNext(1, undeliverable);
    await say('6281400000104', 'halo');
    text = await scrape();
    expect(valueOf(text, 'pln_graph_errors_total', { channel: 'whatsapp', kind: 'permanent' })).toBe(1);
    expect(valueOf(text, 'pln_graph_requests_total', { channel: 'whatsapp', outcome: 'failed' })).toBe(1);
    expect(valueOf(text, 'pln_delivery_failures_total', { channel: 'whatsapp', reason: 'permanent' })).toBe(1);
    // The turn handed its replies over and ended: Graph's refusal is a delivery failure, not a failed turn.
    expect(valueOf(text, 'pln_turns_total', { channel: 'whatsapp', outcome: 'failed' })).toBeUndefined();
  });

  it('counts a turn whose dialog step throws as failed, on a Bot Framework channel', async () => {
    const own = new Metrics();
    const broken = { step: async () => Promise.reject(new Error('database is locked')) } as unknown as DialogEngine;
    const bot = new PlnBot({ engine: broken, log, defaultLocale: 'id', metrics: own });
    const adapter = new TestAdapter((context) => bot.onTurn(context));
    await adapter.send('halo').assertReply(() => undefined);
    const text = await own.scrape();
    expect(valueOf(text, 'pln_turns_total', { channel: 'test', outcome: 'failed' })).toBe(1);
    expect(valueOf(text, 'pln_turn_duration_seconds_count', { channel: 'test' })).toBe(1);
  });
});
