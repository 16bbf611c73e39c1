import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient } from '../support/agentClient.js';
import type { FakeGraph } from '../support/fakeGraph.js';
import { startFakeGraph, startMetaService, tempDataDir, type RunningService } from '../support/metaService.js';
import { MetaUser } from '../support/metaUser.js';
import { productJpeg } from '../support/photos.js';
import { STEPS } from '../support/applicationScript.js';
import { axeViolations, byTestId, closeConsoleTest, DESKTOP, hasChromium, inPageUntil, launchChromium, PHONE, signIn, snap } from '../support/consoleBrowser.js';

/**
 * The supervisor view (issue 16, item 8), drawn from data the service made the usual way: two
 * seller applications the bot filed, one an officer filed from the console, one abandoned at the
 * city question (its last change moved an hour back, as an abandoned form would be), an urgent and
 * an asked-for handoff. The charts hold those numbers, the CSV says the same, and an officer
 * without the supervisor flag sees neither the button nor the figures.
 */

const PASSWORD = 'rahasia-petugas-123';
let graph: FakeGraph;
let run: RunningService;
let browser: Browser;
let page: Page;
const dataDir = tempDataDir();
const pageErrors: string[] = [];

async function apply(userId: string, name: string): Promise<MetaUser> {
  const user = new MetaUser(run, graph, 'whatsapp', userId, name);
  for (const step of STEPS) {
    if (step === null) await user.sendImage(await productJpeg(640, 480));
    else await user.say(step);
  }
  return user;
}

/** The data of the chart on `canvas` (Chart.js keeps it per canvas). */
const chartData = (testid: string) =>
  page.evaluate<{ labels: string[]; data: number[][] }>(`(() => {
    const chart = window.Chart.getChart(document.querySelector('[data-testid="${testid}"]'));
    return { labels: chart.data.labels, data: chart.data.datasets.map((d) => d.data) };
  })()`);

describe.skipIf(!hasChromium)('agent console: supervisor view', () => {
  beforeAll(async () => {
    graph = await startFakeGraph();
    run = await startMetaService(graph, dataDir, { OFFICER_HOURS: 'always' });
    await run.service.handoffs.officers.create({ username: 'rudi.spv', displayName: 'Rudi Hartono', password: PASSWORD, supervisor: true });
    await run.service.handoffs.officers.create({ username: 'sari.cso', displayName: 'Sari Wulandari', password: PASSWORD });

    await apply('6281900000031', 'Ani');
    await apply('6281900000032', 'Bayu');
    // Abandoned at the city question.
    const left = new MetaUser(run, graph, 'whatsapp', '6281900000033', 'Citra');
    for (const text of ['daftar seller', 'Citra Lestari', 'Batik Citra', 'batik tulis']) await left.say(text);
    // An urgent handoff, and one asked for; the officer files the second one's application.
    const hijacked = new MetaUser(run, graph, 'whatsapp', '6281900000034', 'Dewi');
    await hijacked.say('akun saya dibajak!!');
    await hijacked.say('ya');
    const asked = new MetaUser(run, graph, 'whatsapp', '6281900000035', 'Eko');
    for (const text of ['daftar seller', 'Eko Prasetyo', 'Toko Eko', 'kopi bubuk', 'petugas']) await asked.say(text);
    await asked.sendImage(await productJpeg(640, 480));
    const sari = await AgentClient.signIn(run.url, 'sari.cso', PASSWORD);
    const { body } = await sari.get<{ handoffs: Array<{ id: number; conversationId: string }> }>('/agent/api/handoffs');
    const eko = body.handoffs.find((h) => h.conversationId === '6281900000035');
    await sari.post(`/agent/api/handoffs/${eko?.id}/take`);
    await asked.sendImage(await productJpeg(640, 480));
    const filed = await sari.post(`/agent/api/handoffs/${eko?.id}/ticket`, {
      kind: 'seller',
      fields: { name: 'Eko Prasetyo', businessName: 'Toko Eko', productType: 'kopi bubuk', city: 'malang', province: 'jawa timur', phone: '081234567035', email: 'eko.prasetyo@gmail.com' },
    });
    expect(filed.status).toBe(200);
    const db = new Database(path.join(dataDir, 'pln123.sqlite'));
    db.prepare('UPDATE conversations SET updated_at = updated_at - 3600000 WHERE conversation_key = ?').run('whatsapp:6281900000033');
    db.close();

    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: DESKTOP, locale: 'id-ID' })).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 120_000);
  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await closeConsoleTest({ browser, run, graph, dataDir });
  });

  it('is neither offered to nor answered for an officer without the supervisor flag', async () => {
    await signIn(page, run.url, 'sari.cso', PASSWORD);
    expect(await byTestId(page, 'supervisor-open').isVisible()).toBe(false);
    const res = await page.request.get(`${run.url}/agent/api/supervisor/stats?range=today`);
    expect(res.status()).toBe(403);
    await byTestId(page, 'logout').click();
    await byTestId(page, 'login-form').waitFor();
  });

  it("draws the last 7 days' charts from the service's data", async () => {
    await signIn(page, run.url, 'rudi.spv', PASSWORD);
    await byTestId(page, 'supervisor-open').click();
    await byTestId(page, 'stats-7d').click();
    await inPageUntil(page, `document.querySelectorAll('[data-testid^="chart-"]').length === 6 && window.Chart?.getChart(document.querySelector('[data-testid="chart-completion"]')) !== undefined`);

    const completion = await chartData('chart-completion');
    expect(completion.data).toEqual([[2, 1]]);
    const reasons = await chartData('chart-reasons');
    expect(Object.fromEntries(reasons.labels.map((l, i) => [l, reasons.data[0]?.[i]]))).toMatchObject({ Mendesak: 1 });
    expect(reasons.data[0]?.reduce((a, b) => a + b, 0)).toBe(2);
    const funnel = await chartData('chart-funnel');
    // Four applicants began (three filed, one stopped at the city); three went past the city.
    expect(funnel.data[0]).toEqual([4, 4, 4, 4, 3, 3, 3, 3, 3]);
    const channels = await chartData('chart-channels');
    expect(channels.data).toEqual([[3]]);
    // The canvas really has a drawing on it.
    const painted = await page.evaluate<number>(`(() => {
      const canvas = document.querySelector('[data-testid="chart-funnel"]');
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) n++;
      return n;
    })()`);
    expect(painted).toBeGreaterThan(1000);
    for (const [size, name] of [[DESKTOP, 'supervisor-desktop'], [PHONE, 'supervisor-phone']] as const) {
      await page.setViewportSize(size);
      expect(await axeViolations(page)).toEqual([]);
      await snap(page, name);
    }
    await page.setViewportSize(DESKTOP);
  });

  it('gives the same numbers as CSV', async () => {
    const href = await byTestId(page, 'supervisor-csv').getAttribute('href');
    expect(href).toBe('/agent/api/supervisor/stats.csv?range=7d');
    const res = await page.request.get(`${run.url}${href}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('text/csv');
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('section,label,value');
    expect(lines).toContain('completion,bot_only,2');
    expect(lines).toContain('completion,officer,1');
    expect(lines).toContain('seller_funnel,city,4');
    expect(lines).toContain('seller_funnel,province,3');
    expect(lines).toContain('tickets_by_channel,whatsapp,3');
    expect(lines).toContain('handoffs_by_reason,urgent,1');
  });
});
