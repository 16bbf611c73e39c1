import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandoffSummary, TranscriptEntry } from '../../src/handoff/types.js';
import { t } from '../../src/i18n/messages.js';
import { createTestSchema, DATABASE_URL, type TestSchema } from '../storage/pgTestSchema.js';
import { BotClient } from '../http/botClient.js';
import { AgentClient } from '../support/agentClient.js';
import type { FakeGraph } from '../support/fakeGraph.js';
import { startFakeGraph, startMetaService, tempDataDir, type RunningService } from '../support/metaService.js';
import { MetaUser, said, texts } from '../support/metaUser.js';

/**
 * An officer on one instance serving a customer whose messages arrive on the other: two
 * in-process instances on one PostgreSQL schema and one Redis prefix. The customer writes on
 * WhatsApp through instance A only; the officer uses instance B's console only. B must know the
 * 24-hour window A's inbound messages opened (shared contact_windows), see A's messages live
 * (Redis pub/sub), and hand back so the bot asks the next open question. The same for a Bot
 * Framework conversation: B must find the conversation reference A saved.
 */

const REDIS_URL = process.env.REDIS_URL;
const ready = Boolean(DATABASE_URL && REDIS_URL);
if (!ready) console.warn('SKIPPED: cross-instance handoff test: DATABASE_URL and REDIS_URL must both be set');

const PASSWORD = 'rahasia-petugas-123';

let graph: FakeGraph;
let schema: TestSchema;
let a: RunningService;
let b: RunningService;
const dataDirs: string[] = [];
/** A fake Bot Connector: what the instances post to a Bot Framework conversation's service URL. */
let connector: http.Server;
let connectorUrl: string;
const posted: Array<{ path: string; activity: { type: string; text?: string; conversation?: { id: string } } }> = [];

