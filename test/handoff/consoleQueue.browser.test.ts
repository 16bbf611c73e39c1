import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/messages.js';
import type { FakeGraph } from '../support/fakeGraph.js';
import { startFakeGraph, startMetaService, tempDataDir, type RunningService } from '../support/metaService.js';
import { MetaUser, said } from '../support/metaUser.js';
import { axeViolations, byTestId, closeConsoleTest, DESKTOP, expectText, hasChromium, launchChromium, PHONE, signIn, snap, waitUntil } from '../support/consoleBrowser.js';

/**
 * The console's queue as officers work it (issue 16, item 1): an account take-over waits ahead of a
 * seller application that asked earlier, and its customer is told the real place; the filters
 * (waiting, mine, all, closed) show their lists and counts, and a closed conversation stays
 * reachable. Every view is checked with axe-core at a laptop's and a phone's size.
 */

const PASSWORD = 'rahasia-petugas-123';
let graph: FakeGraph;
let run: RunningService;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const dataDir = tempDataDir();

const items = (list: string) => byTestId(page, list).locator('[data-testid="handoff-item"]');
const ids = async (list: string) => items(list).evaluateAll((els) => els.map((el) => el.getAttribute('data-handoff-id')));
const counts = async () =>
  Object.fromEntries(await Promise.all(['waiting', 'mine', 'all', 'closed'].map(async (f) => [f, Number(await byTestId(page, `filter-count-${f}`).innerText())])));

