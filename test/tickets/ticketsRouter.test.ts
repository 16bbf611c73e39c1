import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicketsRouter } from '../../src/http/ticketsRouter.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import { sqliteDatabase } from '../../src/storage/database.js';
import { SqlTicketing } from '../../src/tickets/sqlTicketing.js';
import { TicketService } from '../../src/tickets/ticketService.js';
import type { FiledTicket, TicketReply, TicketView } from '../../src/tickets/types.js';
import { fixedClock, makeRequest } from './fixtures.js';

const TOKEN = 's3cret-token-for-tests';
const db = openSqlite(':memory:');
const clock = fixedClock('2026-11-24T03:00:00.000Z');
const database = sqliteDatabase(db);
const tickets = new TicketService({ db: database, port: new SqlTicketing(database, { now: clock.now }) });
const servers: Server[] = [];
let base = '';
let disabledBase = '';
let filed: FiledTicket;
/** What the router handed on for notification, in order. */
const notified: Array<{ ticket: TicketView; reply: TicketReply }> = [];

async function listen(token: string | undefined): Promise<string> {
  const app = express();
  app.use(createTicketsRouter({ tickets, token, onReply: (ticket, reply) => notified.push({ ticket, reply }) }));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  filed = await tickets.file(makeRequest({ description: 'Ingin berjualan kopi' }));
  base = await listen(TOKEN);
  disabledBase = await listen(undefined);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  db.close();
});

const auth = { Authorization: `Bearer ${TOKEN}` };

describe('GET /api/tickets/:number', () => {
  it('401 without Authorization header', async () => {
    const res = await fetch(`${base}/api/tickets/${filed.itsmNumber}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ error: 'unauthorized' });
  });

  it('401 with a wrong token, a token of another length, or another scheme', async () => {
    for (const header of [`Bearer ${TOKEN.slice(0, -1)}x`, 'Bearer short', `Basic ${TOKEN}`, `Bearer ${TOKEN}extra`, 'Bearer']) {
      const res = await fetch(`${base}/api/tickets/${filed.itsmNumber}`, { headers: { Authorization: header } });
      expect(res.status, header).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('401 when no token is configured (API disabled), even with a bearer header', async () => {
    for (const headers of [{}, auth, { Authorization: 'Bearer ' }]) {
      const res = await fetch(`${disabledBase}/api/tickets/${filed.itsmNumber}`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const emptyToken = await listen('');
    const res = await fetch(`${emptyToken}/api/tickets/${filed.itsmNumber}`, { headers: { Authorization: 'Bearer ' } });
    expect(res.status).toBe(401);
  });

  it('404 for an unknown number', async () => {
    const res = await fetch(`${base}/api/tickets/ITSM-20261124-09999`, { headers: auth });
    expect(res.status).toBe(404);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ error: 'not_found' });
  });

  it('400 for a malformed number', async () => {
    for (const n of ['ITSM-2026-1', 'hello', 'ITSM-20261124-000011', '1TSM-20261124-00001', 'ITSM_20261124_00001']) {
      const res = await fetch(`${base}/api/tickets/${encodeURIComponent(n)}`, { headers: auth });
      expect(res.status, n).toBe(400);
      expect(await res.json()).toEqual({ error: 'invalid_number' });
    }
  });

  it('200 with the full ticket view (case-insensitive number)', async () => {
    const res = await fetch(`${base}/api/tickets/${filed.itsmNumber.toLowerCase()}`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    const req = makeRequest();
    expect(body).toEqual({
      number: 'ITSM-20261124-00001',
      callType: 'Service Request',
      serviceFamily: '32. NEW PLN MOBILE',
      serviceGroup: '12. REGISTRASI PLN MOBILE - MA',
      serviceType: '07. Melakukan Registrasi Toko Marketplace',
      catalogNumber: 7,
      officer: 'chatbot.pln123',
      channel: 'whatsapp',
      conversationId: 'conv-42',
      applicant: {
        name: req.applicant.name,
        businessName: req.applicant.businessName,
        productType: req.applicant.productType,
        city: req.applicant.city,
        province: req.applicant.province,
        phone: req.applicant.phone,
        email: req.applicant.email,
      },
      photo: {
        sha256: 'a'.repeat(64),
        bytes: 123_456,
        width: 1024,
        height: 768,
        mimeType: 'image/jpeg',
        fileName: 'a.jpg',
      },
      previousNumber: null,
      description: 'Ingin berjualan kopi',
      priority: 'normal',
      status: 'Open',
      createdAt: '2026-11-24T03:00:00.000Z',
      apkt: {
        number: 'APKT-20261124-00001',
        category: 'Keluhan',
        complaintType: 'Informasi',
        subType: 'Umum',
        status: 'Closed - CC123',
        itsmNumber: 'ITSM-20261124-00001',
      },
      replies: [],
    });
  });

  it('500 without details when the store fails', async () => {
    const errors: unknown[] = [];
    const broken = {
      get: () => Promise.reject(new Error('disk on fire')),
    } as unknown as TicketService;
    const app = express();
    app.use(createTicketsRouter({ tickets: broken, token: TOKEN, onError: (e) => errors.push(e) }));
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/api/tickets/ITSM-20261124-00001`, { headers: auth });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal_error' });
    expect(errors).toHaveLength(1);
  });
});

