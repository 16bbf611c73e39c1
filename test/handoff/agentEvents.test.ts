import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAgentAuth } from '../../src/handoff/agentAuth.js';
import { createAgentRouter } from '../../src/handoff/agentRouter.js';
import { LocalHandoffBus } from '../../src/handoff/handoffBus.js';
import type { HandoffDesk } from '../../src/handoff/handoffDesk.js';
import { createHandoffStores } from '../../src/handoff/handoffStores.js';
import { createSignInThrottle } from '../../src/handoff/signInThrottle.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import { sqliteDatabase } from '../../src/storage/database.js';
import type { Handoff, HandoffSummary } from '../../src/handoff/types.js';

const PASSWORD = 'kopi-tubruk-2026';
const servers: Server[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** The console's event stream with a fast ping, signed in as cso.andi. */
async function start(desk: Pick<HandoffDesk, 'summary'> = {} as HandoffDesk) {
  const db = openSqlite(':memory:');
  const stores = createHandoffStores(sqliteDatabase(db));
  await stores.officers.create({ username: 'cso.andi', displayName: 'Andi', password: PASSWORD });
  const errors: unknown[] = [];
  const auth = createAgentAuth({ officers: stores.officers, sessions: stores.sessions, throttle: createSignInThrottle(sqliteDatabase(db)) });
  const app = express();
  const bus = new LocalHandoffBus();
  app.use(
    createAgentRouter({
      auth,
      desk: desk as HandoffDesk,
      bus,
      sessions: stores.sessions,
      photoPath: async () => null,
      onError: (err) => errors.push(err),
      pingMs: 20,
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const login = await fetch(`${base}/agent/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'cso.andi', password: PASSWORD }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  /** Reads the stream until the server ends it; the text received. */
  const readAll = async (): Promise<string> => {
    const res = await fetch(`${base}/agent/api/events`, { headers: { cookie } });
    expect(res.status).toBe(200);
    return res.text();
  };
  /** Opens a stream and reads it until `until` has arrived; `received()` is everything so far. */
  const open = async () => {
    const abort = new AbortController();
    const res = await fetch(`${base}/agent/api/events`, { headers: { cookie }, signal: abort.signal });
    const reader = res.body!.getReader();
    let text = '';
    const until = async (part: string) => {
      while (!text.includes(part)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${part}`);
        text += new TextDecoder().decode(value);
      }
      return text;
    };
    return { until, close: () => abort.abort() };
  };
  return { stores, errors, readAll, cookie, base, bus, open };
}

describe('the console event stream', () => {
  it('pings while the session lives and ends when it is signed out', async () => {
    const { stores, readAll, cookie } = await start();
    const token = cookie.split('=')[1]!;
    const text = readAll();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await stores.sessions.destroy(token);
    const received = await text;
    expect(received).toContain('event: ping');
  });

  it('ends the stream and reports when the session store fails at a ping', async () => {
    const { stores, errors, readAll } = await start();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const get = stores.sessions.get.bind(stores.sessions);
      // The sign-in check of the request passes; the first ping's check fails.
      vi.spyOn(stores.sessions, 'get').mockImplementationOnce(get).mockRejectedValueOnce(new Error('database unreachable'));
      const received = await readAll();
      expect(received).toContain('retry: 3000');
      expect(errors.map((e) => (e as Error).message)).toEqual(['database unreachable']);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('computes a handoff summary once per event, however many consoles are open', async () => {
    const handoff = { id: 7, conversationKey: 'whatsapp:628111', channel: 'whatsapp', conversationId: '628111', status: 'waiting' } as Handoff;
    const desk = { summary: vi.fn(async (h: Handoff) => ({ ...h, position: 1 }) as unknown as HandoffSummary) };
    const { bus, open } = await start(desk);
    const streams = await Promise.all([open(), open(), open()]);
    await Promise.all(streams.map((s) => s.until('retry: 3000')));
    bus.publish({ type: 'handoff', handoff });
    bus.publish({ type: 'handoff', handoff: { ...handoff, status: 'active' } });
    const received = await Promise.all(streams.map((s) => s.until('"status":"active"')));
    for (const text of received) {
      expect(text.match(/event: handoff/g)).toHaveLength(2);
      // In the order they happened.
      expect(text.indexOf('"status":"waiting"')).toBeLessThan(text.indexOf('"status":"active"'));
    }
    expect(desk.summary).toHaveBeenCalledTimes(2);
    streams.forEach((s) => s.close());
  });

  it('answers 500 JSON, not a stream, when the store fails at the sign-in check', async () => {
    const { stores, errors, base, cookie } = await start();
    vi.spyOn(stores.sessions, 'get').mockRejectedValueOnce(new Error('database unreachable'));
    const res = await fetch(`${base}/agent/api/events`, { headers: { cookie } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal_error' });
    // createAgentAuth was given no onError here: the router's onError is not involved.
    expect(errors).toEqual([]);
  });
});
