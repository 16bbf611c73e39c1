import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/messages.js';
import type { HandoffSummary, TranscriptEntry } from '../../src/handoff/types.js';
import { AgentClient } from '../support/agentClient.js';
import type { FakeGraph } from '../support/fakeGraph.js';
import { fetchTicket, META, startFakeGraph, startMetaService, tempDataDir, type RunningService } from '../support/metaService.js';
import { MetaUser, said, texts } from '../support/metaUser.js';
import { messengerWebhook, mg, newWamid, postWebhook, wa, whatsAppWebhook } from '../support/metaWebhooks.js';
import { jpegWithGps, pdfBytes, productJpeg } from '../support/photos.js';
import sharp from 'sharp';
import { STEPS } from '../support/applicationScript.js';

/**
 * The officers' side over HTTP against the real service: the customer's channel is a fake Graph
 * API on loopback, the officer uses the console's JSON API as the page does.
 */

let graph: FakeGraph;
let run: RunningService;
const dataDir = tempDataDir();
const PASSWORD = 'rahasia-petugas-123';
const HOUR = 60 * 60 * 1000;

beforeAll(async () => {
  graph = await startFakeGraph();
  run = await startMetaService(graph, dataDir, { OFFICER_HOURS: 'always' });
  await run.service.handoffs.officers.create({ username: 'sari.cso', displayName: 'Sari', password: PASSWORD });
  await run.service.handoffs.officers.create({ username: 'andi.cso', displayName: 'Andi', password: PASSWORD });
});
afterAll(async () => {
  await run.stop();
  await graph.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const waitingOf = async (agent: AgentClient, conversationId: string): Promise<HandoffSummary> => {
  const { body } = await agent.get<{ handoffs: HandoffSummary[] }>('/agent/api/handoffs');
  const found = body.handoffs.find((h) => h.conversationId === conversationId);
  if (!found) throw new Error(`no handoff for ${conversationId}`);
  return found;
};

const transcriptOf = async (agent: AgentClient, id: number): Promise<TranscriptEntry[]> =>
  (await agent.get<{ transcript: TranscriptEntry[] }>(`/agent/api/handoffs/${id}`)).body.transcript;

describe('a WhatsApp customer asks for an officer in the middle of the form', () => {
  const userId = '6281300000001';
  let user: MetaUser;
  let sari: AgentClient;
  let id: number;

  it('queues them with their position, and the console sees the handoff live with the form so far', async () => {
    user = new MetaUser(run, graph, 'whatsapp', userId, 'Budi');
    sari = await AgentClient.signIn(run.url, 'sari.cso', PASSWORD);
    await user.say('daftar seller');
    await user.say('Budi Santoso');
    await user.say('Keripik Bu Sri');

    let opened!: () => void;
    const streamOpen = new Promise<void>((resolve) => (opened = resolve));
    const live = sari.events((e) => e.event === 'handoff', 5000, () => opened());
    await streamOpen;
    expect(await user.say('mau ngobrol sama petugas aja')).toEqual([
      said('whatsapp', 'officer.queued', { position: 1 }),
      said('whatsapp', 'officer.continueForm'),
    ]);
    const events = await live;
    const pushed = events.find((e) => e.event === 'handoff')?.data as HandoffSummary;
    expect(pushed).toMatchObject({ channel: 'whatsapp', conversationId: userId, status: 'waiting', reason: 'asked', position: 1, formKind: 'seller', customerName: 'Budi' });
    expect(pushed.form).toEqual({ name: 'Budi Santoso', businessName: 'Keripik Bu Sri' });
    id = pushed.id;
    expect((await waitingOf(sari, userId)).id).toBe(id);
  });

  it('lets the form go on while waiting, and the officer sees every message', async () => {
    expect(await user.say('keripik singkong')).toEqual([expect.stringContaining(t('id', 'fields.city.question'))]);
    const lines = await transcriptOf(sari, id);
    expect(lines.map((l) => [l.from, l.text])).toContainEqual(['customer', 'keripik singkong']);
    expect(lines.map((l) => [l.from, l.text])).toContainEqual(['customer', 'mau ngobrol sama petugas aja']);
  });

  it('lets one officer take it; a second officer gets 409', async () => {
    const andi = await AgentClient.signIn(run.url, 'andi.cso', PASSWORD);
    const [a, b] = await Promise.all([sari.post(`/agent/api/handoffs/${id}/take`), andi.post(`/agent/api/handoffs/${id}/take`)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [winner, loser, winnerName] = a.status === 200 ? [sari, b, 'Sari'] : [andi, a, 'Andi'];
    expect(loser.body).toEqual({ error: 'already_taken', officer: winnerName });
    expect(texts(user.newSends())).toEqual([said('whatsapp', 'officer.joined', { officer: winnerName })]);
    // The rest of the story follows whoever won.
    sari = winner;
  });

  it('keeps the bot silent whatever arrives: text, a redelivery, a batch, a photo, a sticker', async () => {
    const before = graph.sendsTo(userId).length;
    expect(await user.say('kepanjen')).toEqual([]);
    const wamid = newWamid();
    const once = whatsAppWebhook([wa.text(userId, 'batal', { id: wamid, name: 'Budi' })], META.phoneNumberId);
    for (let i = 0; i < 2; i++) expect((await postWebhook(run.url, 'whatsapp', once, { secret: META.appSecret })).status).toBe(200);
    const batch = whatsAppWebhook(
      [wa.text(userId, 'petugas', { name: 'Budi' }), wa.text(userId, 'halo', { name: 'Budi' }), wa.sticker(userId, 'sticker-1', { name: 'Budi' })],
      META.phoneNumberId,
    );
    expect((await postWebhook(run.url, 'whatsapp', batch, { secret: META.appSecret })).status).toBe(200);
    await run.idle();
    await user.sendImage(await productJpeg(640, 480));
    expect(graph.sendsTo(userId).length).toBe(before);

    const customer = (await transcriptOf(sari, id)).filter((l) => l.from === 'customer').map((l) => l.text);
    expect(customer.slice(-6)).toEqual(['kepanjen', 'batal', 'petugas', 'halo', t('id', 'officer.unsupportedPlaceholder', { what: 'sticker' }), t('id', 'officer.photoPlaceholder')]);
    const photoLine = (await transcriptOf(sari, id)).at(-1);
    expect(photoLine?.attachment).toMatch(/^[0-9a-f]{64}\.jpg$/);
    const photo = await fetch(`${run.url}/agent/api/photos/${photoLine?.attachment?.replace('.jpg', '.thumb.jpg')}`, { headers: { cookie: sari.cookie ?? '' } });
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    // The dialog did not move: "batal" did not cancel the form.
    expect((await waitingOf(sari, userId)).form).toMatchObject({ name: 'Budi Santoso', productType: 'keripik singkong' });
  });

  it("sends the officer's reply on WhatsApp and records it", async () => {
    const { status, body } = await sari.post<{ delivery: string; entry: TranscriptEntry }>(`/agent/api/handoffs/${id}/reply`, { text: 'Halo Pak Budi, saya Sari. Kotanya Malang ya?' });
    expect(status).toBe(200);
    expect(body.delivery).toBe('sent');
    expect(body.entry).toMatchObject({ from: 'agent' });
    expect(texts(user.newSends())).toEqual(['Halo Pak Budi, saya Sari. Kotanya Malang ya?']);
  });

  it('hands back: the bot resumes at the first question still open', async () => {
    const { status } = await sari.post(`/agent/api/handoffs/${id}/handback`);
    expect(status).toBe(200);
    expect(texts(user.newSends())).toEqual([said('whatsapp', 'officer.handedBack'), expect.stringContaining(t('id', 'fields.city.question'))]);
    expect(await user.say('kepanjen')).toEqual([expect.stringContaining(t('id', 'fields.province.question'))]);
    const list = await sari.get<{ handoffs: HandoffSummary[] }>('/agent/api/handoffs');
    expect(list.body.handoffs.find((h) => h.id === id)).toBeUndefined();
    // Handing back twice is refused: the officer no longer holds it.
    expect((await sari.post(`/agent/api/handoffs/${id}/handback`)).status).toBe(409);
  });
});

describe('the console refuses what it must', () => {
  it('refuses a wrong password, a missing session and a missing or wrong CSRF token', async () => {
    const stranger = new AgentClient(run.url);
    expect((await stranger.login('sari.cso', 'salah-sandi-123')).status).toBe(401);
    expect((await stranger.get('/agent/api/handoffs')).status).toBe(401);
    expect((await stranger.post('/agent/api/handoffs/1/take')).status).toBe(401);
    const events = await fetch(`${run.url}/agent/api/events`);
    expect(events.status).toBe(401);
    await events.body?.cancel();

    const sari = await AgentClient.signIn(run.url, 'sari.cso', PASSWORD);
    const user = new MetaUser(run, graph, 'whatsapp', '6281300000002');
    await user.say('petugas');
    const h = await waitingOf(sari, '6281300000002');
    expect((await sari.post(`/agent/api/handoffs/${h.id}/take`, {}, { csrf: false })).status).toBe(403);
    expect((await sari.post(`/agent/api/handoffs/${h.id}/take`, {}, { csrf: false, headers: { 'x-csrf-token': 'forged' } })).status).toBe(403);
    expect((await sari.post(`/agent/api/handoffs/${h.id}/take`, {}, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await waitingOf(sari, '6281300000002')).status).toBe('waiting');
    expect((await sari.post(`/agent/api/handoffs/${h.id}/take`)).status).toBe(200);
    expect((await sari.post(`/agent/api/handoffs/${h.id}/reply`, { text: '' })).status).toBe(400);
    expect((await sari.post(`/agent/api/handoffs/${h.id}/reply`, { text: 'x'.repeat(2001) })).status).toBe(400);
    expect((await sari.post('/agent/api/handoffs/999999/take')).status).toBe(404);
    expect((await sari.get('/agent/api/photos/..%2F..%2Fpln123.sqlite')).status).toBe(404);
    await sari.post(`/agent/api/handoffs/${h.id}/close`);
  });
});

describe('Messenger outside the 24-hour window', () => {
  it("sends the officer's words with the HUMAN_AGENT tag, and nothing automated", async () => {
    const sari = await AgentClient.signIn(run.url, 'sari.cso', PASSWORD);
    // The customer asked 30 hours ago (the webhook carries the message's own time).
    const psid = '7700000000000001';
    const user = new MetaUser(run, graph, 'messenger', psid);
    await user.post(mg.text(psid, 'tolong sambungkan ke customer service', { timestamp: Date.now() - 30 * HOUR }));
    const h = await waitingOf(sari, psid);
    expect(h.windowOpen).toBe(true);
    user.newSends();
    expect((await sari.post(`/agent/api/handoffs/${h.id}/take`)).status).toBe(200);
    expect(user.newSends()).toEqual([]); // the "joined" notice is the bot's: not allowed outside 24 hours
    const reply = await sari.post<{ delivery: string }>(`/agent/api/handoffs/${h.id}/reply`, { text: 'Maaf menunggu lama, saya bantu sekarang.' });
    expect(reply.body.delivery).toBe('sent');
    expect(user.newSends()).toEqual([
      expect.objectContaining({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'Maaf menunggu lama, saya bantu sekarang.' } }),
    ]);
    // A PDF with a caption: the file as an attachment (tagged too), then the caption.
    const sent = await sari.postBytes<{ delivery: string; entry: { text: string; delivery: string } }>(`/agent/api/handoffs/${h.id}/files`, pdfBytes(), {
      'x-file-name': encodeURIComponent('Panduan seller.pdf'),
      'x-caption': encodeURIComponent('Ini panduannya, Bu.'),
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ delivery: 'sent', entry: { text: '📎 Panduan seller.pdf\nIni panduannya, Bu.', delivery: 'sent' } });
    const [file, caption] = user.newSends();
    expect(file).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { attachment: { type: 'file' } }, filedata: { fileName: 'Panduan seller.pdf', mime: 'application/pdf' } });
    expect((file?.filedata as { bytes: Buffer }).bytes.equals(pdfBytes())).toBe(true);
    expect(caption).toMatchObject({ message: { text: 'Ini panduannya, Bu.' } });
    // Not a photo nor a PDF, whatever it is called: refused.
    const text = await sari.postBytes(`/agent/api/handoffs/${h.id}/files`, Buffer.from('hello'), { 'x-file-name': 'foto.jpg' });
    expect(text).toMatchObject({ status: 415, body: { error: 'unsupported_file' } });
    await sari.post(`/agent/api/handoffs/${h.id}/close`);
  });

  it('sends an Instagram customer a photo, stripped of its metadata, and refuses a PDF there', async () => {
    const sari = await AgentClient.signIn(run.url, 'sari.cso', PASSWORD);
    const igsid = '1780000000000042';
    const user = new MetaUser(run, graph, 'instagram', igsid);
    await user.say('petugas');
    const h = await waitingOf(sari, igsid);
    await sari.post(`/agent/api/handoffs/${h.id}/take`);
    user.newSends();
    expect(await sari.postBytes(`/agent/api/handoffs/${h.id}/files`, pdfBytes(), { 'x-file-name': 'a.pdf' })).toMatchObject({ status: 415, body: { error: 'channel_refuses_file' } });
    const photo = await sari.postBytes<{ delivery: string }>(`/agent/api/handoffs/${h.id}/files`, await jpegWithGps(), { 'x-file-name': encodeURIComponent('contoh/../toko.JPG') });
    expect(photo).toMatchObject({ status: 200, body: { delivery: 'sent' } });
    const [send] = user.newSends();
    expect(send).toMatchObject({ message: { attachment: { type: 'image' } }, filedata: { fileName: 'toko.JPG', mime: 'image/jpeg' } });
    const meta = await sharp((send?.filedata as { bytes: Buffer }).bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.format).toBe('jpeg');
    await sari.post(`/agent/api/handoffs/${h.id}/close`);
  });

  it('cannot reach a customer whose last message is 8 days old, and says so', async () => {
    const sari = await AgentClient.signIn(run.url, 'sari.cso', PASSWORD);
    const psid = '7700000000000003';
    const user = new MetaUser(run, graph, 'messenger', psid);
    await user.post(mg.text(psid, 'petugas', { timestamp: Date.now() - 8 * 24 * HOUR }));
    const h = await waitingOf(sari, psid);
    expect(h.windowOpen).toBe(false);
    await sari.post(`/agent/api/handoffs/${h.id}/take`);
    const late = await sari.post<{ delivery: string }>(`/agent/api/handoffs/${h.id}/reply`, { text: 'Halo?' });
    expect(late.body.delivery).toBe('windowClosed');
    expect(user.newSends()).toEqual([]);
    await sari.post(`/agent/api/handoffs/${h.id}/close`);
  });

  it('keeps the bot silent for a Messenger batch while an officer holds the conversation', async () => {
    const psid = '7700000000000002';
    const user = new MetaUser(run, graph, 'messenger', psid);
    await user.say('petugas');
    const sari = await AgentClient.signIn(run.url, 'sari.cso', PASSWORD);
    const h = await waitingOf(sari, psid);
    await sari.post(`/agent/api/handoffs/${h.id}/take`);
    user.newSends();
    const body = messengerWebhook('messenger', [[mg.text(psid, 'halo'), mg.text(psid, 'daftar seller')], [mg.text(psid, 'menu')]], META.pageId);
    expect((await postWebhook(run.url, 'messenger', body, { secret: META.appSecret })).status).toBe(200);
    expect((await postWebhook(run.url, 'messenger', body, { secret: META.appSecret })).status).toBe(200);
    await run.idle();
    expect(user.newSends()).toEqual([]);
    const customer = (await transcriptOf(sari, h.id)).filter((l) => l.from === 'customer').map((l) => l.text);
    expect(customer.slice(-3)).toEqual(['halo', 'daftar seller', 'menu']);
    await sari.post(`/agent/api/handoffs/${h.id}/close`);
    expect(texts(user.newSends())).toEqual([said('messenger', 'officer.closed')]);
  });
});

describe('filing the ticket from the console', () => {
  it("files under the officer's name with the collected data, once, and the bot does not file it again", async () => {
    const userId = '6281300000003';
    const user = new MetaUser(run, graph, 'whatsapp', userId, 'Rina');
    await user.say('daftar seller');
    await user.say('Rina Wati');
    await user.say('Batik Rina');
    await user.say('petugas');
    const sari = await AgentClient.signIn(run.url, 'sari.cso', PASSWORD);
    const h = await waitingOf(sari, userId);
    await sari.post(`/agent/api/handoffs/${h.id}/take`);
    expect(texts(user.newSends())).toEqual([said('whatsapp', 'officer.joined', { officer: 'Sari' })]);

    const fields = { name: 'Rina Wati', businessName: 'Batik Rina', productType: 'batik tulis', city: 'pekalongan', province: 'jateng', phone: '0812 3456 7001', email: 'rina@gmial.co' };
    const invalid = await sari.post<{ error: string; fields: Record<string, string>; messages: Record<string, string> }>(`/agent/api/handoffs/${h.id}/ticket`, {
      kind: 'seller',
      fields: { ...fields, phone: '12', email: 'rina-at-gmail' },
    });
    expect(invalid.status).toBe(400);
    // The bot's rules: a phone and an email it would refuse, and no product photo from a WhatsApp seller yet.
    expect(Object.keys(invalid.body.fields).sort()).toEqual(['email', 'phone', 'photo']);
    expect(invalid.body.messages).toEqual({
      phone: t('id', `fields.phone.errors.${invalid.body.fields.phone}`),
      email: t('id', `fields.email.errors.${invalid.body.fields.email}`),
      photo: t('id', 'agent.ticket.errorPhoto'),
    });

    // The officer asks for the photo in the chat; the customer sends it.
    await sari.post(`/agent/api/handoffs/${h.id}/reply`, { text: 'Mohon kirim foto produknya, Bu.' });
    await user.sendImage(await productJpeg(800, 600));
    // An email the bot would query (gmial.co) is asked back with the suggestion, as the bot asks the customer...
    const typo = await sari.post<{ fields: Record<string, string>; suggestions: Record<string, string> }>(`/agent/api/handoffs/${h.id}/ticket`, { kind: 'seller', fields });
    expect(typo).toMatchObject({ status: 400, body: { error: 'invalid_fields', fields: { email: 'typo' }, suggestions: { email: expect.stringMatching(/^rina@gmail\./) } } });
    expect(Object.keys(typo.body.fields)).toEqual(['email']);
    // ...and kept as typed when the officer says so.
    const filed = await sari.post<{ ticket: { itsmNumber: string; apktNumber: string } }>(`/agent/api/handoffs/${h.id}/ticket`, { kind: 'seller', fields, keepEmailAsTyped: true });
    expect(filed.status).toBe(200);
    const again = await sari.post(`/agent/api/handoffs/${h.id}/ticket`, { kind: 'seller', fields, keepEmailAsTyped: true });
    expect(again).toMatchObject({ status: 409, body: { error: 'already_filed', ticket: filed.body.ticket } });
    const ticket = await fetchTicket(run.url, filed.body.ticket.itsmNumber);
    expect(ticket.body).toMatchObject({ officer: 'sari.cso', applicant: { name: 'Rina Wati', city: 'Pekalongan', province: 'Jawa Tengah', phone: '+6281234567001', email: 'rina@gmial.co' } });
    expect((await waitingOf(sari, userId)).ticket).toEqual(filed.body.ticket);
    // The summary shows the filed ticket and, the form being ended, the data it was filed with.
    expect(await waitingOf(sari, userId)).toMatchObject({
      filed: { itsmNumber: filed.body.ticket.itsmNumber, serviceType: expect.any(String), catalogNumber: 7, filedBy: 'sari.cso', previousNumber: null },
      formKind: 'seller',
      form: { name: 'Rina Wati', city: 'Pekalongan', email: 'rina@gmial.co' },
    });

    await sari.post(`/agent/api/handoffs/${h.id}/handback`);
    expect(texts(user.newSends())).toEqual([said('whatsapp', 'officer.handedBackMenu')]);
    // A double "kirim" after the officer filed it answers "already filed", never a second ticket.
    expect(await user.say('kirim')).toEqual([said('whatsapp', 'seller.alreadyFiled', { number: filed.body.ticket.itsmNumber })]);
  });
});

describe('a ticket the bot filed, seen from the console', () => {
  it('is shown as the stay\'s ticket; a second one is refused, a follow-up linked to it is filed', async () => {
    const userId = '6281300000004';
    const user = new MetaUser(run, graph, 'whatsapp', userId, 'Budi');
    for (const step of STEPS) {
      if (step === null) await user.sendImage(await productJpeg(800, 600));
      else await user.say(step);
    }
    const number = (await run.service.tickets.ticketsOf('whatsapp', userId))[0]?.number;
    expect(number).toMatch(/^ITSM-/);
    await user.say('petugas');
    const sari = await AgentClient.signIn(run.url, 'sari.cso', PASSWORD);
    const h = await waitingOf(sari, userId);
    expect(h).toMatchObject({ filed: { itsmNumber: number, filedBy: null, catalogNumber: 7, previousNumber: null }, form: { name: 'Budi Santoso', email: 'budi.santoso@gmail.com' } });
    await sari.post(`/agent/api/handoffs/${h.id}/take`);

    const contact = { name: 'Budi Santoso', phone: '081234567890', email: 'budi.santoso@gmail.com' };
    const second = await sari.post(`/agent/api/handoffs/${h.id}/ticket`, { kind: 'complaint', catalogNumber: 12, fields: contact });
    expect(second).toMatchObject({ status: 409, body: { error: 'already_filed', ticket: { itsmNumber: number } } });
    const followUp = await sari.post<{ ticket: { itsmNumber: string } }>(`/agent/api/handoffs/${h.id}/ticket`, { kind: 'complaint', catalogNumber: 12, fields: contact, followUp: true });
    expect(followUp.status).toBe(200);
    expect(followUp.body.ticket.itsmNumber).not.toBe(number);
    expect((await fetchTicket(run.url, followUp.body.ticket.itsmNumber)).body).toMatchObject({ previousNumber: number, catalogNumber: 12, officer: 'sari.cso' });
    expect((await waitingOf(sari, userId)).filed).toMatchObject({ itsmNumber: followUp.body.ticket.itsmNumber, previousNumber: number, filedBy: 'sari.cso' });
    await sari.post(`/agent/api/handoffs/${h.id}/close`);
  });
});

describe('GET /metrics on the running service', () => {
  it('counts turns, handoffs and queue depths in Prometheus text', async () => {
    const res = await fetch(`${run.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/^pln_turns_total\{channel="whatsapp",outcome="replied"\} [1-9]\d*$/m);
    expect(text).toMatch(/^pln_turns_total\{channel="whatsapp",outcome="silent"\} [1-9]\d*$/m);
    expect(text).toMatch(/^pln_handoffs_opened_total\{reason="asked"\} [1-9]\d*$/m);
    expect(text).toMatch(/^pln_tickets_filed_total\{kind="console"\} 2$/m);
    expect(text).toMatch(/^pln_handoffs\{status="waiting"\} \d+$/m);
    expect(text).toMatch(/^pln_ticket_outbox_pending 0$/m);
    expect(text).toMatch(/^pln_turn_duration_seconds_bucket\{le="0\.1",channel="whatsapp"\} \d+$/m);
    // Never a user id or phone number as a label.
    expect(text).not.toContain('6281300000001');
  });
});
