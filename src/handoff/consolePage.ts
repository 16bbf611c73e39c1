import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, type Router } from 'express';
import { messageCatalogs, type Locale } from '../i18n/messages.js';

export interface ConsolePageOptions {
  /** Language of the page and of every sentence the officer reads (the officers are Indonesian). */
  defaultLocale: Locale;
}

/**
 * The page runs under this policy: its own scripts and style sheets only (no inline script or
 * style, no eval), images from the service itself (photos) or data URLs, API calls and the event
 * stream to the same origin, and it may not be framed.
 */
export const CONSOLE_CSP =
  "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * The script modules and style sheets of the console, served as they are (no build step): every
 * file of the console folder whose name matches this (so not console.html, nothing in a
 * subfolder, nothing with a dot or a slash in its name).
 */
const ASSET_NAME = /^[a-zA-Z]+\.(js|css)$/;
const CONTENT_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

interface Asset {
  contentType: string;
  body: Buffer;
}

const STRINGS_PLACEHOLDER = '<!--STRINGS-->';
const AGENT_PREFIX = 'agent.';

const here = path.dirname(fileURLToPath(import.meta.url));

function findConsoleDir(): string {
  // src/handoff when run from source (tsx, vitest); dist/src/handoff when built, where the
  // console files are not copied, so they are read from src/ at the package root.
  const candidates = [path.resolve(here, 'console'), path.resolve(here, '../../../src/handoff/console')];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'console.html')));
  if (!found) throw new Error(`handoff console files not found near ${here}`);
  return found;
}

interface ConsoleFiles {
  html: string;
  /** By file name, e.g. `console.js`, `dom.js`, `console.css`. */
  assets: Map<string, Asset>;
}

let files: ConsoleFiles | undefined;

/** The shell, script modules and style sheets of the console; read once. */
function consoleFiles(): ConsoleFiles {
  if (!files) {
    const dir = findConsoleDir();
    const assets = new Map<string, Asset>();
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const match = ASSET_NAME.exec(entry.name);
      if (!match || !entry.isFile()) continue;
      assets.set(entry.name, { contentType: CONTENT_TYPES[match[1]!]!, body: fs.readFileSync(path.join(dir, entry.name)) });
    }
    // The supervisor view's charts: Chart.js's UMD build from its package, under a name of ours.
    // (The package exports no path to that file: it is found beside the package's CommonJS entry, dist/chart.cjs.)
    const chartDist = path.dirname(createRequire(import.meta.url).resolve('chart.js'));
    assets.set('chartlib.js', { contentType: CONTENT_TYPES.js!, body: fs.readFileSync(path.join(chartDist, 'chart.umd.min.js')) });
    files = { html: fs.readFileSync(path.join(dir, 'console.html'), 'utf8'), assets };
  }
  return files;
}

/** Every `agent.*` sentence of `locale`, keyed without the `agent.` prefix (e.g. `login.submit`). */
export function agentStrings(locale: Locale): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, text] of messageCatalogs()[locale]) {
    if (key.startsWith(AGENT_PREFIX)) out[key.slice(AGENT_PREFIX.length)] = text;
  }
  return out;
}

/**
 * JSON that is safe inside `<script type="application/json">`: `<`, `>` and `&` are written as
 * `\u003c`, `\u003e`, `\u0026` (only ever inside JSON strings, where they mean the same), so
 * no text can close the script element (`</script>`) or open a comment (`<!--`). U+2028/U+2029
 * are escaped too, so the text is also a valid JavaScript literal.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text for an HTML attribute or element content. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The shell with the strings of `locale` in it; `{{lang}}`, `{{title}}` and `{{noscript}}` filled in. */
export function renderConsoleHtml(shell: string, locale: Locale, strings: Record<string, string>): string {
  const values: Record<string, string> = { lang: locale, title: strings.title ?? '', noscript: strings.noscript ?? '' };
  const stringsTag = `<script type="application/json" id="agent-strings">${jsonForScript(strings)}</script>`;
  return shell
    .replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in values ? escapeHtml(values[name]!) : whole))
    .replace(STRINGS_PLACEHOLDER, () => stringsTag);
}

function setPageHeaders(res: Response): void {
  res.set({
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  });
}

/**
 * The agent console page (front end only; the JSON API under /agent/api is another router):
 * - `GET /agent`, `GET /agent/`: the HTML shell with the officer-facing sentences of
 *   `defaultLocale` embedded as JSON;
 * - `GET /agent/assets/<name>.js`, `GET /agent/assets/<name>.css`: its script modules (the entry
 *   point is `console.js`, which imports the others) and style sheets (`console.css` imports the
 *   others); 404 for any other name.
 */
export function createConsolePageRouter(options: ConsolePageOptions): Router {
  const router = express.Router({ strict: true });
  const { html: shell, assets } = consoleFiles();
  const page = renderConsoleHtml(shell, options.defaultLocale, agentStrings(options.defaultLocale));

  const sendPage = (_req: Request, res: Response): void => {
    setPageHeaders(res);
    res.type('html').send(page);
  };
  router.get('/agent', sendPage);
  router.get('/agent/', sendPage);

  router.get('/agent/assets/:name', (req: Request, res: Response) => {
    const name = req.params.name;
    const asset = typeof name === 'string' ? assets.get(name) : undefined;
    if (!asset) {
      res.set('X-Content-Type-Options', 'nosniff');
      res.status(404).json({ error: 'not_found' });
      return;
    }
    res.set({
      'Content-Type': asset.contentType,
      'X-Content-Type-Options': 'nosniff',
      // Revalidated on every load (the ETag makes that a 304), so a deploy is picked up at once.
      'Cache-Control': 'no-cache',
    });
    res.send(asset.body);
  });

  return router;
}
