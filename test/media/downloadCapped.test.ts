import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { downloadCapped, PhotoError } from '../../src/media/index.js';
import { codeOf, serveBytes, startServer, type Handler } from './mediaTestHelpers.js';

const MB = 1024 * 1024;
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

interface StreamStats {
  queued: number;
  closed: boolean;
  finished: boolean;
}

/** Streams `total` bytes slowly (chunk every interval) and records how far it got. */
function streamSlowly(total: number, withContentLength: boolean, stats: StreamStats): Handler {
  return (_req: http.IncomingMessage, res: http.ServerResponse) => {
    const headers: Record<string, string> = { 'content-type': 'image/jpeg' };
    if (withContentLength) headers['content-length'] = String(total);
    res.writeHead(200, headers);
    res.flushHeaders();
    const chunk = Buffer.alloc(256 * 1024, 0xab);
    const timer = setInterval(() => {
      if (stats.queued >= total) {
        clearInterval(timer);
        res.end(() => (stats.finished = true));
        return;
      }
      const n = Math.min(chunk.length, total - stats.queued);
      res.write(chunk.subarray(0, n));
      stats.queued += n;
    }, 5);
    res.on('close', () => {
      clearInterval(timer);
      stats.closed = true;
    });
  };
}

describe('downloadCapped', () => {
  it('returns the exact bytes and sends the given headers', async () => {
    const body = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    server.route('/ok.bin', serveBytes(body));
    const got = await downloadCapped(`${server.base}/ok.bin`, { allowedOrigins: [server.base], maxBytes: 100_000, timeoutMs: 5000, headers: { Authorization: 'Bearer wa-token' } });
    expect(got.equals(body)).toBe(true);
    expect(server.requests.findLast((r) => r.path === '/ok.bin')?.headers.authorization).toBe('Bearer wa-token');
  });

  it('accepts a body of exactly maxBytes and refuses one byte more', async () => {
    server.route('/exact.bin', serveBytes(Buffer.alloc(5000, 1)));
    expect((await downloadCapped(`${server.base}/exact.bin`, { allowedOrigins: [server.base], maxBytes: 5000, timeoutMs: 5000 })).length).toBe(5000);
    expect(await codeOf(downloadCapped(`${server.base}/exact.bin`, { allowedOrigins: [server.base], maxBytes: 4999, timeoutMs: 5000 }))).toBe('tooLarge');
  });

  it('refuses a 30 MB download from its Content-Length before reading the body', async () => {
    const stats: StreamStats = { queued: 0, closed: false, finished: false };
    server.route('/30mb-cl.jpg', streamSlowly(30 * MB, true, stats));
    const started = Date.now();
    expect(await codeOf(downloadCapped(`${server.base}/30mb-cl.jpg`, { allowedOrigins: [server.base], maxBytes: 10 * MB, timeoutMs: 10_000 }))).toBe('tooLarge');
    expect(Date.now() - started).toBeLessThan(1000);
    await vi.waitFor(() => expect(stats.closed).toBe(true), { timeout: 3000 });
    expect(stats.finished).toBe(false);
    expect(stats.queued).toBeLessThan(2 * MB);
  });

  it('refuses a 30 MB chunked download (no Content-Length) by counting, closing the connection early', async () => {
    const stats: StreamStats = { queued: 0, closed: false, finished: false };
    server.route('/30mb-chunked.jpg', streamSlowly(30 * MB, false, stats));
    expect(await codeOf(downloadCapped(`${server.base}/30mb-chunked.jpg`, { allowedOrigins: [server.base], maxBytes: 10 * MB, timeoutMs: 10_000 }))).toBe('tooLarge');
    await vi.waitFor(() => expect(stats.closed).toBe(true), { timeout: 3000 });
    expect(stats.finished).toBe(false);
    // It had to read past 10 MB to know, and stopped well before 30 MB.
    expect(stats.queued).toBeGreaterThan(10 * MB);
    expect(stats.queued).toBeLessThan(20 * MB);
  });

  it('maps non-2xx to downloadFailed', async () => {
    server.route('/500', (_req, res) => res.writeHead(500).end('boom'));
    server.route('/403', (_req, res) => res.writeHead(403).end('expired'));
    expect(await codeOf(downloadCapped(`${server.base}/missing.jpg`, { allowedOrigins: [server.base], maxBytes: MB, timeoutMs: 5000 }))).toBe('downloadFailed');
    expect(await codeOf(downloadCapped(`${server.base}/500`, { allowedOrigins: [server.base], maxBytes: MB, timeoutMs: 5000 }))).toBe('downloadFailed');
    expect(await codeOf(downloadCapped(`${server.base}/403`, { allowedOrigins: [server.base], maxBytes: MB, timeoutMs: 5000 }))).toBe('downloadFailed');
  });

  it('follows a redirect', async () => {
    server.route('/moved', (_req, res) => res.writeHead(302, { location: '/ok2.bin' }).end());
    server.route('/ok2.bin', serveBytes(Buffer.from('hello')));
    expect((await downloadCapped(`${server.base}/moved`, { allowedOrigins: [server.base], maxBytes: MB, timeoutMs: 5000 })).toString()).toBe('hello');
  });

  it('times out (no response, and a stalled body) with downloadFailed', async () => {
    server.route('/hang', () => undefined);
    server.route('/stall', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': '1000' });
      res.write(Buffer.alloc(10));
    });
    for (const path of ['/hang', '/stall']) {
      const started = Date.now();
      const err = await downloadCapped(`${server.base}${path}`, { allowedOrigins: [server.base], maxBytes: MB, timeoutMs: 300 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PhotoError);
      expect((err as PhotoError).code).toBe('downloadFailed');
      expect((err as PhotoError).message).toMatch(/timed out after 300 ms/);
      expect(Date.now() - started).toBeLessThan(2000);
    }
  });

  it('only fetches http: and https: URLs', async () => {
    const before = server.requests.length;
    for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/x.jpg', 'data:image/png;base64,iVBORw0KGgo=', 'javascript:alert(1)', 'not a url', '']) {
      expect(await codeOf(downloadCapped(url, { maxBytes: MB, timeoutMs: 1000 }))).toBe('downloadFailed');
    }
    expect(server.requests.length).toBe(before);
  });

  it('maps a refused connection to downloadFailed', async () => {
    const closed = await startServer();
    const base = closed.base;
    await closed.close();
    expect(await codeOf(downloadCapped(`${base}/x.jpg`, { allowedOrigins: [base], maxBytes: MB, timeoutMs: 2000 }))).toBe('downloadFailed');
  });
});
