import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/messages.js';
import type { TicketView } from '../../src/tickets/types.js';
import { textOf, type FakeGraph, type SendBody } from '../support/fakeGraph.js';
import { fetchTicket, META, startFakeGraph, startMetaService, tempDataDir, type RunningService } from '../support/metaService.js';
import { answerUpToPhoto, MetaUser, texts } from '../support/metaUser.js';
import { productJpeg } from '../support/photos.js';
import { decodeHeader, SmtpSink, type ReceivedMail } from '../notify/smtpSink.js';

/**
 * SOP 1f end to end: a WhatsApp applicant files a seller application through signed webhooks into
 * the real service; the Marketplace support team then answers on the ITSM ticket through
 * `POST /api/tickets/:number/replies`; the applicant hears about it in WhatsApp (free text inside
 * the 24-hour window, the approved template outside it, nothing without a template) and by email,
 * read from a real SMTP server on 127.0.0.1.
 */

const TEMPLATE = 'pln123_ticket_update';
const EMAIL = 'budi.santoso@gmail.com';
const HOUR = 60 * 60 * 1000;
const ITSM = /ITSM-\d{8}-\d{5}/;

let graph: FakeGraph;
let smtp: SmtpSink;
let photo: Buffer;
const runs: RunningService[] = [];

beforeAll(async () => {
  graph = await startFakeGraph();
  smtp = await SmtpSink.start();
  photo = await productJpeg(900, 700);
});
afterAll(async () => {
  for (const run of runs) {
    await run.stop();
    fs.rmSync(run.dataDir, { recursive: true, force: true });
  }
  await graph.close();
  await smtp.close();
});

async function startService(overrides: Record<string, string | undefined>): Promise<RunningService> {
  const run = await startMetaService(graph, tempDataDir(), { SMTP_URL: smtp.url, ...overrides });
  runs.push(run);
  return run;
}

/** A WhatsApp user files a whole seller application; returns the user (sends seen so far consumed) and the ITSM number. */
async function fileApplication(run: RunningService, waId: string): Promise<{ user: MetaUser; number: string }> {
  const user = new MetaUser(run, graph, 'whatsapp', waId, 'Budi Santoso');
  expect(await answerUpToPhoto(user)).toEqual([t('id', 'seller.photo.questionRequired')]);
  const afterPhoto = await user.sendImage(photo);
  expect(texts(afterPhoto)[0]).toBe(t('id', 'seller.photo.received'));
  const done = await user.tap('Kirim');
  expect(done).toHaveLength(1);
  const number = ITSM.exec(textOf(done[0]!) ?? '')?.[0];
  expect(number).toBeDefined();
  expect(user.newSends()).toEqual([]);
  return { user, number: number! };
}

