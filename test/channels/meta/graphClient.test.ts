import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphClient } from '../../../src/channels/meta/graphClient.js';
import { classifyGraphError, GraphApiError } from '../../../src/channels/meta/graphErrors.js';
import { signMetaPayload, verifyMetaSignature } from '../../../src/channels/meta/signature.js';

/** A Graph stand-in that answers with a scripted sequence of (status, body). */
function scriptedServer() {
  const script: Array<[number, unknown]> = [];
  const seen: Array<{ path: string; auth: string | undefined; body: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', auth: req.headers.authorization, body });
      const [status, payload] = script.shift() ?? [200, { ok: true }];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    });
  });
  return { server, script, seen };
}

describe('GraphClient', () => {
  const fake = scriptedServer();
  let baseUrl = '';
  const sleeps: number[] = [];
  const client = () =>
    new GraphClient({ baseUrl, version: 'v25.0', accessToken: 'tok', maxAttempts: 4, baseDelayMs: 100, sleep: async (ms) => void sleeps.push(ms) });

  beforeAll(async () => {
    await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => fake.server.close(() => r())));

  it('sends JSON with the token to the versioned path', async () => {
    fake.seen.length = 0;
    fake.script.push([200, { message_id: 'm1' }]);
    expect(await client().post('/me/messages', { a: 1 })).toEqual({ message_id: 'm1' });
    expect(fake.seen[0]).toEqual({ path: '/v25.0/me/messages', auth: 'Bearer tok', body: '{"a":1}' });
  });

  it('retries throttling and server errors with growing backoff, then succeeds', async () => {
    fake.seen.length = 0;
    sleeps.length = 0;
    fake.script.push([429, { error: { code: 130429, message: 'rate' } }], [503, {}], [200, { ok: 1 }]);
    expect(await client().post('/1/messages', {})).toEqual({ ok: 1 });
    expect(fake.seen).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(50);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    expect(sleeps[1]).toBeGreaterThanOrEqual(100);
    expect(sleeps[1]).toBeLessThanOrEqual(200);
  });

  it('gives up after the configured attempts', async () => {
    fake.seen.length = 0;
    fake.script.push(...Array.from({ length: 4 }, (): [number, unknown] => [500, { error: { code: 2, message: 'x' } }]));
    await expect(client().post('/1/messages', {})).rejects.toMatchObject({ kind: 'transient', status: 500 });
    expect(fake.seen).toHaveLength(4);
  });

  it('never retries permanent errors, an expired window or a bad token', async () => {
    for (const [status, code, kind] of [[400, 131026, 'permanent'], [400, 131047, 'windowClosed'], [401, 190, 'auth']] as const) {
      fake.seen.length = 0;
      fake.script.push([status, { error: { code, message: 'no' } }]);
      const err = await client().post('/1/messages', {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GraphApiError);
      expect((err as GraphApiError).kind).toBe(kind);
      expect(fake.seen).toHaveLength(1);
    }
  });

  it('classifies Messenger window and rate errors', () => {
    expect(classifyGraphError(400, 10, 2018278)).toBe('windowClosed');
    expect(classifyGraphError(400, 613, null)).toBe('throttled');
    expect(classifyGraphError(400, 131056, null)).toBe('throttled');
    expect(classifyGraphError(500, null, null)).toBe('transient');
    expect(classifyGraphError(400, 100, null)).toBe('permanent');
  });
});

/** A Graph that takes every request and answers it only after `delayMs` (or never, when it is closed first). */
function slowServer(delayMs: number) {
  const seen: Array<{ method: string; path: string }> = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '' });
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"messages":[{"id":"wamid.late"}]}'), delayMs).unref();
    });
  });
  return { server, seen };
}

describe('GraphClient with a Graph that answers after the client timeout', () => {
  const slow = slowServer(400);
  let baseUrl = '';
  const client = (opts: { sendTimeoutMs: number }) =>
    new GraphClient({ baseUrl, version: 'v25.0', accessToken: 'tok', maxAttempts: 4, baseDelayMs: 1, timeoutMs: 100, ...opts, sleep: async () => undefined });

  beforeAll(async () => {
    await new Promise<void>((r) => slow.server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(slow.server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => (slow.server.closeAllConnections(), slow.server.close(() => r()))));

  it('sends a message once when the answer comes after the timeout (ambiguous: maybe delivered), and retries what cannot have reached Graph', async () => {
    slow.seen.length = 0;
    const err = await client({ sendTimeoutMs: 100 })
      .post('/1/messages', { text: 'halo' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphApiError);
    expect((err as GraphApiError).kind).toBe('ambiguous');
    expect((err as GraphApiError).retryable).toBe(false);
    expect(slow.seen).toEqual([{ method: 'POST', path: '/v25.0/1/messages' }]);

    // A send timeout longer than Graph's processing gets the answer: the message id.
    expect(await client({ sendTimeoutMs: 2_000 }).post('/1/messages', { text: 'halo' })).toEqual({ messages: [{ id: 'wamid.late' }] });

    // A look-up that times out changes nothing at Graph: it is retried as before.
    slow.seen.length = 0;
    await expect(client({ sendTimeoutMs: 2_000 }).get('/media-1')).rejects.toMatchObject({ kind: 'transient' });
    expect(slow.seen).toHaveLength(4);

    // A send refused before it could reach Graph (connection refused): nothing was delivered, it is retried.
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const attempts: string[] = [];
    const graph = new GraphClient({
      baseUrl: `http://127.0.0.1:${port}`,
      version: 'v25.0',
      accessToken: 'tok',
      maxAttempts: 3,
      sleep: async () => undefined,
      onError: (e) => void attempts.push(e.kind),
    });
    await expect(graph.post('/1/messages', {})).rejects.toMatchObject({ kind: 'transient' });
    expect(attempts).toEqual(['transient', 'transient', 'transient']);
  });
});

describe('Meta signature', () => {
  const secret = 'app-secret';
  it('accepts the exact bytes and rejects anything else', () => {
    const raw = Buffer.from('{"text":"Halo kak 👋 café"}', 'utf8');
    const header = signMetaPayload(raw, secret);
    expect(verifyMetaSignature(raw, header, secret)).toBe(true);
    // The same JSON re-serialised with escaped unicode is different bytes: different signature.
    const escaped = Buffer.from(JSON.stringify({ text: 'Halo kak 👋 café' }).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
    expect(verifyMetaSignature(escaped, header, secret)).toBe(false);
    expect(verifyMetaSignature(raw, header, 'other-secret')).toBe(false);
    expect(verifyMetaSignature(raw, undefined, secret)).toBe(false);
    expect(verifyMetaSignature(raw, 'sha256=abc', secret)).toBe(false);
    expect(verifyMetaSignature(raw, header.replace('sha256=', 'sha1='), secret)).toBe(false);
  });

  it('matches a published test vector', () => {
    // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog") from RFC 4231-style references.
    expect(signMetaPayload('The quick brown fox jumps over the lazy dog', 'key')).toBe('sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  });
});
