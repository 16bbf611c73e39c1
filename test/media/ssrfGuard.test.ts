import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { downloadCapped } from '../../src/media/index.js';
import { codeOf, serveBytes, startServer } from './mediaTestHelpers.js';

/**
 * The SSRF guard of media downloads against loopback listeners: `server` is an origin the
 * configuration allows (as the tests' fake Graph is), `canary` another listener on 127.0.0.1 that
 * nothing allows. Whatever spelling a redirect uses to reach the canary, it must see no request.
 * (Metadata, TEST-NET and NAT64 addresses run in a network namespace: see mediaSsrf.netns.e2e.test.ts.)
 */

const MB = 1024 * 1024;
let server: Awaited<ReturnType<typeof startServer>>;
let canary: Awaited<ReturnType<typeof startServer>>;
let canaryPort = '';

beforeAll(async () => {
  server = await startServer();
  canary = await startServer();
  canaryPort = new URL(canary.base).port;
  canary.route('/secret', serveBytes(Buffer.from('internal answer'), 'application/json'));
});
afterAll(async () => {
  await server.close();
  await canary.close();
});

const fromServer = (path: string, opts: { maxBytes?: number; headers?: Record<string, string>; allowedOrigins?: string[] } = {}) =>
  downloadCapped(`${server.base}${path}`, { maxBytes: opts.maxBytes ?? MB, timeoutMs: 5000, allowedOrigins: opts.allowedOrigins ?? [server.base], ...(opts.headers ? { headers: opts.headers } : {}) });

describe('media download SSRF guard (loopback)', () => {
  it.each([
    ['another port on 127.0.0.1', () => `http://127.0.0.1:${canaryPort}/secret`],
    ['localhost (a name resolving to loopback)', () => `http://localhost:${canaryPort}/secret`],
    ['the IPv4-mapped [::ffff:127.0.0.1]', () => `http://[::ffff:127.0.0.1]:${canaryPort}/secret`],
    ['0.0.0.0 (reaches this host on Linux)', () => `http://0.0.0.0:${canaryPort}/secret`],
  ])('refuses a redirect from an allowed origin to %s, sending it no request', async (name, target) => {
    const path = `/to/${encodeURIComponent(name)}`;
    server.route(path, (_req, res) => res.writeHead(302, { location: target() }).end());
    const before = canary.requests.length;
    expect(await codeOf(fromServer(path))).toBe('downloadFailed');
    expect(server.requests.findLast((r) => r.path === path)).toBeDefined();
    expect(canary.requests.length).toBe(before);
  });

  it('allows exactly the configured origin: the same listener as "localhost" is refused', async () => {
    server.route('/self', serveBytes(Buffer.from('ok')));
    expect((await fromServer('/self')).toString()).toBe('ok');
    const before = server.requests.length;
    const asLocalhost = server.base.replace('127.0.0.1', 'localhost');
    expect(await codeOf(downloadCapped(`${asLocalhost}/self`, { maxBytes: MB, timeoutMs: 5000, allowedOrigins: [server.base] }))).toBe('downloadFailed');
    expect(server.requests.length).toBe(before);
  });

  it('fetches nothing from loopback without configuration', async () => {
    const before = canary.requests.length;
    expect(await codeOf(downloadCapped(`${canary.base}/secret`, { maxBytes: MB, timeoutMs: 5000 }))).toBe('downloadFailed');
    expect(canary.requests.length).toBe(before);
  });

  it('follows at most 3 redirects, each checked', async () => {
    for (let n = 1; n <= 4; n++) server.route(`/hop${n}`, (_req, res) => res.writeHead(307, { location: n === 1 ? '/final' : `/hop${n - 1}` }).end());
    server.route('/final', serveBytes(Buffer.from('arrived')));
    expect((await fromServer('/hop3')).toString()).toBe('arrived');
    const before = server.requests.filter((r) => r.path === '/final').length;
    expect(await codeOf(fromServer('/hop4'))).toBe('downloadFailed');
    expect(server.requests.filter((r) => r.path === '/final').length).toBe(before);
  });

  it('sends the caller\'s headers to the first origin only: dropped from the first hop elsewhere on, even back', async () => {
    const other = await startServer();
    try {
      server.route('/h1', (_req, res) => res.writeHead(302, { location: '/h2' }).end());
      server.route('/h2', (_req, res) => res.writeHead(302, { location: `${other.base}/h3` }).end());
      other.route('/h3', (_req, res) => res.writeHead(302, { location: `${server.base}/h4` }).end());
      server.route('/h4', serveBytes(Buffer.from('done')));
      const got = await fromServer('/h1', { headers: { authorization: 'Bearer secret', 'x-api-key': 'k' }, allowedOrigins: [server.base, other.base] });
      expect(got.toString()).toBe('done');
      const seen = (path: string, list = server.requests) => list.findLast((r) => r.path === path)?.headers;
      expect(seen('/h1')).toMatchObject({ authorization: 'Bearer secret', 'x-api-key': 'k' });
      expect(seen('/h2')).toMatchObject({ authorization: 'Bearer secret', 'x-api-key': 'k' });
      for (const headers of [seen('/h3', other.requests), seen('/h4')]) {
        expect(headers?.authorization).toBeUndefined();
        expect(headers?.['x-api-key']).toBeUndefined();
      }
    } finally {
      await other.close();
    }
  });

  it('reads MEDIA_ALLOWED_ORIGINS as exact origins and refuses anything else at start-up', () => {
    expect(loadConfig({ MEDIA_ALLOWED_ORIGINS: 'http://127.0.0.1:4567, https://media.example:443/' }).photos.allowedOrigins).toEqual([
      'http://127.0.0.1:4567',
      'https://media.example',
    ]);
    expect(loadConfig({}).photos.allowedOrigins).toEqual([]);
    expect(() => loadConfig({ MEDIA_ALLOWED_ORIGINS: 'http://127.0.0.1:4567/media' })).toThrow(/MEDIA_ALLOWED_ORIGINS/);
    expect(() => loadConfig({ MEDIA_ALLOWED_ORIGINS: '127.0.0.1:4567' })).toThrow(/MEDIA_ALLOWED_ORIGINS/);
  });
});
