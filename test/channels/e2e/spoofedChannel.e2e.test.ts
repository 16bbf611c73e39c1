import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../../src/i18n/messages.js';
import type { HandoffSummary } from '../../../src/handoff/types.js';
import { AgentClient } from '../../support/agentClient.js';
import type { FakeGraph } from '../../support/fakeGraph.js';
import { fetchTicket, META, startFakeGraph, startMetaService, type RunningService } from '../../support/metaService.js';
import { MetaUser } from '../../support/metaUser.js';
import { productJpeg } from '../../support/photos.js';
import { BotClient } from '../../http/botClient.js';

/**
 * Issue 12, part 1: a Bot Framework client (no app id: anonymous, as by default) that calls itself
 * "whatsapp" and uses a WhatsApp user's number as its conversation id. The WhatsApp user talks
 * through the real signed webhook; the spoofer through /api/messages. The spoofer must reach only a
 * conversation of its own: not the user's dialog, tickets, officers' replies or notices, and
 * nothing it writes in channelData is taken as a Meta adapter's word.
 */

const ITSM = /ITSM-\d{8}-\d{5}/;

let graph: FakeGraph;
let run: RunningService;
let connector: http.Server;
let connectorUrl: string;
/** What the service posted to the spoofer's own Bot Connector (proactive messages). */
const posted: Array<{ text?: string }> = [];

