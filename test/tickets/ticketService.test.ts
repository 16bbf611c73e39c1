import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/storage/sqlite.js';
import type { SqliteDatabase } from '../../src/storage/sqlite.js';
import { sqliteDatabase, type Database } from '../../src/storage/database.js';
import { jakartaDay, SqlTicketing } from '../../src/tickets/sqlTicketing.js';
import { TicketService } from '../../src/tickets/ticketService.js';
import type { TicketingPort } from '../../src/tickets/ticketingPort.js';
import type { NewTicketReply, TicketContact, TicketRequest } from '../../src/tickets/types.js';
import { fixedClock, makeRequest, tempDir } from './fixtures.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function memoryDb(): SqliteDatabase {
  const db = openSqlite(':memory:');
  cleanups.push(() => db.close());
  return db;
}

const databases = new WeakMap<SqliteDatabase, Database>();
/** The connection's one Database (its group commit must be the connection's only writer), shared by port and service. */
function on(db: SqliteDatabase): Database {
  return databases.get(db) ?? databases.set(db, sqliteDatabase(db)).get(db)!;
}

function count(db: SqliteDatabase, table: string): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

function setup(opts: { clock?: () => Date } = {}) {
  const db = memoryDb();
  const port = new SqlTicketing(on(db), opts.clock ? { now: opts.clock } : {});
  const service = new TicketService({ db: on(db), port });
  return { db, port, service };
}

/** Wraps a port; the first call(s) of the chosen step run the real write, then throw (a crash after the write). */
class CrashingPort implements TicketingPort {
  calls = { itsm: 0, apkt: 0 };
  constructor(
    private readonly inner: TicketingPort,
    private readonly failAfterWrite: { itsm?: number; apkt?: number },
  ) {}
  async createServiceRequest(req: TicketRequest) {
    this.calls.itsm += 1;
    const r = await this.inner.createServiceRequest(req);
    if ((this.failAfterWrite.itsm ?? 0) >= this.calls.itsm) throw new Error(`crash after ITSM write for ${req.applicant.phone}`);
    return r;
  }
  async createApktRecord(input: { itsmNumber: string; req: TicketRequest }) {
    this.calls.apkt += 1;
    const r = await this.inner.createApktRecord(input);
    if ((this.failAfterWrite.apkt ?? 0) >= this.calls.apkt) throw new Error('crash after APKT write');
    return r;
  }
  getTicket(number: string) {
    return this.inner.getTicket(number);
  }
  addReply(number: string, reply: NewTicketReply) {
    return this.inner.addReply(number, reply);
  }
  ticketsOf(channel: string, conversationId: string) {
    return this.inner.ticketsOf(channel, conversationId);
  }
  ticketsOfContact(contact: TicketContact) {
    return this.inner.ticketsOfContact(contact);
  }
}

