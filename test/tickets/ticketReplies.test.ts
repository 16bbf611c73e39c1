import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openSqlite, type SqliteDatabase } from '../../src/storage/sqlite.js';
import { sqliteDatabase } from '../../src/storage/database.js';
import { SqlTicketing } from '../../src/tickets/sqlTicketing.js';
import { toE164 } from '../../src/phone.js';
import { TicketService } from '../../src/tickets/ticketService.js';
import { fixedClock, makeRequest, tempDir } from './fixtures.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function setup(start = '2026-11-24T03:00:00.000Z') {
  const db = openSqlite(':memory:');
  cleanups.push(() => db.close());
  const clock = fixedClock(start);
  const database = sqliteDatabase(db);
  const service = new TicketService({ db: database, port: new SqlTicketing(database, { now: clock.now }), now: clock.now });
  return { db, clock, service };
}

describe('TicketService.addReply', () => {
  it('stores replies oldest first, moves the status only when one is given, and returns the updated ticket', async () => {
    const { clock, service } = setup();
    const { itsmNumber, apktNumber } = await service.file(makeRequest());

    clock.set('2026-11-25T02:00:00.000Z');
    const first = await service.addReply(itsmNumber, { author: 'support.mp1', text: '  Data toko sedang kami verifikasi.  ', status: 'In Progress' });
    expect(first?.status).toBe('In Progress');
    expect(first?.replies).toEqual([{ at: '2026-11-25T02:00:00.000Z', author: 'support.mp1', text: 'Data toko sedang kami verifikasi.', status: 'In Progress' }]);

    // No status: a comment that leaves the ticket where it is.
    clock.set('2026-11-25T05:30:00.000Z');
    const second = await service.addReply(itsmNumber.toLowerCase(), { author: 'support.mp2', text: 'Mohon tunggu, sedang dicek tim.' });
    expect(second?.status).toBe('In Progress');
    expect(second?.replies.at(-1)).toEqual({ at: '2026-11-25T05:30:00.000Z', author: 'support.mp2', text: 'Mohon tunggu, sedang dicek tim.', status: null });

    // By the APKT record's number too.
    clock.set('2026-11-26T01:00:00.000Z');
    const third = await service.addReply(apktNumber, { author: 'support.mp1', text: 'Toko Anda sudah aktif.', status: 'Resolved' });
    expect(third?.number).toBe(itsmNumber);
    expect(third?.status).toBe('Resolved');

    const stored = await service.get(itsmNumber);
    expect(stored?.status).toBe('Resolved');
    expect(stored?.replies.map((r) => [r.at, r.author, r.text, r.status])).toEqual([
      ['2026-11-25T02:00:00.000Z', 'support.mp1', 'Data toko sedang kami verifikasi.', 'In Progress'],
      ['2026-11-25T05:30:00.000Z', 'support.mp2', 'Mohon tunggu, sedang dicek tim.', null],
      ['2026-11-26T01:00:00.000Z', 'support.mp1', 'Toko Anda sudah aktif.', 'Resolved'],
    ]);
    // The APKT record (closed at CC123) is not touched by ITSM replies.
    expect(stored?.apkt?.status).toBe('Closed - CC123');
  });

  it('returns null for an unknown number and stores nothing', async () => {
    const { db, service } = setup();
    await service.file(makeRequest());
    expect(await service.addReply('ITSM-20261124-09999', { author: 'support.mp1', text: 'Halo', status: 'Closed' })).toBeNull();
    expect(await service.addReply('APKT-20261124-09999', { author: 'support.mp1', text: 'Halo' })).toBeNull();
    expect((db.prepare('SELECT COUNT(*) AS n FROM ticket_replies').get() as { n: number }).n).toBe(0);
    expect((await service.get('ITSM-20261124-00001'))?.status).toBe('Open');
  });

  it('accepts 4000 characters of text and refuses empty or oversized fields', async () => {
    const { service } = setup();
    const { itsmNumber } = await service.file(makeRequest());
    const long = 'x'.repeat(4000);
    expect((await service.addReply(itsmNumber, { author: 'a'.repeat(64), text: long, status: 's'.repeat(40) }))?.replies[0]?.text).toBe(long);
    for (const bad of [
      { author: 'support', text: 'x'.repeat(4001) },
      { author: 'support', text: '   ' },
      { author: '', text: 'ok' },
      { author: 'a'.repeat(65), text: 'ok' },
      { author: 'support', text: 'ok', status: '' },
      { author: 'support', text: 'ok', status: 's'.repeat(41) },
    ]) {
      await expect(service.addReply(itsmNumber, bad), JSON.stringify(bad).slice(0, 60)).rejects.toThrow(RangeError);
    }
    expect((await service.get(itsmNumber))?.replies).toHaveLength(1);
  });
});

