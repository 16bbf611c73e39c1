import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, agentStrings, createConsolePageRouter, jsonForScript, renderConsoleHtml } from '../../src/handoff/consolePage.js';

const CONSOLE_DIR = path.resolve('src/handoff/console');
const consoleJs = fs.readFileSync(path.join(CONSOLE_DIR, 'console.js'), 'utf8');
const consoleHtml = fs.readFileSync(path.join(CONSOLE_DIR, 'console.html'), 'utf8');

async function serve(locale: 'id' | 'en'): Promise<{ server: Server; url: string }> {
  const app = express();
  app.use(createConsolePageRouter({ defaultLocale: locale }));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function embeddedStrings(html: string): Record<string, string> {
  const m = /<script type="application\/json" id="agent-strings">([\s\S]*?)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]!) as Record<string, string>;
}

describe('agent console page', () => {
  let id: { server: Server; url: string };
  let en: { server: Server; url: string };

  beforeAll(async () => {
    id = await serve('id');
    en = await serve('en');
  });
  afterAll(async () => {
    for (const s of [id, en]) await new Promise<void>((resolve) => s.server.close(() => resolve()));
  });

  it('serves the shell at /agent and /agent/ with the security headers', async () => {
    for (const p of ['/agent', '/agent/']) {
      const res = await fetch(`${id.url}${p}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).toContain('<html lang="id">');
      expect(html).toContain('<link rel="stylesheet" href="/agent/assets/console.css">');
      expect(html).toContain('<script type="module" src="/agent/assets/console.js"></script>');
      expect(html).not.toContain('<!--STRINGS-->');
      expect(html).not.toMatch(/\{\{\w+\}\}/);
    }
  });

  it('embeds every agent.* sentence of the default locale as parseable JSON', async () => {
    const strings = embeddedStrings(await (await fetch(`${id.url}/agent`)).text());
    expect(strings).toEqual(agentStrings('id'));
    expect(Object.keys(strings).length).toBeGreaterThan(50);
    expect(strings['login.submit']).toBe('Masuk');
    expect(strings['actions.take']).toBe('Ambil alih');
    expect(strings['ticket.suggestedReply']).toContain('{number}');
    expect(Object.keys(strings).some((k) => k.startsWith('agent.'))).toBe(false);

    const html = await (await fetch(`${en.url}/agent`)).text();
    expect(html).toContain('<html lang="en">');
    expect(embeddedStrings(html)['login.submit']).toBe('Sign in');
  });

  it('has the same agent keys in both languages', () => {
    expect(Object.keys(agentStrings('en')).sort()).toEqual(Object.keys(agentStrings('id')).sort());
  });

  it('escapes the JSON so that no string can close the script element', () => {
    const nasty = { a: '</script><script>alert(1)</script>', b: '<!-- x -->', c: 'a & b > c', d: 'line\u2028sep' };
    const json = jsonForScript(nasty);
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(json).toContain('\\u003c/script\\u003e');
    expect(JSON.parse(json)).toEqual(nasty);

    const html = renderConsoleHtml(consoleHtml, 'id', { title: 'T </title><b>x</b>', 'x.y': '</script><img src=x onerror=alert(1)>' });
    expect(html.match(/<\/script>/g)).toHaveLength(2); // the strings tag and the module script, nothing else
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('<title>T &#60;/title&#62;&#60;b&#62;x&#60;/b&#62;</title>');
    expect(embeddedStrings(html)['x.y']).toBe('</script><img src=x onerror=alert(1)>');
  });

  it('serves the script and the style sheet with their content types', async () => {
    const js = await fetch(`${id.url}/agent/assets/console.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript; charset=utf-8/);
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await js.text()).toBe(consoleJs);

    const css = await fetch(`${id.url}/agent/assets/console.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css; charset=utf-8/);
    expect(css.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await css.text()).length).toBeGreaterThan(1000);
  });

  it('serves nothing else from the console folder', async () => {
    for (const p of ['/agent/assets/console.html', '/agent/assets/nope.js', '/agent/assets/%2e%2e%2fconsolePage.ts', '/agent/assets/console.js%00', '/agent/assets/toString', '/agent/assets/__proto__']) {
      const res = await fetch(`${id.url}${p}`);
      expect(res.status, p).toBe(404);
      expect(res.headers.get('content-type'), p).not.toMatch(/javascript|css|html/);
    }
  });
});

describe('console.js (static checks)', () => {
  it('never builds HTML from strings', () => {
    for (const forbidden of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'DOMParser', 'createContextualFragment']) {
      expect(consoleJs.includes(forbidden), forbidden).toBe(false);
    }
  });

  it('needs nothing the Content-Security-Policy forbids', () => {
    expect(consoleJs).not.toMatch(/\beval\s*\(|new Function\s*\(|\.style\b|setAttribute\(\s*['"]style['"]/);
    expect(consoleJs).not.toMatch(/setTimeout\(\s*['"`]|setInterval\(\s*['"`]/);
    expect(consoleJs).not.toMatch(/^\s*import\s/m);
    // The shell: no inline script (other than the injected JSON) and no inline styles.
    expect(consoleHtml.match(/<script\b/g)).toHaveLength(1);
    expect(consoleHtml).not.toMatch(/\sstyle=|<style\b|\son\w+=/i);
  });

  it('only uses sentences that exist in both locales', () => {
    const id = agentStrings('id');
    const en = agentStrings('en');
    const used = [...consoleJs.matchAll(/\bs\('([\w.]+)'/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(50);
    const missing = [...new Set(used)].filter((k) => !(k in id) || !(k in en));
    expect(missing).toEqual([]);
  });
});
