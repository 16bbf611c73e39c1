import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/messages.js';
import type { HandoffSummary } from '../../src/handoff/types.js';
import { AgentClient } from '../support/agentClient.js';
import type { FakeGraph } from '../support/fakeGraph.js';
import { startFakeGraph, startMetaService, tempDataDir, type RunningService } from '../support/metaService.js';
import { BotClient } from '../http/botClient.js';

/**
 * A Bot Framework channel (Web Chat, Emulator, Direct Line): the bot announces the handoff with the
 * SDK's `handoff.initiate` event and the transcript, stays silent while an officer holds the
 * conversation, and the officer's replies go out proactively to the channel's service URL (a fake
 * Bot Connector on loopback here).
 */

interface Posted {
  path: string;
  activity: { type: string; text?: string; conversation?: { id: string } };
}

let graph: FakeGraph;
let run: RunningService;
let connector: http.Server;
let connectorUrl: string;
const posted: Posted[] = [];
const dataDir = tempDataDir();

beforeAll(async () => {
  connector = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      posted.push({ path: req.url ?? '', activity: JSON.parse(body || '{}') as Posted['activity'] });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `act-${posted.length}` }));
    });
  });
  await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', resolve));
  connectorUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}`;
  graph = await startFakeGraph();
  run = await startMetaService(graph, dataDir, { OFFICER_HOURS: 'always' });
  await run.service.handoffs.officers.create({ username: 'dewi.cso', displayName: 'Dewi', password: 'rahasia-petugas-123' });
});
afterAll(async () => {
  await run.stop();
  await graph.close();
  await new Promise<void>((resolve) => connector.close(() => resolve()));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('handoff on a Bot Framework channel', () => {
  it('emits handoff.initiate with the transcript, keeps quiet while held, and delivers the officer proactively', async () => {
    const client = new BotClient(run.url, 'webchat-conv-1', 'webchat', connectorUrl);
    await client.say('daftar seller');
    await client.say('Dewi Lestari');
    const { activities } = await client.send('saya mau bicara dengan petugas');
    expect(activities.filter((a) => a.type === 'message').map((a) => a.text)).toEqual([t('id', 'officer.queued', { position: 1 }), t('id', 'officer.continueForm')]);
    const initiate = activities.find((a) => a.type === 'event');
    expect(initiate).toMatchObject({ name: 'handoff.initiate', value: { reason: 'asked', position: 1 }, conversation: { id: 'webchat-conv-1' } });
    const transcript = initiate?.attachments?.[0];
    expect(transcript).toMatchObject({ contentType: 'application/json', name: 'Transcript' });
    const lines = (transcript?.content as { activities: Array<{ text: string; from: { role: string } }> }).activities;
    expect(lines.map((l) => [l.from.role, l.text])).toEqual(
      expect.arrayContaining([
        ['user', 'daftar seller'],
        ['user', 'Dewi Lestari'],
        ['user', 'saya mau bicara dengan petugas'],
        ['bot', expect.stringContaining(t('id', 'fields.name.question'))],
      ]),
    );
    // A hub answering with handoff.status is accepted and ignored.
    const status = await fetch(`${run.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'event', name: 'handoff.status', value: { state: 'accepted' }, channelId: 'webchat', serviceUrl: connectorUrl, from: { id: 'hub' }, conversation: { id: 'webchat-conv-1' }, recipient: { id: 'bot' } }),
    });
    expect(status.status).toBeLessThan(300);

    const dewi = await AgentClient.signIn(run.url, 'dewi.cso', 'rahasia-petugas-123');
    const { body } = await dewi.get<{ handoffs: HandoffSummary[] }>('/agent/api/handoffs');
    const handoff = body.handoffs.find((h) => h.conversationId === 'webchat-conv-1');
    expect(handoff).toMatchObject({ channel: 'bf:webchat', status: 'waiting', windowOpen: true, form: { name: 'Dewi Lestari' } });
    expect((await dewi.post(`/agent/api/handoffs/${handoff?.id}/take`)).status).toBe(200);
    expect(posted.map((p) => p.activity.text)).toEqual([t('id', 'officer.joined', { officer: 'Dewi' })]);

    expect(await client.send('halo bu, saya tunggu')).toMatchObject({ status: 200, activities: [] });
    const reply = await dewi.post<{ delivery: string }>(`/agent/api/handoffs/${handoff?.id}/reply`, { text: 'Baik Bu Dewi, usahanya apa namanya?' });
    expect(reply.body.delivery).toBe('sent');
    expect(posted.at(-1)?.activity).toMatchObject({ type: 'message', text: 'Baik Bu Dewi, usahanya apa namanya?', conversation: { id: 'webchat-conv-1' } });
    expect(posted.at(-1)?.path).toMatch(/^\/v3\/conversations\/webchat-conv-1\/activities/);

    await dewi.post(`/agent/api/handoffs/${handoff?.id}/handback`);
    expect(posted.slice(-2).map((p) => p.activity.text)).toEqual([t('id', 'officer.handedBack'), t('id', 'fields.businessName.question')]);
    expect(await client.say('Kue Dewi')).toEqual([t('id', 'fields.productType.question')]);
  });
});
