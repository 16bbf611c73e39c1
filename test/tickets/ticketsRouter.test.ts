import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicketsRouter } from '../../src/http/ticketsRouter.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import { EmbeddedTicketing } from '../../src/tickets/embeddedTicketing.js';
import { TicketService } from '../../src/tickets/ticketService.js';
import type { FiledTicket } from '../../src/tickets/types.js';
import { fixedClock, makeRequest } from './fixtures.js';

const TOKEN = 's3cret-token-for-tests';
const db = openSqlite(':memory:');
const clock = fixedClock('2026-11-24T03:00:00.000Z');
const tickets = new TicketService({ db, port: new EmbeddedTicketing(db, { now: clock.now }) });
const servers: Server[] = [];
let base = '';
let disabledBase = '';
let filed: FiledTicket;

async function listen(token: string | undefined): Promise<string> {
  const app = express();
  app.use(createTicketsRouter({ tickets, token }));
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
