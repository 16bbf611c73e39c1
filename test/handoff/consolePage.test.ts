import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, agentStrings, createConsolePageRouter, jsonForScript, renderConsoleHtml } from '../../src/handoff/consolePage.js';

const CONSOLE_DIR = path.resolve('src/handoff/console');
const consoleHtml = fs.readFileSync(path.join(CONSOLE_DIR, 'console.html'), 'utf8');
/** The files the page may load, by name: the script modules and the style sheets. */
const assetNames = fs.readdirSync(CONSOLE_DIR).filter((name) => /^[a-zA-Z]+\.(js|css)$/.test(name));
const read = (name: string): string => fs.readFileSync(path.join(CONSOLE_DIR, name), 'utf8');
/** Every script module of the console, by file name. */
const modules = new Map(assetNames.filter((name) => name.endsWith('.js')).map((name) => [name, read(name)] as const));
const styleSheets = new Map(assetNames.filter((name) => name.endsWith('.css')).map((name) => [name, read(name)] as const));
/** `./x.js` of every static `import … from './x.js'` in `source`. */
const importsOf = (source: string): string[] => [...source.matchAll(/^import\s[^;]*?\sfrom\s+'([^']+)';/gm)].map((m) => m[1]!);

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

  it('serves every script module and style sheet of the folder with its content type', async () => {
    expect(modules.has('console.js')).toBe(true);
    expect(modules.size).toBeGreaterThan(5);
    expect(styleSheets.has('console.css')).toBe(true);
    for (const name of assetNames) {
      const res = await fetch(`${id.url}/agent/assets/${name}`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get('content-type'), name).toMatch(name.endsWith('.js') ? /^text\/javascript; charset=utf-8/ : /^text\/css; charset=utf-8/);
      expect(res.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(await res.text(), name).toBe(read(name));
    }
    const css = [...styleSheets.values()].join('\n');
    expect(css.length).toBeGreaterThan(1000);
  });

  it('serves nothing else from the console folder', async () => {
    for (const p of [
      '/agent/assets/console.html',
      '/agent/assets/nope.js',
      '/agent/assets/nope.css',
      '/agent/assets/Console.JS',
      '/agent/assets/console.js.map',
      '/agent/assets/%2e%2e%2fconsolePage.ts',
      '/agent/assets/..%2fconsolePage.ts',
      '/agent/assets/console.js%00',
      '/agent/assets/toString',
      '/agent/assets/__proto__',
      '/agent/assets/constructor',
    ]) {
      const res = await fetch(`${id.url}${p}`);
      expect(res.status, p).toBe(404);
      expect(res.headers.get('content-type'), p).not.toMatch(/javascript|css|html/);
      expect(res.headers.get('x-content-type-options'), p).toBe('nosniff');
    }
  });
});

describe('console modules (static checks)', () => {
  it('never build HTML from strings', () => {
    for (const [name, source] of modules) {
      for (const forbidden of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'DOMParser', 'createContextualFragment']) {
        expect(source.includes(forbidden), `${name}: ${forbidden}`).toBe(false);
      }
    }
  });

  it('need nothing the Content-Security-Policy forbids', () => {
    for (const [name, source] of modules) {
      expect(source, name).not.toMatch(/\beval\s*\(|new Function\s*\(|\.style\b|setAttribute\(\s*['"]style['"]/);
      expect(source, name).not.toMatch(/setTimeout\(\s*['"`]|setInterval\(\s*['"`]/);
    }
    // The shell: no inline script (other than the injected JSON) and no inline styles.
    expect(consoleHtml.match(/<script\b/g)).toHaveLength(1);
    expect(consoleHtml).not.toMatch(/\sstyle=|<style\b|\son\w+=/i);
  });

  it('are type-checked, small, and import only each other', () => {
    const reached = new Set<string>();
    const visit = (name: string): void => {
      if (reached.has(name)) return;
      reached.add(name);
      for (const spec of importsOf(modules.get(name) ?? '')) visit(spec.slice(2));
    };
    visit('console.js');
    for (const [name, source] of modules) {
      expect(source.startsWith('// @ts-check\n'), name).toBe(true);
      expect(source.split('\n').length, name).toBeLessThanOrEqual(300);
      // Static imports of sibling modules only (the browser loads them from /agent/assets/).
      for (const line of source.split('\n').filter((l) => /^\s*import\b/.test(l))) {
        expect(line, name).toMatch(/^import \{[\w\s,]+\} from '\.\/[a-zA-Z]+\.js';$/);
      }
      expect(source, name).not.toMatch(/\bimport\s*\(/);
      for (const spec of importsOf(source)) expect(modules.has(spec.slice(2)), `${name} imports ${spec}`).toBe(true);
      // Every module is loaded by the page, except the JSDoc types (only named in `@import` tags).
      if (name !== 'types.js') expect(reached.has(name), `${name} is imported`).toBe(true);
    }
  });

  it('only use sentences that exist in both locales', () => {
    const id = agentStrings('id');
    const en = agentStrings('en');
    const used = [...modules.values()].flatMap((source) => [...source.matchAll(/\bs\('([\w.]+)'/g)].map((m) => m[1]!));
    expect(used.length).toBeGreaterThan(50);
    const missing = [...new Set(used)].filter((k) => !(k in id) || !(k in en));
    expect(missing).toEqual([]);
  });
});

describe('console style sheets (static checks)', () => {
  it('console.css imports the others, in the folder, and nothing else does', () => {
    const imported = [...styleSheets.get('console.css')!.matchAll(/^@import url\('\.\/([a-zA-Z]+\.css)'\);$/gm)].map((m) => m[1]!);
    expect(imported.sort()).toEqual([...styleSheets.keys()].filter((name) => name !== 'console.css').sort());
    for (const [name, css] of styleSheets) {
      if (name !== 'console.css') expect(css, name).not.toMatch(/@import/);
      expect(css, name).not.toMatch(/url\(\s*['"]?(?:https?:|\/\/)/i);
    }
  });
});