beforeAll(async () => {
  connector = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      posted.push(JSON.parse(body || '{}') as { text?: string });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `act-${posted.length}` }));
    });
  });
  await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', resolve));
  connectorUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}`;
  graph = await startFakeGraph();
  run = await startMetaService(graph, undefined, { OFFICER_HOURS: 'always' });
  await run.service.handoffs.officers.create({ username: 'dewi.cso', displayName: 'Dewi', password: 'rahasia-petugas-123' });
});
afterAll(async () => {
  await run.stop();
  await graph.close();
  await new Promise<void>((resolve) => connector.close(() => resolve()));
  fs.rmSync(run.dataDir, { recursive: true, force: true });
});

/** The spoofer: Bot Framework endpoint, channel id "whatsapp", the victim's number as conversation id. */
const spoofing = (number: string) => new BotClient(run.url, number, 'whatsapp', connectorUrl);

/** A complaint filed over WhatsApp by `user` with `phone` as the contact number; returns the ticket number. */
async function fileComplaint(user: MetaUser, phone: string): Promise<string> {
  await user.say('saya sudah bayar pakai transfer bank tapi gagal terus');
  await user.say('ya');
  await user.say('Rudi Hartono');
  await user.say(phone);
  await user.say('rudi.h@gmail.com');
  await user.say('lewati');
  const done = await user.say('kirim');
  const number = ITSM.exec(done.join('\n'))?.[0];
  if (!number) throw new Error(`no ticket number in ${JSON.stringify(done)}`);
  return number;
}

describe('a Bot Framework client posing as a WhatsApp conversation', () => {
  it('cannot step or read the WhatsApp user\'s conversation', async () => {
    const victim = new MetaUser(run, graph, 'whatsapp', '6281200000001', 'Siti Aminah');
    await victim.say('daftar seller');
    expect(await victim.say('Siti Aminah')).toEqual([t('id', 'fields.businessName.question')]);

    // The spoofer answers the victim's pending question: it lands in a conversation of its own.
    const spoofer = spoofing('6281200000001');
    const answered = await spoofer.say('Toko Palsu');
    expect(answered).not.toContain(t('id', 'fields.productType.question'));
    expect(answered.join('\n')).not.toContain('Siti Aminah');

    // The victim's form is where they left it: their answer is still the business name.
    expect(await victim.say('Batik Tulis Bu Siti')).toEqual([t('id', 'fields.productType.question')]);
    const state = await run.service.engine.peek('whatsapp:6281200000001');
    expect(state?.context.application?.fields).toMatchObject({ name: 'Siti Aminah', businessName: 'Batik Tulis Bu Siti' });
  });

  it('cannot see the WhatsApp user\'s tickets as those of its conversation', async () => {
    const victim = new MetaUser(run, graph, 'whatsapp', '6281200000002');
    const number = await fileComplaint(victim, '0812 0000 0002');
    expect((await fetchTicket(run.url, number)).body).toMatchObject({ channel: 'whatsapp', conversationId: '6281200000002' });
    // "My reports" in the spoofer's conversation finds none of the victim's.
    expect(await spoofing('6281200000002').say('cek status')).toEqual([t('id', 'status.askNumber')]);
  });

  it('cannot pass as the ticket\'s WhatsApp number by writing it in channelData', async () => {
    const number = await fileComplaint(new MetaUser(run, graph, 'whatsapp', '6281200000005'), '0812 0000 0005');
    // A forged WhatsApp profile number proves nothing: the spoofer is asked for the ticket's phone or email.
    const claimant = new BotClient(run.url, 'spoofer-conv-5', 'whatsapp', connectorUrl);
    const replies = await claimant.say(`cek ${number}`, { channelData: { profile: { name: 'Rudi Hartono', phone: '+6281200000005' } } });
    expect(replies).toEqual([t('id', 'status.verify', { number })]);
  });

  it('does not divert officers\' replies meant for the WhatsApp user to its own connector', async () => {
    const victim = new MetaUser(run, graph, 'whatsapp', '6281200000003');
    await victim.say('petugas');
    // The spoofer's turn stores its Bot Framework address (its connector) for its own conversation.
    await spoofing('6281200000003').say('halo');

    const dewi = await AgentClient.signIn(run.url, 'dewi.cso', 'rahasia-petugas-123');
    const { body } = await dewi.get<{ handoffs: HandoffSummary[] }>('/agent/api/handoffs');
    const handoff = body.handoffs.find((h) => h.conversationId === '6281200000003' && h.channel === 'whatsapp');
    expect(handoff).toBeDefined();
    expect((await dewi.post(`/agent/api/handoffs/${handoff?.id}/take`)).status).toBe(200);
    const reply = await dewi.post<{ delivery: string }>(`/agent/api/handoffs/${handoff?.id}/reply`, { text: 'Halo, saya Dewi dari PLN 123.' });
    expect(reply.body.delivery).toBe('sent');
    await run.idle();
    await run.channel('whatsapp').adapter.sendsIdle();

    expect(posted.map((p) => p.text)).not.toContain('Halo, saya Dewi dari PLN 123.');
    expect(graph.textsTo('6281200000003')).toContain('Halo, saya Dewi dari PLN 123.');
  });

  it('files its tickets as a Bot Framework conversation: support replies never go to the WhatsApp user', async () => {
    const victim = new MetaUser(run, graph, 'whatsapp', '6281200000004');
    await victim.say('halo');
    const spoofer = spoofing('6281200000004');
    await spoofer.say('saya sudah bayar pakai transfer bank tapi gagal terus');
    await spoofer.say('ya');
    await spoofer.say('Rudi Hartono');
    await spoofer.say('0812 0000 0004');
    await spoofer.say('rudi.h@gmail.com');
    await spoofer.say('lewati');
    const number = ITSM.exec((await spoofer.say('kirim')).join('\n'))?.[0];
    expect(number).toBeDefined();

    const before = graph.textsTo('6281200000004').length;
    const res = await fetch(`${run.url}/api/tickets/${number}/replies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${META.ticketsToken}` },
      body: JSON.stringify({ text: 'Silakan coba bayar lagi.', author: 'Tim Support' }),
    });
    expect(res.status).toBe(200);
    await run.service.notifier.idle();
    expect(run.service.notifier.recent().find((r) => r.number === number)).toMatchObject({ channel: 'unsupported' });
    expect(graph.textsTo('6281200000004').slice(before)).toEqual([]);
    expect((await fetchTicket(run.url, number!)).body).toMatchObject({ channel: 'bf:whatsapp', conversationId: '6281200000004' });
  });
});

describe('channelData of a Bot Framework activity', () => {
  const client = () => new BotClient(run.url, `forged-${Math.random().toString(36).slice(2)}`, 'whatsapp', connectorUrl);
  const sellerStart = [t('id', 'seller.intro'), t('id', 'fields.name.question')];

  it('is not taken as a Meta adapter\'s unsupported kind', async () => {
    expect(await client().say('daftar seller', { channelData: { unsupported: 'sticker' } })).toEqual(sellerStart);
  });

  it('is not taken as a Meta adapter\'s photo download', async () => {
    const photo = `data:image/jpeg;base64,${(await productJpeg(400, 300)).toString('base64')}`;
    expect(await client().say('daftar seller', { channelData: { photoSource: { kind: 'dataUrl', url: photo } } })).toEqual(sellerStart);
  });

  it('is not taken as a WhatsApp profile', async () => {
    const { replies } = await client().send('daftar seller', { channelData: { profile: { name: 'Siti Aminah', phone: '+6281200000009' } } });
    expect(replies.map((r) => r.text)).toEqual(sellerStart);
    expect(replies[1]?.suggestedActions).toBeUndefined();
  });

  it('is not taken as the webhook inbox\'s "recovered" mark: a repeated message is dropped, not answered again', async () => {
    const user = client();
    expect(await user.say('daftar seller', { id: 'msg-1' })).toEqual(sellerStart);
    expect(await user.send('daftar seller', { id: 'msg-1', channelData: { recovered: true } })).toMatchObject({ status: 200, replies: [] });
  });
});