describe('TicketService.file', () => {
  it('files one ITSM ticket and one APKT record with the SOP classification', async () => {
    const clock = fixedClock('2026-11-24T03:00:00.000Z');
    const { db, service } = setup({ clock: clock.now });
    const req = makeRequest({ description: 'Ingin berjualan kopi' });

    const filed = await service.file(req);

    expect(filed).toEqual({ itsmNumber: 'ITSM-20261124-00001', apktNumber: 'APKT-20261124-00001' });
    expect(count(db, 'itsm_tickets')).toBe(1);
    expect(count(db, 'apkt_records')).toBe(1);

    const view = await service.get(filed.itsmNumber);
    expect(view).toEqual({
      number: 'ITSM-20261124-00001',
      callType: 'Service Request',
      serviceFamily: '32. NEW PLN MOBILE',
      serviceGroup: '12. REGISTRASI PLN MOBILE - MA',
      serviceType: '07. Melakukan Registrasi Toko Marketplace',
      catalogNumber: 7,
      officer: 'chatbot.pln123',
      channel: 'whatsapp',
      conversationId: 'conv-42',
      applicant: req.applicant,
      photo: req.photo,
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
    // Looked up case-insensitively, and by the APKT number too.
    expect((await service.get('itsm-20261124-00001'))?.number).toBe('ITSM-20261124-00001');
    expect((await service.get('APKT-20261124-00001'))?.number).toBe('ITSM-20261124-00001');
    expect(await service.get('ITSM-20261124-00002')).toBeNull();

    expect(await service.entry(req.idempotencyKey)).toMatchObject({
      state: 'done',
      itsmNumber: filed.itsmNumber,
      apktNumber: filed.apktNumber,
      attempts: 1,
      lastError: null,
    });
  });

  it('keeps a re-filing linked to the earlier number and without photo', async () => {
    const { service } = setup();
    const first = await service.file(makeRequest());
    const again = await service.file(
      makeRequest({ idempotencyKey: 'app-0002', previousNumber: first.itsmNumber, photo: null, channel: 'msteams' }),
    );
    const view = await service.get(again.itsmNumber);
    expect(view?.previousNumber).toBe(first.itsmNumber);
    expect(view?.photo).toBeNull();
    expect(view?.channel).toBe('msteams');
  });

  it('returns the first filing when the same key is filed again (sequentially)', async () => {
    const { db, port, service } = setup();
    const a = await service.file(makeRequest());
    const b = await service.file(makeRequest({ description: 'changed' }));
    expect(b).toEqual(a);
    expect(count(db, 'itsm_tickets')).toBe(1);
    expect(count(db, 'apkt_records')).toBe(1);
    expect(count(db, 'ticket_outbox')).toBe(1);
    // The port itself is idempotent too.
    expect(await port.createServiceRequest(makeRequest())).toEqual({ number: a.itsmNumber });
    expect(await port.createApktRecord({ itsmNumber: a.itsmNumber, req: makeRequest() })).toEqual({ number: a.apktNumber });
    expect(count(db, 'itsm_tickets')).toBe(1);
    expect(count(db, 'apkt_records')).toBe(1);
  });

  it('shares one filing between concurrent calls with the same key', async () => {
    const db = memoryDb();
    const inner = new SqlTicketing(on(db));
    const port = new CrashingPort(inner, {});
    const service = new TicketService({ db: on(db), port });
    const results = await Promise.all(Array.from({ length: 10 }, () => service.file(makeRequest())));
    for (const r of results) expect(r).toEqual(results[0]);
    expect(port.calls).toEqual({ itsm: 1, apkt: 1 });
    expect(count(db, 'itsm_tickets')).toBe(1);
    expect(count(db, 'apkt_records')).toBe(1);
  });

  it('two services on the same database file never file twice for one key', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db1 = openSqlite(dir);
    const db2 = openSqlite(dir);
    cleanups.push(() => db1.close(), () => db2.close());
    const s1 = new TicketService({ db: on(db1), port: new SqlTicketing(on(db1)) });
    const s2 = new TicketService({ db: on(db2), port: new SqlTicketing(on(db2)) });
    const [a, b] = await Promise.all([s1.file(makeRequest()), s2.file(makeRequest())]);
    expect(a).toEqual(b);
    expect(count(db1, 'itsm_tickets')).toBe(1);
    expect(count(db1, 'apkt_records')).toBe(1);
  });

  it('completes a filing interrupted between the ITSM and APKT writes on restart, without duplicates', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const req = makeRequest();

    // Process 1: the ITSM ticket is written, then the process "dies" before APKT.
    const db1 = openSqlite(dir);
    const port1 = new CrashingPort(new SqlTicketing(on(db1)), { apkt: 0 });
    const failing: TicketingPort = {
      createServiceRequest: (r) => port1.createServiceRequest(r),
      createApktRecord: () => Promise.reject(new Error('APKT unreachable')),
      getTicket: (n) => port1.getTicket(n),
      addReply: (n, r) => port1.addReply(n, r),
      ticketsOf: (c, id) => port1.ticketsOf(c, id),
      ticketsOfContact: (c) => port1.ticketsOfContact(c),
    };
    const s1 = new TicketService({ db: on(db1), port: failing });
    await expect(s1.file(req)).rejects.toThrow('APKT unreachable');
    const pending = await s1.entry(req.idempotencyKey);
    expect(pending).toMatchObject({ state: 'itsm_filed', attempts: 1, apktNumber: null });
    expect(pending?.itsmNumber).toMatch(/^ITSM-\d{8}-00001$/);
    expect(pending?.lastError).toContain('APKT unreachable');
    expect(count(db1, 'itsm_tickets')).toBe(1);
    expect(count(db1, 'apkt_records')).toBe(0);
    db1.close();

    // Process 2: a new service over the same file drains the outbox at start-up.
    const db2 = openSqlite(dir);
    cleanups.push(() => db2.close());
    const s2 = new TicketService({ db: on(db2), port: new SqlTicketing(on(db2)) });
    expect(await s2.drainPending()).toEqual({ completed: 1, failed: 0 });
    const done = await s2.entry(req.idempotencyKey);
    expect(done).toMatchObject({ state: 'done', attempts: 2, lastError: null, itsmNumber: pending?.itsmNumber });
    expect(count(db2, 'itsm_tickets')).toBe(1);
    expect(count(db2, 'apkt_records')).toBe(1);
    const view = await s2.get(pending!.itsmNumber!);
    expect(view?.apkt?.itsmNumber).toBe(pending?.itsmNumber);
    // A duplicate confirmation afterwards returns the same filing.
    expect(await s2.file(req)).toEqual({ itsmNumber: done!.itsmNumber, apktNumber: done!.apktNumber });
    expect(await s2.drainPending()).toEqual({ completed: 0, failed: 0 });
  });

  it('recovers when the crash comes after the ITSM write but before the outbox recorded its number', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const req = makeRequest();
    const db1 = openSqlite(dir);
    const s1 = new TicketService({ db: on(db1), port: new CrashingPort(new SqlTicketing(on(db1)), { itsm: 1 }) });
    const err = await s1.file(req).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const pending = await s1.entry(req.idempotencyKey);
    expect(pending).toMatchObject({ state: 'pending', itsmNumber: null, attempts: 1 });
    // The applicant's phone from the error message is not stored in clear.
    expect(pending?.lastError).not.toContain('81234567890');
    expect(pending?.lastError).toContain('[redacted]');
    expect(count(db1, 'itsm_tickets')).toBe(1);
    db1.close();

    const db2 = openSqlite(dir);
    cleanups.push(() => db2.close());
    const s2 = new TicketService({ db: on(db2), port: new SqlTicketing(on(db2)) });
    // The next file() with the same key (not only drainPending) completes it.
    const filed = await s2.file(req);
    expect(filed.itsmNumber).toMatch(/-00001$/);
    expect(count(db2, 'itsm_tickets')).toBe(1);
    expect(count(db2, 'apkt_records')).toBe(1);
  });

  it('propagates port errors, records them, and lets drainPending retry', async () => {
    const db = memoryDb();
    const inner = new SqlTicketing(on(db));
    let down = true;
    const flaky: TicketingPort = {
      createServiceRequest: (r) => (down ? Promise.reject(new Error('ITSM 503')) : inner.createServiceRequest(r)),
      createApktRecord: (i) => inner.createApktRecord(i),
      getTicket: (n) => inner.getTicket(n),
      addReply: (n, r) => inner.addReply(n, r),
      ticketsOf: (c, id) => inner.ticketsOf(c, id),
      ticketsOfContact: (c) => inner.ticketsOfContact(c),
    };
    const service = new TicketService({ db: on(db), port: flaky });
    await expect(service.file(makeRequest({ idempotencyKey: 'k1' }))).rejects.toThrow('ITSM 503');
    await expect(service.file(makeRequest({ idempotencyKey: 'k2' }))).rejects.toThrow('ITSM 503');
    expect(await service.drainPending()).toEqual({ completed: 0, failed: 2 });
    expect(await service.entry('k1')).toMatchObject({ state: 'pending', attempts: 2, lastError: 'Error: ITSM 503' });
    down = false;
    expect(await service.drainPending()).toEqual({ completed: 2, failed: 0 });
    expect(await service.entry('k1')).toMatchObject({ state: 'done', attempts: 3, lastError: null });
    expect(count(db, 'itsm_tickets')).toBe(2);
    expect(count(db, 'apkt_records')).toBe(2);
  });

  it('rejects an empty idempotency key', async () => {
    const { service } = setup();
    await expect(service.file(makeRequest({ idempotencyKey: ' ' }))).rejects.toThrow(TypeError);
  });
});