function postReply(run: RunningService, number: string, body: unknown): Promise<Response> {
  return fetch(`${run.url}/api/tickets/${number}/replies`, {
    method: 'POST',
    headers: { authorization: `Bearer ${META.ticketsToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Moves the user's last inbound message `hours` into the past, in the service's own SQLite file. */
function ageWindow(run: RunningService, waId: string, hours: number): void {
  const db = new Database(path.join(run.dataDir, 'pln123.sqlite'));
  try {
    const changed = db.prepare("UPDATE contact_windows SET last_inbound_at = ? WHERE channel = 'whatsapp' AND user_id = ?").run(Date.now() - hours * HOUR, waId).changes;
    expect(changed).toBe(1);
  } finally {
    db.close();
  }
}

/** The one message that arrived since `before` messages (each service numbers its tickets from 00001). */
async function mailSince(before: number): Promise<ReceivedMail> {
  await smtp.waitFor(before + 1);
  const mails = smtp.received.slice(before);
  expect(mails).toHaveLength(1);
  return mails[0]!;
}

const templateOf = (send: SendBody) =>
  send.template as { name?: string; language?: { code?: string }; components?: Array<{ type?: string; parameters?: Array<{ type?: string; text?: string }> }> } | undefined;

describe('support-team reply over HTTP, to a WhatsApp applicant (template configured)', () => {
  let run: RunningService;
  beforeAll(async () => {
    run = await startService({ WHATSAPP_REPLY_TEMPLATE: TEMPLATE });
  });

  it('(a) inside the 24-hour window: a free-text WhatsApp message and an email, without the HTTP answer waiting for them', async () => {
    const waId = '6281200000001';
    const { user, number } = await fileApplication(run, waId);
    const mailsBefore = smtp.received.length;

    // The mail server is slow: the API still answers at once.
    let release: () => void = () => undefined;
    smtp.hold = new Promise<void>((resolve) => (release = resolve));
    const text = 'Data toko Anda sudah kami verifikasi dan toko sudah aktif.\nSilakan unggah produk pertama Anda.';
    const res = await postReply(run, number, { text, author: 'support.mp1', status: 'Resolved' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as TicketView;
    expect(body).toMatchObject({ number, channel: 'whatsapp', conversationId: waId, priority: 'normal', status: 'Resolved' });
    expect(body.replies).toEqual([{ at: expect.any(String), author: 'support.mp1', text, status: 'Resolved' }]);
    expect(run.service.notifier.recent().some((r) => r.number === number)).toBe(false);
    smtp.hold = null;
    release();
    await run.service.notifier.idle();
    expect(run.service.notifier.recent().filter((r) => r.number === number).map((r) => [r.channel, r.email])).toEqual([['sent', 'sent']]);

    // WhatsApp: one free-text message to the applicant, with the number and the support team's words.
    const sends = user.newSends();
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({ messaging_product: 'whatsapp', to: `+${waId}`, type: 'text' });
    const message = textOf(sends[0]!) ?? '';
    expect(message).toBe(t('id', 'followup.supportReply', { number, status: 'Resolved', text }));
    expect(message).toContain(number);
    expect(message).toContain(text);

    // Email: to the applicant's address, with the number and the text.
    const mail = await mailSince(mailsBefore);
    expect(mail.to).toEqual([EMAIL]);
    expect(mail.from).toBe('no-reply@pln.co.id');
    expect(mail.headers.get('from')).toBe('PLN 123 <no-reply@pln.co.id>');
    expect(decodeHeader(mail.headers.get('subject') ?? '')).toBe(t('id', 'followup.emailSubject', { number }));
    expect(mail.text).toContain(number);
    expect(mail.text).toContain(text);
    expect(mail.text).toBe(t('id', 'followup.emailBody', { name: 'Budi Santoso', number, status: 'Resolved', text }));

    // The ticket now carries the reply and the status.
    const { status, body: ticket } = await fetchTicket(run.url, number);
    expect(status).toBe(200);
    expect(ticket).toMatchObject({ status: 'Resolved', priority: 'normal', replies: [{ author: 'support.mp1', text, status: 'Resolved' }] });
    expect(await run.service.windows.failures('whatsapp', waId)).toEqual([]);
  });

  it('(b) outside the window: the approved template with the ITSM number, and no free text', async () => {
    const waId = '6281200000002';
    const { user, number } = await fileApplication(run, waId);
    ageWindow(run, waId, 25);
    const attemptsBefore = graph.attemptsTo(waId).length;
    const mailsBefore = smtp.received.length;

    const text = 'Mohon kirimkan foto KTP pemilik toko melalui email ini.';
    const res = await postReply(run, number, { text, author: 'support.mp2', status: 'In Progress' });
    expect(res.status).toBe(200);
    await run.service.notifier.idle();
    expect(run.service.notifier.recent().filter((r) => r.number === number).map((r) => [r.channel, r.email])).toEqual([['template', 'sent']]);

    const attempts = graph.attemptsTo(waId).slice(attemptsBefore);
    expect(attempts.map((a) => [a.body.type, a.status])).toEqual([['template', 200]]);
    const send = user.newSends();
    expect(send).toHaveLength(1);
    expect(send[0]).toMatchObject({ messaging_product: 'whatsapp', to: `+${waId}`, type: 'template' });
    expect(send[0]!.text).toBeUndefined();
    expect(templateOf(send[0]!)).toEqual({
      name: TEMPLATE,
      language: { code: 'id' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: number }] }],
    });
    // Nothing of the support team's words went to WhatsApp: only the number, in the template.
    expect(JSON.stringify(send[0])).not.toContain('KTP');

    const mail = await mailSince(mailsBefore);
    expect(mail.to).toEqual([EMAIL]);
    expect(decodeHeader(mail.headers.get('subject') ?? '')).toContain(number);
    expect(mail.text).toContain(number);
    expect(mail.text).toContain(text);
    expect(await run.service.windows.failures('whatsapp', waId)).toEqual([]);
  });
});

describe('support-team reply over HTTP, to a WhatsApp applicant (no template configured)', () => {
  it('(c) outside the window: nothing sent, a windowClosed failure recorded, the email still sent', async () => {
    const run = await startService({ WHATSAPP_REPLY_TEMPLATE: undefined });
    const waId = '6281200000003';
    const { user, number } = await fileApplication(run, waId);
    ageWindow(run, waId, 30);
    const attemptsBefore = graph.attemptsTo(waId).length;
    const mailsBefore = smtp.received.length;

    const text = 'Pendaftaran toko Anda belum dapat kami proses karena data usaha belum lengkap.';
    const res = await postReply(run, number, { text, author: 'support.mp1', status: 'Closed' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as TicketView).status).toBe('Closed');
    await run.service.notifier.idle();
    expect(run.service.notifier.recent().filter((r) => r.number === number).map((r) => [r.channel, r.email])).toEqual([['windowClosed', 'sent']]);

    expect(graph.attemptsTo(waId).slice(attemptsBefore)).toEqual([]);
    expect(user.newSends()).toEqual([]);
    const failures = await run.service.windows.failures('whatsapp', waId);
    expect(failures.map((f) => f.reason)).toEqual(['windowClosed']);
    expect(failures[0]!.detail).toContain('WHATSAPP_REPLY_TEMPLATE');

    const mail = await mailSince(mailsBefore);
    expect(mail.to).toEqual([EMAIL]);
    expect(decodeHeader(mail.headers.get('subject') ?? '')).toContain(number);
    expect(mail.text).toContain(number);
    expect(mail.text).toContain(text);
  });
});
