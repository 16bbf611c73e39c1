import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { FakeGraph } from './fakeGraph.js';
import type { RunningService } from './metaService.js';

/**
 * What the agent console's browser tests share: Debian's Chromium (never a download), signing in,
 * waiting on the page without tripping its CSP, and an axe-core accessibility check.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) {
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);
  console.warn(`SKIPPED: agent console browser tests need Debian's Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
}

/** The two sizes officers use: a 1366×768 laptop and a 390×844 phone. */
export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const byTestId = (page: Page, id: string): Locator => page.locator(`[data-testid="${id}"]`);

export async function signIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(`${url}/agent`);
  await byTestId(page, 'login-username').fill(username);
  await byTestId(page, 'login-password').fill(password);
  await byTestId(page, 'login-submit').click();
  await page.waitForSelector('[data-testid="live-status"][data-state="live"]');
}

/** Waits until one of the elements of `locator` shows `text`. */
export async function expectText(locator: Locator, text: string, timeout = 5000): Promise<void> {
  const match = locator.filter({ hasText: text }).first();
  await match.waitFor({ timeout });
  expect(await match.innerText()).toContain(text);
}

/**
 * Polls an expression inside the page. Not `page.waitForFunction`: its polling evaluates the predicate
 * with eval in the page, which the console's CSP (no 'unsafe-eval') refuses once it has to poll;
 * `page.evaluate` runs through the DevTools protocol, which the CSP does not govern.
 */
export async function inPageUntil(page: Page, expression: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) throw new Error(`condition in the page not met in time: ${expression}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * The serious and critical WCAG 2.1 A/AA violations axe-core finds in the page as it is now.
 * axe is evaluated through the DevTools protocol (the console's CSP refuses injected scripts).
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate<AxeViolation[]>(`(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ') + ' :: ' + n.failureSummary) }));
  })()`);
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * With CONSOLE_SCREENSHOTS=<dir> (e.g. docs/screenshots), saves the page as <dir>/<name>.png: the
 * README's pictures of the console come from the browser tests' own runs. Otherwise nothing.
 */
export async function snap(page: Page, name: string): Promise<void> {
  const dir = process.env.CONSOLE_SCREENSHOTS;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: `${dir}/${name}.png` });
}

/** Ends what a console browser test started: the browser, the service, the fake Graph API and the data folder. */
export async function closeConsoleTest(parts: { browser?: Browser; run?: RunningService; graph?: FakeGraph; dataDir: string }): Promise<void> {
  await parts.browser?.close();
  await parts.run?.stop();
  await parts.graph?.close();
  fs.rmSync(parts.dataDir, { recursive: true, force: true });
}