describe('SqlTicketing numbering on SQLite', () => {
  it('uses the Asia/Jakarta date', () => {
    expect(jakartaDay(new Date('2026-11-24T16:59:59Z'))).toBe('20261124');
    expect(jakartaDay(new Date('2026-11-24T17:00:00Z'))).toBe('20261125');
  });

  it('numbers increase within a day and restart the next Jakarta day', async () => {
    const clock = fixedClock('2026-11-24T10:00:00Z');
    const { service } = setup({ clock: clock.now });
    const a = await service.file(makeRequest({ idempotencyKey: 'a' }));
    clock.set('2026-11-24T16:59:59Z');
    const b = await service.file(makeRequest({ idempotencyKey: 'b' }));
    clock.set('2026-11-24T17:00:00Z'); // 00:00 WIB on the 25th
    const c = await service.file(makeRequest({ idempotencyKey: 'c' }));
    const d = await service.file(makeRequest({ idempotencyKey: 'd' }));
    expect([a, b, c, d].map((t) => t.itsmNumber)).toEqual([
      'ITSM-20261124-00001',
      'ITSM-20261124-00002',
      'ITSM-20261125-00001',
      'ITSM-20261125-00002',
    ]);
    expect([a, b, c, d].map((t) => t.apktNumber)).toEqual([
      'APKT-20261124-00001',
      'APKT-20261124-00002',
      'APKT-20261125-00001',
      'APKT-20261125-00002',
    ]);
  });

  it('gives 50 concurrent filings 50 distinct, consecutive numbers', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const clock = fixedClock('2026-11-24T03:00:00Z');
    // Two connections to one file, as two processes would have.
    const dbs = [openSqlite(dir), openSqlite(dir)];
    cleanups.push(() => dbs.forEach((d) => d.close()));
    const services = dbs.map((db) => new TicketService({ db: on(db), port: new SqlTicketing(on(db), { now: clock.now }) }));
    const filed = await Promise.all(
      Array.from({ length: 50 }, (_, i) => services[i % 2]!.file(makeRequest({ idempotencyKey: `key-${i}` }))),
    );
    const itsm = filed.map((f) => f.itsmNumber);
    const apkt = filed.map((f) => f.apktNumber);
    expect(new Set(itsm).size).toBe(50);
    expect(new Set(apkt).size).toBe(50);
    const expected = Array.from({ length: 50 }, (_, i) => `ITSM-20261124-${String(i + 1).padStart(5, '0')}`);
    expect([...itsm].sort()).toEqual(expected);
    expect(count(dbs[0]!, 'itsm_tickets')).toBe(50);
    expect(count(dbs[0]!, 'apkt_records')).toBe(50);
  });
});