describe.skipIf(!hasChromium)('agent console queue: priority, filters, history', () => {
  beforeAll(async () => {
    graph = await startFakeGraph();
    run = await startMetaService(graph, dataDir, { OFFICER_HOURS: 'always' });
    await run.service.handoffs.officers.create({ username: 'sari.cso', displayName: 'Sari Wulandari', password: PASSWORD });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: DESKTOP, locale: 'id-ID' });
    page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
  }, 60_000);
  afterAll(async () => {
    await closeConsoleTest({ browser, run, graph, dataDir });
  });

  let seller: MetaUser;
  let hijacked: MetaUser;
  let sellerId: string | null;
  let hijackedId: string | null;

  it('has no serious accessibility violations on the sign-in page, at either size', async () => {
    for (const [size, name] of [[DESKTOP, 'sign-in-desktop'], [PHONE, 'sign-in-phone']] as const) {
      await page.setViewportSize(size);
      await page.goto(`${run.url}/agent`);
      await byTestId(page, 'login-form').waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await snap(page, name);
    }
    await page.setViewportSize(DESKTOP);
  });

  it('queues an account take-over ahead of a seller who asked earlier, and tells its customer the real place', async () => {
    seller = new MetaUser(run, graph, 'whatsapp', '6281900000011', 'Rina');
    await seller.say('daftar seller');
    await seller.say('Rina Marlina');
    expect(await seller.say('bisa dibantu petugas?')).toContain(said('whatsapp', 'officer.queued', { position: 1 }));
    hijacked = new MetaUser(run, graph, 'whatsapp', '6281900000012', 'Dewi');
    // The bot names the type and asks to confirm it; the confirmation queues it as urgent.
    expect((await hijacked.say('akun saya dibajak!!')).join(' ')).toContain('diretas');
    const told = await hijacked.say('ya');
    expect(told).toContain(said('whatsapp', 'officer.queuedUrgent', { position: 1 }));

    await signIn(page, run.url, 'sari.cso', PASSWORD);
    await waitUntil(async () => (await items('waiting-list').count()) === 2);
    const order = await items('waiting-list').allInnerTexts();
    expect(order[0]).toContain('Dewi');
    expect(order[0]).toContain('#1');
    expect(order[1]).toContain('Rina');
    expect(order[1]).toContain('#2');
    [hijackedId, sellerId] = await ids('waiting-list');
    expect(await counts()).toEqual({ waiting: 2, mine: 0, all: 2, closed: 0 });
    expect(await byTestId(page, 'filter-all').getAttribute('aria-pressed')).toBe('true');
    await snap(page, 'queue-desktop');
    await page.setViewportSize(PHONE);
    // The phone shows the queue alone, inside the page's main landmark, with one level-one heading.
    expect(await page.locator('main:visible').count()).toBe(1);
    expect(await page.locator('h1:visible').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await snap(page, 'queue-phone');
    await page.setViewportSize(DESKTOP);
  });

  it('counts the taken conversation under "mine" and shows each filter its own list', async () => {
    await items('waiting-list').first().click();
    await byTestId(page, 'take').click();
    await byTestId(page, 'reply-text').waitFor();
    await waitUntil(async () => JSON.stringify(await counts()) === JSON.stringify({ waiting: 1, mine: 1, all: 2, closed: 0 }));

    await byTestId(page, 'filter-mine').click();
    expect(await byTestId(page, 'waiting-list').isVisible()).toBe(false);
    expect(await ids('active-list')).toEqual([hijackedId]);
    await byTestId(page, 'filter-waiting').click();
    expect(await byTestId(page, 'active-list').isVisible()).toBe(false);
    expect(await ids('waiting-list')).toEqual([sellerId]);
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      expect(await axeViolations(page)).toEqual([]);
    }
    await page.setViewportSize(DESKTOP);
  });

  it('sounds and notifies when a new customer starts waiting, unless muted (remembered)', async () => {
    // The browser's sound and notifications, counted (no audio device here); the page as if in another tab.
    await page.addInitScript({
      content: `(() => {
        const alerts = { tones: 0, notes: [] };
        window.__alerts = alerts;
        class FakeNotification {
          static permission = 'granted';
          static requestPermission() { return Promise.resolve('granted'); }
          constructor(title, opts) { alerts.notes.push(title + '|' + opts.body); }
          addEventListener() {}
        }
        class FakeAudio {
          currentTime = 0;
          destination = {};
          createOscillator() { return { frequency: {}, connect: (g) => g, start: () => { alerts.tones += 1; }, stop: () => undefined }; }
          createGain() { return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (d) => d }; }
        }
        window.Notification = FakeNotification;
        window.AudioContext = FakeAudio;
        Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => true });
      })()`,
    });
    await page.reload();
    await page.waitForSelector('[data-testid="live-status"][data-state="live"]');
    await waitUntil(async () => (await items('waiting-list').count()) === 1);
    const alerts = () => page.evaluate<{ tones: number; notes: string[] }>('window.__alerts');
    expect(await alerts()).toEqual({ tones: 0, notes: [] });

    const fajar = new MetaUser(run, graph, 'whatsapp', '6281900000013', 'Fajar');
    await fajar.say('petugas');
    await waitUntil(async () => (await alerts()).tones === 1);
    expect((await alerts()).notes).toEqual([`${t('id', 'agent.alerts.title')}|${t('id', 'agent.alerts.body', { name: 'Fajar' })}`]);

    await byTestId(page, 'mute').click();
    expect(await byTestId(page, 'mute').getAttribute('data-muted')).toBe('true');
    const gita = new MetaUser(run, graph, 'whatsapp', '6281900000014', 'Gita');
    await gita.say('petugas');
    await waitUntil(async () => (await items('waiting-list').count()) === 3);
    expect((await alerts()).tones).toBe(1);
    await page.reload();
    await page.waitForSelector('[data-testid="live-status"][data-state="live"]');
    expect(await byTestId(page, 'mute').getAttribute('data-muted')).toBe('true');
    await byTestId(page, 'mute').click();
    expect(await byTestId(page, 'mute').getAttribute('data-muted')).toBe('false');
  });

  it('keeps a closed conversation reachable under "closed", with how it ended', async () => {
    await byTestId(page, 'filter-mine').click();
    await items('active-list').first().click();
    await byTestId(page, 'close').click();
    await waitUntil(async () => (await counts()).closed === 1);
    expect(await counts()).toEqual({ waiting: 3, mine: 0, all: 3, closed: 1 });
    await byTestId(page, 'filter-closed').click();
    await expectText(items('closed-list'), 'Dewi');
    expect(await ids('closed-list')).toEqual([hijackedId]);
    expect(await items('closed-list').first().innerText()).toContain('Ditutup');
    await items('closed-list').first().click();
    await expectText(byTestId(page, 'transcript'), 'akun saya dibajak!!');
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      expect(await axeViolations(page)).toEqual([]);
    }
    await page.setViewportSize(DESKTOP);
    // A reload fetches the history from the server, not from what this page saw live.
    await page.reload();
    await page.waitForSelector('[data-testid="live-status"][data-state="live"]');
    await waitUntil(async () => (await counts()).closed === 1);
  });
});
