import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/messages.js';
import { choicesOf, type FakeGraph } from '../support/fakeGraph.js';
import { startFakeGraph, startMetaService, tempDataDir, type RunningService } from '../support/metaService.js';
import { MetaUser, said } from '../support/metaUser.js';
import { jpegWithGps, productJpeg } from '../support/photos.js';
import sharp from 'sharp';
import { wa } from '../support/metaWebhooks.js';
import { STEPS } from '../support/applicationScript.js';
import { AgentClient } from '../support/agentClient.js';
import { axeViolations, byTestId, closeConsoleTest, DESKTOP, expectText, hasChromium, inPageUntil, launchChromium, PHONE, signIn, snap, waitUntil } from '../support/consoleBrowser.js';

/**
 * The officers' tools in the console (issue 16, items 3–7 and 9), two officers in two browser
 * contexts against the real service and a WhatsApp customer on a fake Graph API: the transcript
 * shows the buttons the customer saw and WhatsApp's bold; a private note never reaches the
 * customer; `/terima` inserts the canned reply with the customer's name; a failed send is marked
 * with its reason and sent again in one click; a transfer is seen live by the other officer; a
 * bot-filed ticket shows in the ticket panel and a second one is refused; search finds a
 * conversation by ITSM number and by phone; on a phone the transcript comes first and the last
 * message stays above the reply box.
 */

const PASSWORD = 'rahasia-petugas-123';
let graph: FakeGraph;
let run: RunningService;
let browser: Browser;
let sari: Page;
let andi: Page;
const dataDir = tempDataDir();
const pageErrors: string[] = [];
const customerId = '6281900000021';
let customer: MetaUser;

const entries = (page: Page) => byTestId(page, 'transcript').locator('[data-testid="transcript-entry"]');
const item = (page: Page, list: string, id: string) => byTestId(page, list).locator(`[data-testid="handoff-item"][data-handoff-id="${id}"]`);