describe('POST /api/tickets/:number/replies', () => {
  let number = '';
  const post = (n: string, body: unknown, headers: Record<string, string> = { ...auth, 'content-type': 'application/json' }) =>
    fetch(`${base}/api/tickets/${n}/replies`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    number = (await tickets.file(makeRequest({ idempotencyKey: 'app-0002', conversationId: 'conv-43', priority: 'urgent' }))).itsmNumber;
  });

  it('401 without or with a wrong token, and stores nothing', async () => {
    notified.length = 0;
    const attempts: Array<Record<string, string>> = [{ 'content-type': 'application/json' }, { 'content-type': 'application/json', Authorization: `Bearer ${TOKEN}x` }];
    for (const headers of attempts) {
      const res = await post(number, { text: 'Halo', author: 'support.mp1' }, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.json()).toEqual({ error: 'unauthorized' });
    }
    const res = await fetch(`${disabledBase}/api/tickets/${number}/replies`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Halo', author: 'support.mp1' }),
    });
    expect(res.status).toBe(401);
    expect((await tickets.get(number))?.replies).toEqual([]);
    expect(notified).toEqual([]);
  });

  it('400 for a malformed number or body, naming the fields but never echoing values', async () => {
    const res = await post('ITSM-2026-1', { text: 'Halo', author: 'support.mp1' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_number' });

    const cases: Array<[unknown, string[]]> = [
      [{ author: 'support.mp1' }, ['text']],
      [{ text: '', author: 'support.mp1' }, ['text']],
      [{ text: '   ', author: 'support.mp1' }, ['text']],
      [{ text: 'x'.repeat(4001), author: 'support.mp1' }, ['text']],
      [{ text: 42, author: 'support.mp1' }, ['text']],
      [{ text: 'Halo' }, ['author']],
      [{ text: 'Halo', author: 'a'.repeat(65) }, ['author']],
      [{ text: 'Halo', author: 'support.mp1', status: '' }, ['status']],
      [{ text: 'Halo', author: 'support.mp1', status: 's'.repeat(41) }, ['status']],
      [{ text: 'Halo', author: 'support.mp1', statut: 'Closed' }, ['']],
      [['Halo'], ['']],
    ];
    for (const [body, paths] of cases) {
      const r = await post(number, body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const json = (await r.json()) as { error: string; issues: Array<{ path: string; message: string }> };
      expect(json.error).toBe('invalid_body');
      expect(json.issues.map((i) => i.path)).toEqual(paths);
      expect(JSON.stringify(json)).not.toContain('xxxxxxxxxx');
    }
    // Not JSON at all, or not declared as JSON.
    const broken = await post(number, '{"text": ');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ error: 'invalid_body' });
    const plain = await post(number, 'text=Halo', { ...auth, 'content-type': 'text/plain' });
    expect(plain.status).toBe(400);
    expect(((await plain.json()) as { error: string }).error).toBe('invalid_body');
    // Larger than the body limit.
    const huge = await post(number, { text: 'x'.repeat(70_000), author: 'support.mp1' });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ error: 'payload_too_large' });

    expect((await tickets.get(number))?.replies).toEqual([]);
  });

  it('404 for an unknown number, without notifying', async () => {
    notified.length = 0;
    const res = await post('ITSM-20261124-09999', { text: 'Halo', author: 'support.mp1' });
    expect(res.status).toBe(404);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ error: 'not_found' });
    expect(notified).toEqual([]);
  });

  it('200 with the updated ticket; the reply is handed on for notification; GET shows replies and priority', async () => {
    notified.length = 0;
    clock.set('2026-11-25T02:00:00.000Z');
    const res = await post(number.toLowerCase(), { text: '  Data toko sedang kami verifikasi.\nMohon ditunggu.  ', author: ' support.mp1 ', status: 'In Progress' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as TicketView;
    const reply = { at: '2026-11-25T02:00:00.000Z', author: 'support.mp1', text: 'Data toko sedang kami verifikasi.\nMohon ditunggu.', status: 'In Progress' };
    expect(body).toMatchObject({ number, conversationId: 'conv-43', priority: 'urgent', status: 'In Progress', replies: [reply] });
    expect(notified).toHaveLength(1);
    expect(notified[0]!.reply).toEqual(reply);
    expect(notified[0]!.ticket).toEqual(body);

    clock.set('2026-11-25T03:00:00.000Z');
    const second = await post(number, { text: 'Toko Anda sudah aktif.', author: 'support.mp2' });
    expect(second.status).toBe(200);
    expect(((await second.json()) as TicketView).status).toBe('In Progress');

    const got = await fetch(`${base}/api/tickets/${number}`, { headers: auth });
    const ticket = (await got.json()) as TicketView;
    expect(ticket.priority).toBe('urgent');
    expect(ticket.status).toBe('In Progress');
    expect(ticket.replies).toEqual([reply, { at: '2026-11-25T03:00:00.000Z', author: 'support.mp2', text: 'Toko Anda sudah aktif.', status: null }]);
    expect(notified.map((n) => n.reply.author)).toEqual(['support.mp1', 'support.mp2']);
  });

  it('answers 200 even when the notification hook throws, and 500 without details when the store fails', async () => {
    const errors: unknown[] = [];
    const app = express();
    app.use(
      createTicketsRouter({
        tickets,
        token: TOKEN,
        onError: (e) => errors.push(e),
        onReply: () => {
          throw new Error('notifier down');
        },
      }),
    );
    const broken = {
      get: () => Promise.reject(new Error('disk on fire')),
      addReply: () => Promise.reject(new Error('disk on fire')),
    } as unknown as TicketService;
    const app2 = express();
    app2.use(createTicketsRouter({ tickets: broken, token: TOKEN, onError: (e) => errors.push(e) }));
    const urls: string[] = [];
    for (const a of [app, app2]) {
      const server = await new Promise<Server>((resolve) => {
        const s = a.listen(0, '127.0.0.1', () => resolve(s));
      });
      servers.push(server);
      urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
    const init = { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Halo', author: 'support.mp1' }) };
    const ok = await fetch(`${urls[0]}/api/tickets/${number}/replies`, init);
    expect(ok.status).toBe(200);
    expect(errors.map((e) => (e as Error).message)).toEqual(['notifier down']);
    const failed = await fetch(`${urls[1]}/api/tickets/${number}/replies`, init);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: 'internal_error' });
    expect(errors.map((e) => (e as Error).message)).toEqual(['notifier down', 'disk on fire']);
  });
});
