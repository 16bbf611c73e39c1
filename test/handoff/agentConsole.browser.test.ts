import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/messages.js';
import type { FakeGraph } from '../support/fakeGraph.js';
import { startFakeGraph, startMetaService, tempDataDir, type RunningService } from '../support/metaService.js';
import { MetaUser, said, texts } from '../support/metaUser.js';
import { productJpeg } from '../support/photos.js';
import { closeConsoleTest, expectText, hasChromium, inPageUntil as inPageUntilIn, launchChromium, waitUntil } from '../support/consoleBrowser.js';

/**
 * The agent console in Debian's Chromium (playwright-core, no browser download), against the real
 * service with a WhatsApp customer on a fake Graph API: sign in, see the customer appear live,
 * take over, reply, see a customer's `<script>` as text, hand back, and the bot asks the next
 * open question.
 */

const SCREENSHOT = path.resolve('test-results/agent-console.png');
const PASSWORD = 'rahasia-petugas-123';
let graph: FakeGraph;
let run: RunningService;
let browser: Browser;
let page: Page;
const dataDir = tempDataDir();
const dialogs: string[] = [];

describe.skipIf(!hasChromium)('agent console in Chromium', () => {
  beforeAll(async () => {
    graph = await startFakeGraph();
    run = await startMetaService(graph, dataDir, { OFFICER_HOURS: 'always' });
    await run.service.handoffs.officers.create({ username: 'sari.cso', displayName: 'Sari Wulandari', password: PASSWORD });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'id-ID' });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  }, 60_000);
  afterAll(async () => {
    await closeConsoleTest({ browser, run, graph, dataDir });
  });

  const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);

  it('refuses a wrong password, then signs in', async () => {
    await page.goto(`${run.url}/agent`);
    await byTestId('login-username').fill('sari.cso');
    await byTestId('login-password').fill('salah-sandi-123');
    await byTestId('login-submit').click();
    await expectText(byTestId('login-error'), t('id', 'agent.login.invalidCredentials'));
    await byTestId('login-password').fill(PASSWORD);
    await byTestId('login-submit').click();
    await expectText(byTestId('officer-name'), 'Sari Wulandari');
    await page.waitForSelector('[data-testid="live-status"][data-state="live"]');
  });

  const customerId = '6281900000001';
  let customer: MetaUser;
  let itemId: string | null;

  it('shows a waiting conversation live, with the form so far and the photo', async () => {
    customer = new MetaUser(run, graph, 'whatsapp', customerId, 'Budi');
    await customer.say('daftar seller');
    await customer.say('Budi Santoso');
    await customer.say('Keripik Bu Sri');
    await customer.say('keripik singkong');
    await customer.say('bisa dibantu petugas?');
    const item = byTestId('waiting-list').locator('[data-testid="handoff-item"]');
    await item.first().waitFor({ timeout: 5000 });
    expect(await item.count()).toBe(1);
    expect(await item.first().innerText()).toContain('Budi');
    itemId = await item.first().getAttribute('data-handoff-id');
    await item.first().click();
    await expectText(byTestId('form-table'), 'Keripik Bu Sri');
    await expectText(byTestId('transcript'), 'bisa dibantu petugas?');
  });

  it('takes over; the customer is told, and a <script> they send shows as text', async () => {
    await byTestId('take').click();
    await byTestId('reply-text').waitFor();
    await waitUntil(() => texts(customer.newSends()).includes(said('whatsapp', 'officer.joined', { officer: 'Sari Wulandari' })));
    expect(await byTestId('active-list').locator(`[data-handoff-id="${itemId}"]`).count()).toBe(1);

    const hostile = '<script>alert("xss")</script><img src=x onerror=alert(1)><b>tebal</b>';
    expect(await customer.say(hostile)).toEqual([]);
    const last = byTestId('transcript').locator('[data-testid="transcript-entry"][data-from="customer"]').last();
    await expectText(last, hostile);
    expect(await byTestId('transcript').locator('script, b, img:not(.msg__photo)').count()).toBe(0);

    await customer.sendImage(await productJpeg(800, 600));
    await byTestId('transcript').locator('img.msg__photo').first().waitFor({ timeout: 5000 });
    expect(customer.newSends()).toEqual([]);
  });

  it("sends the officer's reply to the customer's WhatsApp", async () => {
    await byTestId('reply-text').fill('Halo Pak Budi, saya Sari. Usahanya di kota mana?');
    await byTestId('reply-send').click();
    await waitUntil(() => graph.textsTo(customerId).includes('Halo Pak Budi, saya Sari. Usahanya di kota mana?'));
    await expectText(byTestId('transcript').locator('[data-from="agent"]').last(), 'Halo Pak Budi, saya Sari.');
    // The newest message is in view: the transcript follows the conversation.
    await inPageUntil(`(() => {
      const wrap = document.querySelector('.conv__transcript');
      return wrap !== null && wrap.scrollHeight - wrap.scrollTop - wrap.clientHeight < 48;
    })()`);
    await page.screenshot({ path: SCREENSHOT });
  });

  it('hands back: the bot asks the first question still open', async () => {
    customer.newSends();
    await byTestId('handback').click();
    // The notice and the bot's next message are two sends: wait for a message after the notice.
    await waitUntil(() => {
      const texts = graph.textsTo(customerId);
      const notice = texts.findLastIndex((x) => x.startsWith(t('id', 'officer.handedBack')));
      return notice >= 0 && notice < texts.length - 1;
    });
    customer.newSends(); // read: the next say() returns only its own replies
    const tail = graph.textsTo(customerId).slice(-2);
    expect(tail).toEqual([said('whatsapp', 'officer.handedBack'), expect.stringContaining(t('id', 'fields.city.question'))]);
    await page.locator(`[data-testid="active-list"] [data-handoff-id="${itemId}"]`).waitFor({ state: 'detached' });
    expect(await customer.say('kepanjen')).toEqual([expect.stringContaining(t('id', 'fields.province.question'))]);
    expect(dialogs).toEqual([]);
  });

  it('signs out', async () => {
    await byTestId('logout').click();
    await byTestId('login-form').waitFor();
    const res = await page.request.get(`${run.url}/agent/api/handoffs`);
    expect(res.status()).toBe(401);
  });

  it('after too many wrong passwords, says how long to wait and keeps the button disabled until then', async () => {
    await page.clock.install();
    // Five wrong passwords from this address (the API, as a script would), then the officer tries.
    for (let i = 0; i < 5; i++) {
      const wrong = await page.request.post(`${run.url}/agent/api/login`, { data: { username: 'sari.cso', password: `salah-${i}` } });
      expect(wrong.status()).toBe(401);
    }
    await byTestId('login-username').fill('sari.cso');
    await byTestId('login-password').fill(PASSWORD);
    await byTestId('login-submit').click();
    await expectText(byTestId('login-error'), t('id', 'agent.login.tooManyAttemptsWait', { time: '15 menit' }));
    expect(await byTestId('login-submit').isDisabled()).toBe(true);
    expect(await byTestId('login-submit').innerText()).toMatch(/^Tunggu 1[45]:\d\d$/);
    await page.clock.runFor('14:00');
    expect(await byTestId('login-submit').innerText()).toMatch(/^Tunggu 0:\d\d$|^Tunggu 1:00$/);
    expect(await byTestId('login-submit').isDisabled()).toBe(true);
    await page.clock.runFor('01:01');
    expect(await byTestId('login-submit').isDisabled()).toBe(false);
    expect(await byTestId('login-submit').innerText()).toBe(t('id', 'agent.login.submit'));
    expect(await byTestId('login-error').isHidden()).toBe(true);
  });
});

const inPageUntil = (expression: string, timeoutMs?: number) => inPageUntilIn(page, expression, timeoutMs);
