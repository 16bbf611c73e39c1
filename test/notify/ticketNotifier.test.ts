import { describe, expect, it } from 'vitest';
import { GraphApiError } from '../../src/channels/meta/graphErrors.js';
import { MetaAdapter, type ChannelOutbound } from '../../src/channels/meta/metaAdapter.js';
import type { MetaChannel, OutboundReply } from '../../src/channels/meta/types.js';
import type { WhatsAppTemplate } from '../../src/channels/whatsapp/whatsAppChannel.js';
import { t } from '../../src/i18n/messages.js';
import type { MailMessage, Mailer } from '../../src/notify/mailer.js';
import { ChannelMessenger, type MessengerChannel } from '../../src/channels/outboundMessenger.js';
import { TicketNotifier, type TicketNotifierOptions } from '../../src/notify/ticketNotifier.js';
import { ContactWindowStore } from '../../src/storage/contactWindowStore.js';
import { openSqliteDatabase } from '../../src/storage/database.js';
import type { TicketReply, TicketView } from '../../src/tickets/types.js';

const HOUR = 60 * 60 * 1000;
const NOW = Date.parse('2026-11-25T10:00:00Z');
const WA_ID = '6281234567890';
const PSID = '24000000000000001';

const reply: TicketReply = { at: '2026-11-25T09:59:00.000Z', author: 'support.mp1', text: 'Toko Anda sudah aktif. Silakan unggah produk.', status: 'Resolved' };

function ticket(overrides: Partial<TicketView> = {}): TicketView {
  return {
    number: 'ITSM-20261124-00001',
    callType: 'Service Request',
    serviceFamily: '32. NEW PLN MOBILE',
    serviceGroup: '12. REGISTRASI PLN MOBILE - MA',
    serviceType: '07. Melakukan Registrasi Toko Marketplace',
    catalogNumber: 7,
    officer: 'chatbot.pln123',
    channel: 'whatsapp',
    conversationId: WA_ID,
    applicant: {
      name: 'Siti Rahmawati',
      businessName: 'Kopi Sore',
      productType: 'Minuman',
      city: 'Bandung',
      province: 'Jawa Barat',
      phone: '+6281234567890',
      email: 'siti@example.co.id',
    },
    photo: null,
    previousNumber: null,
    description: null,
    priority: 'normal',
    status: 'Resolved',
    createdAt: '2026-11-24T03:00:00.000Z',
    apkt: null,
    replies: [reply],
    ...overrides,
  };
}