describe.skipIf(!ready)('an officer on instance B serves a WhatsApp customer who writes to instance A', () => {
  const userId = '6281300000901';
  let user: MetaUser;
  let officer: AgentClient;
  let handoff: HandoffSummary;

  beforeAll(async () => {
    connector = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        posted.push({ path: req.url ?? '', activity: JSON.parse(body || '{}') as (typeof posted)[number]['activity'] });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `act-${posted.length}` }));
      });
    });
    await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', resolve));
    connectorUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}`;
    graph = await startFakeGraph();
    schema = await createTestSchema(DATABASE_URL!, { migrated: true });
    const url = `${DATABASE_URL}${DATABASE_URL!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema.name}`)}`;
    const prefix = `test-${crypto.randomBytes(4).toString('hex')}:`;
    const start = async () => {
      const dir = tempDataDir();
      dataDirs.push(dir);
      return startMetaService(graph, dir, { DATABASE_URL: url, REDIS_URL, REDIS_PREFIX: prefix, OFFICER_HOURS: 'always' });
    };
    a = await start();
    b = await start();
    // One account table for both instances: created through A, used on B.
    await a.service.handoffs.officers.create({ username: 'sari.cso', displayName: 'Sari', password: PASSWORD });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a, b].filter(Boolean).map((r) => r.stop()));
    await schema?.drop();
    await graph?.close();
    if (connector) await new Promise<void>((resolve) => connector.close(() => resolve()));
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('queues the customer who asks for an officer on A', async () => {
    user = new MetaUser(a, graph, 'whatsapp', userId, 'Budi');
    await user.say('daftar seller');
    await user.say('Budi Santoso');
    await user.say('Keripik Bu Sri');
    expect(await user.say('mau ngobrol sama petugas aja')).toEqual([said('whatsapp', 'officer.queued', { position: 1 }), said('whatsapp', 'officer.continueForm')]);
  });

  it("shows the handoff on B's console with the customer's window open", async () => {
    officer = await AgentClient.signIn(b.url, 'sari.cso', PASSWORD);
    const { status, body } = await officer.get<{ handoffs: HandoffSummary[] }>('/agent/api/handoffs');
    expect(status).toBe(200);
    const found = body.handoffs.find((h) => h.conversationId === userId);
    if (!found) throw new Error(`B lists no handoff for ${userId}`);
    handoff = found;
    expect(found).toMatchObject({ channel: 'whatsapp', status: 'waiting', position: 1, formKind: 'seller', customerName: 'Budi', windowOpen: true });
  });

  it("lets the officer take it on B; the customer hears so, sent by B within A's window", async () => {
    expect((await officer.post(`/agent/api/handoffs/${handoff.id}/take`)).status).toBe(200);
    expect(texts(user.newSends())).toEqual([said('whatsapp', 'officer.joined', { officer: 'Sari' })]);
  });

  it("streams to B's console, live, a message the customer sent to A", async () => {
    let opened!: () => void;
    const streamOpen = new Promise<void>((resolve) => (opened = resolve));
    const isIt = (e: { event: string; data: unknown }) => e.event === 'transcript' && (e.data as TranscriptEntry).text === 'halo, masih di sana?';
    const live = officer.events(isIt, 10_000, () => opened());
    await streamOpen;
    // The bot stays silent while the officer holds the conversation.
    expect(await user.say('halo, masih di sana?')).toEqual([]);
    const line = (await live).find(isIt)?.data as TranscriptEntry | undefined;
    expect(line).toMatchObject({ conversationKey: `whatsapp:${userId}`, from: 'customer', text: 'halo, masih di sana?' });
  });

  it("delivers the officer's reply from B to WhatsApp", async () => {
    const { status, body } = await officer.post<{ delivery: string; entry: TranscriptEntry }>(`/agent/api/handoffs/${handoff.id}/reply`, {
      text: 'Halo Pak Budi, saya Sari. Produknya apa saja?',
    });
    expect(status).toBe(200);
    expect(body.delivery).toBe('sent');
    expect(body.entry).toMatchObject({ from: 'agent', officer: 'sari.cso' });
    expect(texts(user.newSends())).toEqual(['Halo Pak Budi, saya Sari. Produknya apa saja?']);
    // B had nothing to record: it knew the window was open.
    expect(await b.service.windows.failures('whatsapp', userId)).toEqual([]);
  });

  it('hands back on B: the bot asks the next open question, and the form goes on through A', async () => {
    expect((await officer.post(`/agent/api/handoffs/${handoff.id}/handback`)).status).toBe(200);
    expect(texts(user.newSends())).toEqual([said('whatsapp', 'officer.handedBack'), expect.stringContaining(t('id', 'fields.productType.question'))]);
    expect(await user.say('keripik singkong')).toEqual([expect.stringContaining(t('id', 'fields.city.question'))]);
    const list = await officer.get<{ handoffs: HandoffSummary[] }>('/agent/api/handoffs');
    expect(list.body.handoffs.find((h) => h.id === handoff.id)).toBeUndefined();
  });

  it("sends the officer's reply from B to a Bot Framework conversation that only A has seen", async () => {
    const client = new BotClient(a.url, `webchat-${crypto.randomBytes(4).toString('hex')}`, 'webchat', connectorUrl);
    await client.say('daftar seller');
    await client.say('Dewi Lestari');
    await client.say('saya mau bicara dengan petugas');
    const { body } = await officer.get<{ handoffs: HandoffSummary[] }>('/agent/api/handoffs');
    const held = body.handoffs.find((h) => h.conversationId === client.conversationId);
    if (!held) throw new Error(`B lists no handoff for ${client.conversationId}`);
    // B can reach it only through the reference A saved.
    expect(held).toMatchObject({ channel: 'bf:webchat', status: 'waiting', windowOpen: true });
    expect((await officer.post(`/agent/api/handoffs/${held.id}/take`)).status).toBe(200);
    const reply = await officer.post<{ delivery: string }>(`/agent/api/handoffs/${held.id}/reply`, { text: 'Baik Bu Dewi, saya bantu.' });
    expect(reply.body.delivery).toBe('sent');
    expect(posted.at(-1)).toMatchObject({
      path: expect.stringMatching(new RegExp(`^/v3/conversations/${client.conversationId}/activities`)),
      activity: { type: 'message', text: 'Baik Bu Dewi, saya bantu.', conversation: { id: client.conversationId } },
    });
    expect((await officer.post(`/agent/api/handoffs/${held.id}/handback`)).status).toBe(200);
    expect(posted.slice(-2).map((p) => p.activity.text)).toEqual([t('id', 'officer.handedBack'), t('id', 'fields.businessName.question')]);
  });
});