describe('TicketService look-ups', () => {
  it('ticketsOf: the tickets of one conversation, newest first', async () => {
    const { clock, service } = setup();
    await service.file(makeRequest({ idempotencyKey: 'a', conversationId: '6281234567890' }));
    clock.set('2026-11-24T04:00:00.000Z');
    await service.file(makeRequest({ idempotencyKey: 'b', conversationId: '6289999999999' }));
    clock.set('2026-11-25T01:00:00.000Z');
    await service.file(makeRequest({ idempotencyKey: 'c', conversationId: '6281234567890', previousNumber: 'ITSM-20261124-00001' }));
    await service.file(makeRequest({ idempotencyKey: 'd', channel: 'messenger', conversationId: '6281234567890' }));

    const mine = await service.ticketsOf('whatsapp', '6281234567890');
    expect(mine.map((t) => t.number)).toEqual(['ITSM-20261125-00001', 'ITSM-20261124-00001']);
    expect(mine[0]).toMatchObject({ previousNumber: 'ITSM-20261124-00001', replies: [], priority: 'normal' });
    expect((await service.ticketsOf('messenger', '6281234567890')).map((t) => t.number)).toEqual(['ITSM-20261125-00002']);
    expect(await service.ticketsOf('whatsapp', 'nobody')).toEqual([]);
  });

  it('ticketsOfContact: by E.164 phone (or a common Indonesian form) or case-insensitive email, newest first, each once', async () => {
    const { clock, service } = setup();
    const siti = makeRequest().applicant;
    await service.file(makeRequest({ idempotencyKey: 'a', conversationId: 'wa-1' }));
    clock.set('2026-11-24T05:00:00.000Z');
    await service.file(makeRequest({ idempotencyKey: 'b', channel: 'instagram', conversationId: 'ig-1', applicant: { ...siti, phone: '+6285700000000', email: 'Siti@Example.co.id' } }));
    clock.set('2026-11-24T06:00:00.000Z');
    await service.file(makeRequest({ idempotencyKey: 'c', conversationId: 'wa-2', applicant: { ...siti, phone: '+6281111111111', email: 'other@example.com' } }));

    const numbers = async (contact: { phone?: string; email?: string }) => (await service.ticketsOfContact(contact)).map((t) => t.number);
    expect(await numbers({ phone: '+6281234567890' })).toEqual(['ITSM-20261124-00001']);
    expect(await numbers({ phone: '0812-3456-7890' })).toEqual(['ITSM-20261124-00001']);
    expect(await numbers({ phone: '6281234567890' })).toEqual(['ITSM-20261124-00001']);
    expect(await numbers({ email: 'SITI@example.CO.ID' })).toEqual(['ITSM-20261124-00002', 'ITSM-20261124-00001']);
    // Either matches; the ticket matching both comes once.
    expect(await numbers({ phone: '+6281111111111', email: 'siti@example.co.id' })).toEqual(['ITSM-20261124-00003', 'ITSM-20261124-00002', 'ITSM-20261124-00001']);
    expect(await numbers({ phone: '+6281234567890', email: 'siti@example.co.id' })).toEqual(['ITSM-20261124-00002', 'ITSM-20261124-00001']);
    expect(await numbers({ phone: '+6280000000000' })).toEqual([]);
    expect(await numbers({ email: 'nobody@example.com' })).toEqual([]);
    // Nothing usable: nothing at all (never "every ticket").
    expect(await numbers({})).toEqual([]);
    expect(await numbers({ phone: 'abc', email: '  ' })).toEqual([]);
  });

  it('normalizes phones to E.164', () => {
    expect(toE164('+62 812-3456-7890')).toBe('+6281234567890');
    expect(toE164('081234567890')).toBe('+6281234567890');
    expect(toE164('6281234567890')).toBe('+6281234567890');
    expect(toE164('(0812) 3456.7890')).toBe('+6281234567890');
    expect(toE164('12345')).toBeNull();
    expect(toE164('budi@example.com')).toBeNull();
  });

  it('keeps the priority given when filing', async () => {
    const { service } = setup();
    const filed = await service.file(makeRequest({ priority: 'urgent' }));
    expect((await service.get(filed.itsmNumber))?.priority).toBe('urgent');
  });
});

/** The schema of the first release (before priority and replies), verbatim. */
const OLD_SCHEMA = `
CREATE TABLE itsm_tickets (
  number          TEXT PRIMARY KEY,
  day             TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  call_type       TEXT NOT NULL,
  service_family  TEXT NOT NULL,
  service_group   TEXT NOT NULL,
  service_type    TEXT NOT NULL,
  catalog_number  INTEGER,
  officer         TEXT NOT NULL,
  channel         TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  applicant_json  TEXT NOT NULL,
  photo_json      TEXT,
  previous_number TEXT,
  description     TEXT,
  status          TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  UNIQUE (day, seq)
);
CREATE TABLE apkt_records (
  number          TEXT PRIMARY KEY,
  day             TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  itsm_number     TEXT NOT NULL UNIQUE REFERENCES itsm_tickets(number),
  category        TEXT NOT NULL,
  complaint_type  TEXT NOT NULL,
  sub_type        TEXT NOT NULL,
  status          TEXT NOT NULL,
  problem         TEXT NOT NULL,
  officer         TEXT NOT NULL,
  channel         TEXT NOT NULL,
  applicant_json  TEXT NOT NULL,
  description     TEXT,
  created_at      TEXT NOT NULL,
  UNIQUE (day, seq)
);
CREATE TABLE ticket_outbox (
  idempotency_key TEXT PRIMARY KEY,
  request_json    TEXT NOT NULL,
  itsm_number     TEXT,
  apkt_number     TEXT,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'itsm_filed', 'done')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
`;