/** Everything the notifier touches, faked at the edges: a real MetaAdapter over a recording outbound. */
function setup(opts: { template?: boolean; mailer?: 'ok' | 'fail' | 'none'; sendError?: GraphApiError; templateError?: GraphApiError; locale?: 'id' | 'en' } = {}) {
  const windows = new ContactWindowStore(openSqliteDatabase(':memory:').db);
  const sent: Array<{ channel: MetaChannel; userId: string; reply: OutboundReply }> = [];
  const templates: Array<{ userId: string; template: WhatsAppTemplate }> = [];
  const mails: MailMessage[] = [];
  const logs: string[] = [];
  const channel = (name: MetaChannel): MessengerChannel => {
    const outbound: ChannelOutbound = {
      supportsHumanAgentTag: name !== 'whatsapp',
      async send(userId, r) {
        if (opts.sendError) throw opts.sendError;
        sent.push({ channel: name, userId, reply: r });
        return ['mid'];
      },
    };
    const adapter = new MetaAdapter({ channel: name, outbound, windows, fetchMedia: async () => Buffer.alloc(0), now: () => NOW });
    return {
      adapter,
      ...(name === 'whatsapp'
        ? {
            sendTemplate: async (userId: string, template: WhatsAppTemplate) => {
              if (opts.templateError) throw opts.templateError;
              templates.push({ userId, template });
              return 'wamid.t1';
            },
          }
        : {}),
    };
  };
  const mailer: Mailer = {
    async send(m) {
      if (opts.mailer === 'fail') throw Object.assign(new Error(`Can't send mail - all recipients were rejected: 550 <${m.to.address}> unknown`), { code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' });
      mails.push(m);
    },
    close() {},
  };
  const log = {
    info: (...args: unknown[]) => void logs.push(JSON.stringify(args)),
    warn: (...args: unknown[]) => void logs.push(JSON.stringify(args)),
  } as unknown as TicketNotifierOptions['log'];
  const messenger = new ChannelMessenger({
    meta: { whatsapp: channel('whatsapp'), messenger: channel('messenger') },
    windows,
    ...(opts.template ? { whatsappTemplate: { name: 'pln123_ticket_update', language: 'id' } } : {}),
    log,
  });
  const options: TicketNotifierOptions = {
    messenger,
    ...(opts.mailer === 'none' ? {} : { mailer }),
    ...(opts.locale ? { localeOf: () => opts.locale } : {}),
    log,
  };
  const notifier = new TicketNotifier(options);
  const inWindow = (channel: MetaChannel, userId: string, hoursAgo: number) => windows.touch(channel, userId, NOW - hoursAgo * HOUR);
  return { notifier, windows, sent, templates, mails, logs, inWindow };
}

const supportText = (view: TicketView, locale: 'id' | 'en' = 'id') => t(locale, 'followup.supportReply', { number: view.number, status: view.status, text: reply.text });

describe('TicketNotifier', () => {
  it('inside the window: the reply as free text in the conversation, and an email to the applicant', async () => {
    const s = setup();
    await s.inWindow('whatsapp', WA_ID, 23);
    const view = ticket();
    expect(await s.notifier.notifyReply(view, reply)).toEqual({ channel: 'sent', email: 'sent' });

    expect(s.sent).toEqual([{ channel: 'whatsapp', userId: WA_ID, reply: { text: supportText(view), choices: [], locale: 'id' } }]);
    expect(s.sent[0]!.reply.text).toContain('ITSM-20261124-00001');
    expect(s.sent[0]!.reply.text).toContain(reply.text);
    expect(s.sent[0]!.reply.text).toContain('Resolved');
    expect(s.templates).toEqual([]);
    expect(s.mails).toEqual([
      {
        to: { name: 'Siti Rahmawati', address: 'siti@example.co.id' },
        subject: t('id', 'followup.emailSubject', { number: view.number }),
        text: t('id', 'followup.emailBody', { name: 'Siti Rahmawati', number: view.number, status: 'Resolved', text: reply.text }),
      },
    ]);
    expect(s.mails[0]!.text).toContain(reply.text);
    expect(await s.windows.failures('whatsapp', WA_ID)).toEqual([]);
  });

  it("writes in the conversation's language when it is known", async () => {
    const s = setup({ locale: 'en' });
    await s.inWindow('whatsapp', WA_ID, 1);
    await s.notifier.notifyReply(ticket(), reply);
    expect(s.sent[0]!.reply).toEqual({ text: supportText(ticket(), 'en'), choices: [], locale: 'en' });
    expect(s.mails[0]!.subject).toBe(t('en', 'followup.emailSubject', { number: 'ITSM-20261124-00001' }));
  });

  it('outside the window on WhatsApp: the configured template with the number, never free text', async () => {
    const s = setup({ template: true });
    await s.inWindow('whatsapp', WA_ID, 25);
    expect(await s.notifier.notifyReply(ticket(), reply)).toEqual({ channel: 'template', email: 'sent' });
    expect(s.sent).toEqual([]);
    expect(s.templates).toEqual([{ userId: WA_ID, template: { name: 'pln123_ticket_update', language: 'id', bodyParameters: ['ITSM-20261124-00001'] } }]);
    expect(await s.windows.failures('whatsapp', WA_ID)).toEqual([]);
  });

  it('outside the window on WhatsApp without a template: nothing sent, windowClosed recorded, email still sent', async () => {
    const s = setup();
    // Never wrote at all counts as outside the window too.
    expect(await s.notifier.notifyReply(ticket(), reply)).toEqual({ channel: 'windowClosed', email: 'sent' });
    expect(s.sent).toEqual([]);
    expect(s.templates).toEqual([]);
    const failures = await s.windows.failures('whatsapp', WA_ID);
    expect(failures.map((f) => f.reason)).toEqual(['windowClosed']);
    expect(failures[0]!.detail).toContain('WHATSAPP_REPLY_TEMPLATE');
  });

  it('outside the window on Messenger: nothing sent (no human-agent tag for automated notices), recorded', async () => {
    const s = setup({ template: true });
    await s.inWindow('messenger', PSID, 30);
    expect(await s.notifier.notifyReply(ticket({ channel: 'messenger', conversationId: PSID }), reply)).toEqual({ channel: 'windowClosed', email: 'sent' });
    expect(s.sent).toEqual([]);
    expect(s.templates).toEqual([]);
    expect((await s.windows.failures('messenger', PSID)).map((f) => f.reason)).toEqual(['windowClosed']);
  });

  it('inside the window on Messenger: free text', async () => {
    const s = setup();
    await s.inWindow('messenger', PSID, 2);
    expect(await s.notifier.notifyReply(ticket({ channel: 'messenger', conversationId: PSID }), reply)).toEqual({ channel: 'sent', email: 'sent' });
    expect(s.sent.map((x) => [x.channel, x.userId])).toEqual([['messenger', PSID]]);
  });

  it('falls back to the template when Meta says the window is closed (131047) although our clock says open', async () => {
    const s = setup({ template: true, sendError: new GraphApiError('windowClosed', 400, 131047, null, 'Re-engagement message') });
    await s.inWindow('whatsapp', WA_ID, 1);
    expect(await s.notifier.notifyReply(ticket(), reply)).toEqual({ channel: 'template', email: 'sent' });
    expect(s.templates).toHaveLength(1);
    // The refused free-text send was recorded once by the adapter.
    expect((await s.windows.failures('whatsapp', WA_ID)).map((f) => f.reason)).toEqual(['windowClosed']);
  });

  it('reports failed when Meta refuses the send or the template, and records it', async () => {
    const refused = setup({ sendError: new GraphApiError('permanent', 400, 131026, null, 'Message undeliverable') });
    await refused.inWindow('whatsapp', WA_ID, 1);
    expect(await refused.notifier.notifyReply(ticket(), reply)).toEqual({ channel: 'failed', email: 'sent' });
    expect((await refused.windows.failures('whatsapp', WA_ID)).map((f) => f.reason)).toEqual(['permanent']);

    const badTemplate = setup({ template: true, templateError: new GraphApiError('permanent', 400, 132001, null, 'Template name does not exist in the translation') });
    expect(await badTemplate.notifier.notifyReply(ticket(), reply)).toEqual({ channel: 'failed', email: 'sent' });
    const failures = await badTemplate.windows.failures('whatsapp', WA_ID);
    expect(failures.map((f) => f.reason)).toEqual(['permanent']);
    expect(failures[0]!.detail).toContain('Template name does not exist');
  });

  it('Bot Framework channels are unsupported (recorded) and a channel that is off fails; email goes out either way', async () => {
    const s = setup();
    expect(await s.notifier.notifyReply(ticket({ channel: 'emulator', conversationId: 'conv-1' }), reply)).toEqual({ channel: 'unsupported', email: 'sent' });
    expect((await s.windows.failures('emulator', 'conv-1')).map((f) => f.reason)).toEqual(['permanent']);
    expect(await s.notifier.notifyReply(ticket({ channel: 'instagram', conversationId: 'ig-1' }), reply)).toEqual({ channel: 'failed', email: 'sent' });
    expect((await s.windows.failures('instagram', 'ig-1')).map((f) => f.reason)).toEqual(['permanent']);
    expect(s.mails).toHaveLength(2);
    expect(s.sent).toEqual([]);
  });

  it('email: skipped without SMTP or without an address; a refusal is reported and logged without the address', async () => {
    const none = setup({ mailer: 'none' });
    await none.inWindow('whatsapp', WA_ID, 1);
    expect(await none.notifier.notifyReply(ticket(), reply)).toEqual({ channel: 'sent', email: 'skipped' });

    const noAddress = setup();
    await noAddress.inWindow('whatsapp', WA_ID, 1);
    const view = ticket();
    expect(await noAddress.notifier.notifyReply({ ...view, applicant: { ...view.applicant, email: '' } }, reply)).toEqual({ channel: 'sent', email: 'skipped' });

    const failing = setup({ mailer: 'fail' });
    await failing.inWindow('whatsapp', WA_ID, 1);
    expect(await failing.notifier.notifyReply(ticket(), reply)).toEqual({ channel: 'sent', email: 'failed' });
    const logged = failing.logs.join('\n');
    expect(logged).toContain('support reply email failed');
    expect(logged).toContain('EENVELOPE');
    for (const secret of ['siti@example.co.id', 'Siti Rahmawati', '6281234567890', reply.text]) expect(logged).not.toContain(secret);
  });

  it('enqueue runs in the background, one ticket at a time in order; idle() and recent() see the outcomes', async () => {
    const s = setup();
    await s.inWindow('whatsapp', WA_ID, 1);
    const replies = ['Satu', 'Dua', 'Tiga'].map((text): TicketReply => ({ ...reply, text }));
    const promises = replies.map((r) => s.notifier.enqueue(ticket(), r));
    await s.notifier.idle();
    expect(await Promise.all(promises)).toEqual(replies.map(() => ({ channel: 'sent', email: 'sent' })));
    expect(s.sent.map((x) => x.reply.text)).toEqual(replies.map((r) => t('id', 'followup.supportReply', { number: 'ITSM-20261124-00001', status: 'Resolved', text: r.text })));
    expect(s.notifier.recent().map((r) => [r.number, r.channel, r.email])).toEqual(replies.map(() => ['ITSM-20261124-00001', 'sent', 'sent']));
    await s.notifier.idle();
  });
});