describe('SqlTicketing on SQLite across processes', () => {
  it('separate processes on one file never share a number nor file a shared key twice', async () => {
    const { execFile } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    // Migrate first so the children do not race on CREATE TABLE.
    const db = openSqlite(dir);
    cleanups.push(() => db.close());
    on(db);

    const worker = fileURLToPath(new URL('./fileWorker.ts', import.meta.url));
    const run = (prefix: string) =>
      new Promise<string[]>((resolve, reject) => {
        execFile(process.execPath, ['--import', 'tsx', worker, dir, prefix, '20'], (err, stdout, stderr) => {
          if (err) reject(new Error(`${err.message}\n${stderr}`));
          else resolve(JSON.parse(stdout) as string[]);
        });
      });
    const results = await Promise.all(['p0', 'p1', 'p2', 'p3'].map(run));

    expect(count(db, 'itsm_tickets')).toBe(4 * 20 + 20);
    expect(count(db, 'apkt_records')).toBe(4 * 20 + 20);
    const seqs = db.prepare('SELECT day, seq FROM itsm_tickets ORDER BY day, seq').all() as { day: string; seq: number }[];
    expect(new Set(seqs.map((s) => `${s.day}-${s.seq}`)).size).toBe(100);
    // Every process got the same number for each shared key.
    for (let i = 0; i < 20; i++) {
      const shared = new Set(results.map((r) => r[2 * i + 1]));
      expect(shared.size).toBe(1);
    }
  }, 60_000);
});