describe('schema migration', () => {
  it('brings a database of the previous schema up to date, keeping its tickets and pending filings', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const { applicant } = makeRequest();

    // The database as the previous version left it: one filed ticket, one confirmed application
    // whose filing had not run yet (its request has no priority: it predates the field).
    const old = new Database(`${dir}/pln123.sqlite`);
    old.exec(OLD_SCHEMA);
    old
      .prepare(
        `INSERT INTO itsm_tickets VALUES ('ITSM-20261120-00001', '20261120', 1, 'old-key', 'Service Request', '32. NEW PLN MOBILE',
          '12. REGISTRASI PLN MOBILE - MA', '07. Melakukan Registrasi Toko Marketplace', 7, 'chatbot.pln123', 'whatsapp',
          '6281234567890', ?, NULL, NULL, NULL, 'Open', '2026-11-20T03:00:00.000Z')`,
      )
      .run(JSON.stringify(applicant));
    old
      .prepare(
        `INSERT INTO apkt_records VALUES ('APKT-20261120-00001', '20261120', 1, 'ITSM-20261120-00001', 'Keluhan', 'Informasi', 'Umum',
          'Closed - CC123', '07. Melakukan Registrasi Toko Marketplace', 'chatbot.pln123', 'whatsapp', ?, NULL, '2026-11-20T03:00:00.000Z')`,
      )
      .run(JSON.stringify(applicant));
    const { priority: _dropped, ...legacyRequest } = makeRequest({ idempotencyKey: 'pending-key', conversationId: '6281234567890' });
    old
      .prepare(`INSERT INTO ticket_outbox (idempotency_key, request_json, created_at, updated_at) VALUES ('pending-key', ?, '2026-11-20T04:00:00.000Z', '2026-11-20T04:00:00.000Z')`)
      .run(JSON.stringify(legacyRequest));
    old.close();

    const clock = fixedClock('2026-11-20T05:00:00.000Z');
    const open = (): { db: SqliteDatabase; service: TicketService } => {
      const db = openSqlite(dir);
      const database = sqliteDatabase(db);
      return { db, service: new TicketService({ db: database, port: new SqlTicketing(database, { now: clock.now }), now: clock.now }) };
    };
    const { db, service } = open();
    const columns = (db.prepare("SELECT name, dflt_value FROM pragma_table_info('itsm_tickets')").all() as Array<{ name: string; dflt_value: string | null }>).map((c) => [c.name, c.dflt_value]);
    expect(columns).toContainEqual(['priority', "'normal'"]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'ticket_replies'").get()).toEqual({ name: 'ticket_replies' });

    const before = await service.get('ITSM-20261120-00001');
    expect(before).toMatchObject({ number: 'ITSM-20261120-00001', priority: 'normal', status: 'Open', replies: [], applicant, apkt: { number: 'APKT-20261120-00001' } });

    // The pending filing completes with the next numbers, as a normal-priority ticket.
    expect(await service.drainPending()).toEqual({ completed: 1, failed: 0 });
    const filed = await service.entry('pending-key');
    expect(filed).toMatchObject({ state: 'done', itsmNumber: 'ITSM-20261120-00002', apktNumber: 'APKT-20261120-00002' });
    expect((await service.get('ITSM-20261120-00002'))?.priority).toBe('normal');

    // Replies and look-ups work on the old ticket.
    const replied = await service.addReply('ITSM-20261120-00001', { author: 'support.mp1', text: 'Toko sudah aktif.', status: 'Resolved' });
    expect(replied).toMatchObject({ status: 'Resolved', replies: [{ at: '2026-11-20T05:00:00.000Z', author: 'support.mp1', text: 'Toko sudah aktif.', status: 'Resolved' }] });
    expect((await service.ticketsOf('whatsapp', '6281234567890')).map((t) => t.number)).toEqual(['ITSM-20261120-00002', 'ITSM-20261120-00001']);
    expect((await service.ticketsOfContact({ email: applicant.email.toUpperCase() })).map((t) => t.number)).toEqual(['ITSM-20261120-00002', 'ITSM-20261120-00001']);
    db.close();

    // Opening the migrated database again changes nothing and loses nothing.
    const again = open();
    expect((again.db.prepare("SELECT COUNT(*) AS n FROM pragma_table_info('itsm_tickets') WHERE name = 'priority'").get() as { n: number }).n).toBe(1);
    expect((await again.service.get('ITSM-20261120-00001'))?.replies).toHaveLength(1);
    again.db.close();
  });
});