describe.skipIf(!hasChromium)('agent console: officer tools', () => {
  beforeAll(async () => {
    graph = await startFakeGraph();
    run = await startMetaService(graph, dataDir, { OFFICER_HOURS: 'always' });
    await run.service.handoffs.officers.create({ username: 'sari.cso', displayName: 'Sari Wulandari', password: PASSWORD });
    await run.service.handoffs.officers.create({ username: 'andi.cso', displayName: 'Andi Pratama', password: PASSWORD });
    browser = await launchChromium();
    sari = await (await browser.newContext({ viewport: DESKTOP, locale: 'id-ID' })).newPage();
    andi = await (await browser.newContext({ viewport: DESKTOP, locale: 'id-ID' })).newPage();
    for (const page of [sari, andi]) page.on('dialog', (d) => void d.accept());
    for (const page of [sari, andi]) page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 60_000);
  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await closeConsoleTest({ browser, run, graph, dataDir });
  });

  let handoffId: string;

  it('shows the buttons the customer saw and WhatsApp bold as bold', async () => {
    customer = new MetaUser(run, graph, 'whatsapp', customerId, 'Budi');
    await customer.say('halo');
    const offered = graph.sendsTo(customerId).flatMap((send) => choicesOf(send).map((c) => c.title));
    expect(offered.length).toBeGreaterThan(0);
    await customer.say('daftar seller');
    await customer.say('Budi Santoso');
    await customer.say('bisa dibantu petugas?');
    await signIn(sari, run.url, 'sari.cso', PASSWORD);
    await signIn(andi, run.url, 'andi.cso', PASSWORD);
    const first = byTestId(sari, 'waiting-list').locator('[data-testid="handoff-item"]').first();
    await first.waitFor();
    handoffId = (await first.getAttribute('data-handoff-id')) ?? '';
    await first.click();
    await expectText(entries(sari), 'bisa dibantu petugas?');
    const shown = await byTestId(sari, 'transcript').locator('.msg__choice').allInnerTexts();
    for (const title of offered) expect(shown).toContain(title);
    // Bold markers are rendered, never shown raw.
    expect(await byTestId(sari, 'transcript').locator('[data-from="bot"] strong').count()).toBeGreaterThan(0);
    const botTexts = await byTestId(sari, 'transcript').locator('[data-from="bot"] .msg__text').allInnerTexts();
    for (const text of botTexts) expect(text).not.toMatch(/\*[^\s*][^*\n]*\*/);
    // The list and the header name the customer: WhatsApp name, the form's name, the masked number.
    await expectText(byTestId(sari, 'conversation-customer'), 'Budi Santoso');
    expect(await byTestId(sari, 'conversation-customer').innerText()).toMatch(/\+62\*+021/);
    // The list previews the conversation's last line: here the bot's, after the queue place.
    expect(await item(sari, 'waiting-list', handoffId).locator('[data-testid="last-message"]').innerText()).toContain(`Bot: ${t('id', 'officer.continueForm').slice(0, 30)}`);
  });

  it('keeps a private note from the customer', async () => {
    await byTestId(sari, 'take').click();
    await byTestId(sari, 'reply-text').waitFor();
    await waitUntil(() => graph.textsTo(customerId).some((x) => x.startsWith(said('whatsapp', 'officer.joined', { officer: 'Sari Wulandari' }))));
    const before = graph.sendsTo(customerId).length;
    await byTestId(sari, 'mode-note').click();
    await byTestId(sari, 'reply-text').fill('Sudah saya telepon, minta kirim foto produk.');
    await byTestId(sari, 'reply-send').click();
    await expectText(byTestId(sari, 'transcript').locator('[data-from="note"]'), 'Sudah saya telepon');
    await new Promise((r) => setTimeout(r, 300));
    expect(graph.sendsTo(customerId).length).toBe(before);
    await byTestId(sari, 'mode-reply').click();
  });

  it('inserts a canned response with the customer\'s name, and marks the send', async () => {
    await byTestId(sari, 'reply-text').fill('/ter');
    await byTestId(sari, 'canned-list').locator('[data-command="terima"]').waitFor();
    await byTestId(sari, 'reply-text').press('Enter');
    const expected = t('id', 'agent.canned.terima', { name: 'Budi Santoso' });
    expect(await byTestId(sari, 'reply-text').inputValue()).toBe(expected);
    await byTestId(sari, 'reply-send').click();
    await waitUntil(() => graph.textsTo(customerId).includes(expected));
    const last = entries(sari).last();
    await expectText(last, expected);
    await last.locator('[data-testid="delivery"][data-delivery="sent"]').waitFor();
    // WhatsApp's status webhooks move it on: delivered, then read; a late "delivered" never undoes "read".
    const wamid = graph.attemptsTo(customerId).findLast((a) => a.body.text?.body === expected)?.messageId ?? '';
    expect(wamid).toMatch(/^wamid\./);
    await customer.post(wa.status(wamid, customerId, 'delivered'));
    await last.locator('[data-testid="delivery"][data-delivery="delivered"]').waitFor();
    await customer.post(wa.status(wamid, customerId, 'read'));
    await last.locator('[data-testid="delivery"][data-delivery="read"]').waitFor();
    await customer.post(wa.status(wamid, customerId, 'delivered'));
    await new Promise((r) => setTimeout(r, 200));
    expect(await last.locator('[data-testid="delivery"]').getAttribute('data-delivery')).toBe('read');
    expect(await last.locator('[data-testid="delivery"]').innerText()).toBe(t('id', 'agent.delivery.read'));
  });

  it('marks a failed send with its reason and sends it again in one click', async () => {
    graph.failNext(1, { status: 400, body: { error: { message: '(#100) Invalid parameter', code: 100 } } });
    await byTestId(sari, 'reply-text').fill('Mohon kirim foto produknya ya, Pak.');
    await byTestId(sari, 'reply-send').click();
    const failed = entries(sari).last().locator('[data-testid="delivery"][data-delivery="failed"]');
    await failed.waitFor();
    expect(await failed.innerText()).toContain(t('id', 'agent.delivery.failed'));
    expect(graph.textsTo(customerId)).not.toContain('Mohon kirim foto produknya ya, Pak.');
    await failed.locator('[data-testid="resend"]').click();
    await entries(sari).last().locator('[data-testid="delivery"][data-delivery="sent"]').waitFor();
    expect(graph.textsTo(customerId).filter((x) => x === 'Mohon kirim foto produknya ya, Pak.')).toHaveLength(1);
  });

  it('sends the customer a photo with a caption, and says plainly when a file cannot go', async () => {
    await byTestId(sari, 'reply-text').fill('Contoh foto produk yang baik, Pak.');
    await byTestId(sari, 'attach-input').setInputFiles({ name: 'contoh.jpg', mimeType: 'image/jpeg', buffer: await jpegWithGps() });
    const line = entries(sari).last();
    await expectText(line, '📎 contoh.jpg');
    await line.locator('[data-testid="delivery"][data-delivery="sent"]').waitFor();
    expect(await byTestId(sari, 'reply-text').inputValue()).toBe('');
    const upload = graph.uploads.at(-1);
    expect(upload).toMatchObject({ fileName: 'contoh.jpg', mime: 'image/jpeg' });
    expect((await sharp(upload?.bytes).metadata()).exif).toBeUndefined();
    const sent = graph.sendsTo(customerId).at(-1);
    expect(sent).toMatchObject({ type: 'image', image: { id: upload?.id, caption: 'Contoh foto produk yang baik, Pak.' } });

    await byTestId(sari, 'attach-input').setInputFiles({ name: 'catatan.txt', mimeType: 'text/plain', buffer: Buffer.from('bukan foto') });
    await expectText(byTestId(sari, 'reply-warning'), t('id', 'agent.reply.file.unsupported_file'));
    expect(graph.sendsTo(customerId).at(-1)).toBe(sent);
  });

  it('on a phone, shows the transcript first and the last message above the reply box after sending', async () => {
    await sari.setViewportSize(PHONE);
    expect(await byTestId(sari, 'form-table').isVisible()).toBe(false);
    await byTestId(sari, 'reply-text').fill('Baik Pak, saya tunggu fotonya.');
    await byTestId(sari, 'reply-send').click();
    await expectText(entries(sari).last(), 'saya tunggu fotonya');
    await inPageUntil(
      sari,
      `(() => {
        const items = document.querySelectorAll('[data-testid="transcript-entry"]');
        const last = items[items.length - 1];
        const wrap = document.querySelector('.conv__transcript');
        const composer = document.querySelector('.composer');
        if (!last || !wrap || !composer) return false;
        const l = last.getBoundingClientRect(), w = wrap.getBoundingClientRect(), c = composer.getBoundingClientRect();
        return l.bottom <= w.bottom + 1 && l.top >= w.top && l.bottom <= c.top && l.bottom <= window.innerHeight;
      })()`,
    );
    await snap(sari, 'conversation-phone');
    await byTestId(sari, 'details-toggle').click();
    expect(await byTestId(sari, 'form-table').isVisible()).toBe(true);
    expect(await axeViolations(sari)).toEqual([]);
    await snap(sari, 'details-phone');
    await byTestId(sari, 'details-toggle').click();
    await sari.setViewportSize(DESKTOP);
    expect(await axeViolations(sari)).toEqual([]);
    await snap(sari, 'conversation-desktop');
  });

  it('transfers the conversation to another officer, who sees it live', async () => {
    await byTestId(sari, 'transfer').click();
    await byTestId(sari, 'transfer-select').waitFor();
    expect(await axeViolations(sari)).toEqual([]);
    await byTestId(sari, 'transfer-select').selectOption('andi.cso');
    await byTestId(sari, 'transfer-submit').click();
    await item(andi, 'active-list', handoffId).waitFor();
    await waitUntil(async () => (await byTestId(andi, 'filter-count-mine').innerText()) === '1');
    await waitUntil(() => graph.textsTo(customerId).some((x) => x.startsWith(said('whatsapp', 'officer.joined', { officer: 'Andi Pratama' }))));
    await item(andi, 'active-list', handoffId).click();
    await byTestId(andi, 'reply-text').waitFor();
    // Andi sees Sari's lines under her display name, never her user name.
    const texts = await entries(andi).allInnerTexts();
    expect(texts.join('\n')).toContain('Sari Wulandari');
    expect(texts.join('\n')).not.toContain('sari.cso');
    await expectText(byTestId(andi, 'transcript').locator('[data-from="note"]'), t('id', 'agent.conversation.transferNote', { from: 'Sari Wulandari', to: 'Andi Pratama' }));
    expect(await byTestId(sari, 'reply-text').isVisible()).toBe(false);
    await byTestId(andi, 'close').click();
  });

  let itsmNumber: string;

  it('shows a bot-filed ticket in the ticket panel and refuses a second one', async () => {
    const seller = new MetaUser(run, graph, 'whatsapp', '6281900000022', 'Rina');
    for (const step of STEPS) {
      if (step === null) await seller.sendImage(await productJpeg(800, 600));
      else await seller.say(step);
    }
    itsmNumber = (await run.service.tickets.ticketsOf('whatsapp', '6281900000022'))[0]?.number ?? '';
    expect(itsmNumber).toMatch(/^ITSM-/);
    await seller.say('petugas');
    const waiting = byTestId(andi, 'waiting-list').locator('[data-testid="handoff-item"]').first();
    await waiting.waitFor();
    const sellerHandoff = await waiting.getAttribute('data-handoff-id');
    await waiting.click();
    await byTestId(andi, 'take').click();
    await expectText(byTestId(andi, 'ticket-number'), itsmNumber);
    expect(await byTestId(andi, 'ticket-facts').innerText()).toContain(t('id', 'agent.ticket.filedByBot'));
    expect(await byTestId(andi, 'form-table').innerText()).toContain('Budi Santoso');
    expect(await byTestId(andi, 'ticket-toggle').innerText()).toBe(t('id', 'agent.ticket.followUpToggle'));
    await snap(andi, 'ticket-panel-desktop');
    // The API refuses a second ticket that is not a follow-up (Andi's own session, from a script).
    const api = await AgentClient.signIn(run.url, 'andi.cso', PASSWORD);
    const second = await api.post(`/agent/api/handoffs/${sellerHandoff}/ticket`, {
      kind: 'seller',
      fields: { name: 'Budi Santoso', businessName: 'Toko Budi Jaya', productType: 'rotan', city: 'kepanjen', province: 'jawa timur', phone: '081234567890', email: 'budi.santoso@gmail.com' },
    });
    expect(second).toMatchObject({ status: 409, body: { error: 'already_filed', ticket: { itsmNumber } } });

    // A follow-up from the console's form: checked as the bot checks (the email typo is asked
    // back with its suggestion), then shown in the panel, linked to the first.
    await byTestId(andi, 'ticket-toggle').click();
    await byTestId(andi, 'follow-up-hint').waitFor();
    for (const size of [PHONE, DESKTOP]) {
      await andi.setViewportSize(size);
      if (size === PHONE && !(await byTestId(andi, 'ticket-form').isVisible())) await byTestId(andi, 'details-toggle').click();
      expect(await axeViolations(andi)).toEqual([]);
    }
    await andi.locator('#ticket-kind-complaint').check();
    await andi.locator('#ticket-catalogNumber option[value="12"]').waitFor({ state: 'attached' });
    await andi.locator('#ticket-catalogNumber').selectOption('12');
    await andi.locator('#ticket-email').fill('budi.santoso@gmial.com');
    await byTestId(andi, 'ticket-submit').click();
    await byTestId(andi, 'use-suggestion').click();
    expect(await andi.locator('#ticket-email').inputValue()).toBe('budi.santoso@gmail.com');
    await byTestId(andi, 'ticket-submit').click();
    await waitUntil(async () => (await byTestId(andi, 'ticket-number').innerText()) !== itsmNumber);
    expect(await byTestId(andi, 'ticket-facts').innerText()).toContain(itsmNumber);
    expect(await byTestId(andi, 'ticket-facts').innerText()).toContain('Andi Pratama');
  });

  it('finds conversations by ITSM number and by phone, with the customer\'s history beside them', async () => {
    await byTestId(sari, 'search-input').fill(itsmNumber);
    await byTestId(sari, 'search-submit').click();
    await expectText(byTestId(sari, 'search-list'), 'Rina');
    expect(await byTestId(sari, 'search-list').locator('[data-testid="handoff-item"]').count()).toBe(1);
    await byTestId(sari, 'search-input').fill('0819-0000-0021');
    await byTestId(sari, 'search-submit').click();
    await expectText(byTestId(sari, 'search-list'), 'Budi');
    await item(sari, 'search-list', handoffId).click();
    await expectText(byTestId(sari, 'transcript'), 'Sudah saya telepon');
    await byTestId(sari, 'customer-history').waitFor();
    expect(await axeViolations(sari)).toEqual([]);
    await snap(sari, 'search-desktop');
    await sari.setViewportSize(PHONE);
    expect(await axeViolations(sari)).toEqual([]);
    await sari.setViewportSize(DESKTOP);
    await byTestId(sari, 'search-clear').click();
    expect(await byTestId(sari, 'search-results').isVisible()).toBe(false);
  });
});
