import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TicketService } from '../../src/tickets/ticketService.js';
import type { TicketingOptions } from '../../src/tickets/sqlTicketing.js';
import { FaultyPort, type TicketBackendHarness } from './ticketBackends.js';
import { fixedClock, makeRequest } from './fixtures.js';

/**
 * The ticket outbox behind TicketService (SqlOutboxStore, on SQLite and on PostgreSQL), from the same tests:
 * enqueueing, the filing steps, crash repair by a new instance, late-number notices claimed once
 * across instances, and the pending count. Each test starts from empty tables; every
 * `instance()` is a new connection or pool on the one database, with its own TicketService.
 */
export function describeTicketOutbox(name: string, harness: () => TicketBackendHarness): void {
  describe(`Ticket outbox contract: ${name}`, () => {
    beforeEach(async () => harness().reset());
    afterEach(async () => harness().disconnectAll());

    /** A service instance on its own connection, its port wrapped so tests can make it fail. */
    const instance = async (opts: TicketingOptions = {}) => {
      const { port, outbox } = await harness().connect(opts);
      const faulty = new FaultyPort(port);
      const service = new TicketService({ outbox, port: faulty, ...(opts.now ? { now: opts.now } : {}) });
      return { service, port: faulty, outbox };
    };

    it('enqueues a request once per key (the first wins) without filing it', async () => {
      const clock = fixedClock('2026-11-24T03:00:00.000Z');
      const { service, port } = await instance({ now: clock.now });
      await service.enqueue(makeRequest({ description: 'first' }));
      clock.set('2026-11-24T03:05:00.000Z');
      await service.enqueue(makeRequest({ description: 'second' }));
      const other = await instance({ now: clock.now });
      await other.service.enqueue(makeRequest({ description: 'third' }));

      expect(await service.entry('app-0001')).toEqual({
        idempotencyKey: 'app-0001',
        notice: null,
        request: makeRequest({ description: 'first' }),
        itsmNumber: null,
        apktNumber: null,
        state: 'pending',
        attempts: 0,
        lastError: null,
        deadAt: null,
        createdAt: '2026-11-24T03:00:00.000Z',
        updatedAt: '2026-11-24T03:00:00.000Z',
      });
      expect(await service.entry('unknown')).toBeNull();
      expect(port.calls).toEqual({ itsm: 0, apkt: 0 });
      expect(await harness().count('ticket_outbox')).toBe(1);
      expect(await service.pendingCount()).toBe(1);
    });

    it('refuses a blank or over-long idempotency key', async () => {
      const { service } = await instance();
      for (const idempotencyKey of ['', '   ', 'k'.repeat(201)]) {
        await expect(service.enqueue(makeRequest({ idempotencyKey }))).rejects.toThrow(TypeError);
        await expect(service.file(makeRequest({ idempotencyKey }))).rejects.toThrow(TypeError);
      }
      await service.enqueue(makeRequest({ idempotencyKey: 'k'.repeat(200) }));
      expect(await harness().count('ticket_outbox')).toBe(1);
    });

    it('files through both steps once; filing the key again returns the first filing', async () => {
      const clock = fixedClock('2026-11-24T03:00:00.000Z');
      const { service, port } = await instance({ now: clock.now });
      const filed = await service.file(makeRequest());
      expect(filed).toEqual({ itsmNumber: 'ITSM-20261124-00001', apktNumber: 'APKT-20261124-00001' });
      clock.set('2026-11-24T04:00:00.000Z');
      expect(await service.file(makeRequest({ description: 'changed' }))).toEqual(filed);
      expect(await service.advance('app-0001')).toEqual(filed);
      expect(port.calls).toEqual({ itsm: 1, apkt: 1 });
      expect(await service.entry('app-0001')).toMatchObject({
        state: 'done',
        itsmNumber: filed.itsmNumber,
        apktNumber: filed.apktNumber,
        attempts: 1,
        lastError: null,
        createdAt: '2026-11-24T03:00:00.000Z',
        updatedAt: '2026-11-24T03:00:00.000Z',
      });
      expect(await service.pendingCount()).toBe(0);
      await expect(service.advance('never-enqueued')).rejects.toThrow(/No ticket outbox entry/);
    });

    it('shares one filing between concurrent confirmations in one instance', async () => {
      const { service, port } = await instance();
      const results = await Promise.all(Array.from({ length: 10 }, () => service.file(makeRequest())));
      for (const r of results) expect(r).toEqual(results[0]);
      expect(port.calls).toEqual({ itsm: 1, apkt: 1 });
      expect(await harness().count('itsm_tickets')).toBe(1);
    });

    it('files one ticket when two instances file the same key at the same moment', async () => {
      const instances = await Promise.all([instance(), instance()]);
      const keys = Array.from({ length: 8 }, (_, i) => `dup-${i}`);
      const results = await Promise.all(keys.map((key) => Promise.all(instances.map(({ service }) => service.file(makeRequest({ idempotencyKey: key }))))));
      for (const [a, b] of results) expect(a).toEqual(b);
      expect(new Set(results.map(([a]) => a!.itsmNumber)).size).toBe(keys.length);
      expect(await harness().count('itsm_tickets')).toBe(keys.length);
      expect(await harness().count('apkt_records')).toBe(keys.length);
      expect(await harness().count('ticket_outbox')).toBe(keys.length);
      for (const key of keys) expect(await instances[0]!.service.entry(key)).toMatchObject({ state: 'done' });
    });

    it('repairs a crash between the ITSM and APKT writes in a new instance, without a second ticket', async () => {
      const clock = fixedClock('2026-11-24T03:00:00.000Z');
      const req = makeRequest();
      const first = await instance({ now: clock.now });
      first.port.faults = { apkt: 'before' };
      await expect(first.service.file(req)).rejects.toThrow('APKT unreachable');
      const pending = await first.service.entry(req.idempotencyKey);
      expect(pending).toMatchObject({ state: 'itsm_filed', itsmNumber: 'ITSM-20261124-00001', apktNumber: null, attempts: 1 });
      // The applicant's phone echoed by the adapter is not kept in clear.
      expect(pending?.lastError).toContain('APKT unreachable');
      expect(pending?.lastError).not.toContain('81234567890');
      expect(await first.service.pendingCount()).toBe(1);
      await harness().disconnectAll(); // the process dies

      clock.set('2026-11-24T03:10:00.000Z');
      const second = await instance({ now: clock.now });
      expect(await second.service.drainPending()).toEqual({ completed: 1, failed: 0 });
      expect(second.port.calls).toEqual({ itsm: 0, apkt: 1 });
      expect(await second.service.entry(req.idempotencyKey)).toMatchObject({
        state: 'done',
        itsmNumber: 'ITSM-20261124-00001',
        apktNumber: 'APKT-20261124-00001',
        attempts: 2,
        lastError: null,
        updatedAt: '2026-11-24T03:10:00.000Z',
      });
      expect(await harness().count('itsm_tickets')).toBe(1);
      expect(await harness().count('apkt_records')).toBe(1);
      expect((await second.port.getTicket('ITSM-20261124-00001'))?.apkt?.number).toBe('APKT-20261124-00001');
      expect(await second.service.file(req)).toEqual({ itsmNumber: 'ITSM-20261124-00001', apktNumber: 'APKT-20261124-00001' });
      expect(await second.service.drainPending()).toEqual({ completed: 0, failed: 0 });
    });

    it('repairs a crash after the ITSM write but before the outbox recorded its number', async () => {
      const req = makeRequest();
      const first = await instance();
      first.port.faults = { itsm: 'after' };
      await expect(first.service.file(req)).rejects.toThrow('ITSM unreachable');
      expect(await first.service.entry(req.idempotencyKey)).toMatchObject({ state: 'pending', itsmNumber: null, attempts: 1 });
      expect(await harness().count('itsm_tickets')).toBe(1);
      await harness().disconnectAll();

      // Not only drainPending: the next confirmation of the same key completes it.
      const second = await instance();
      const filed = await second.service.file(req);
      expect(filed.itsmNumber).toMatch(/^ITSM-\d{8}-00001$/);
      expect(await harness().count('itsm_tickets')).toBe(1);
      expect(await harness().count('apkt_records')).toBe(1);
    });

    it('keeps failing rows for the next drain, and stops a drain at the first retryable error', async () => {
      const { service, port } = await instance();
      port.faults = { itsm: 'before', retryable: true };
      for (const key of ['k1', 'k2', 'k3']) await expect(service.file(makeRequest({ idempotencyKey: key }))).rejects.toThrow('ITSM unreachable');
      expect(await service.pendingCount()).toBe(3);
      port.calls = { itsm: 0, apkt: 0 };
      expect(await service.drainPending()).toEqual({ completed: 0, failed: 3 });
      expect(port.calls.itsm).toBe(1);
      // A failure that is not "down" does not stop the others.
      port.faults = { itsm: 'before' };
      expect(await service.drainPending()).toEqual({ completed: 0, failed: 3 });
      expect(await service.entry('k1')).toMatchObject({ state: 'pending', attempts: 3 });
      port.faults = {};
      expect(await service.drainPending()).toEqual({ completed: 3, failed: 0 });
      expect(await service.entry('k1')).toMatchObject({ state: 'done', attempts: 4, lastError: null });
      expect(await service.pendingCount()).toBe(0);
    });

    it('drains pending rows oldest first, and two instances draining together file each once', async () => {
      const clock = fixedClock('2026-11-24T03:00:00.000Z');
      const { service, port } = await instance({ now: clock.now });
      port.faults = { itsm: 'before' };
      const keys = ['z-first', 'a-second', 'm-third', 'b-fourth', 'c-fifth', 'd-sixth'];
      for (const [i, key] of keys.entries()) {
        clock.set(`2026-11-24T03:00:0${i}.000Z`);
        await expect(service.file(makeRequest({ idempotencyKey: key }))).rejects.toThrow();
      }
      const others = await Promise.all([instance({ now: clock.now }), instance({ now: clock.now })]);
      const results = await Promise.all(others.map((o) => o.service.drainPending()));
      // Each instance completes what it read as pending: all six when both read before either
      // finished (the other's filing is then found by its key), fewer when one ran first (a loaded
      // machine). What matters is below: each key filed once.
      const completed = results.reduce((n, r) => n + r.completed, 0);
      expect(completed).toBeGreaterThanOrEqual(keys.length);
      expect(completed).toBeLessThanOrEqual(2 * keys.length);
      expect(results.every((r) => r.failed === 0)).toBe(true);
      expect(await harness().count('itsm_tickets')).toBe(keys.length);
      expect(await harness().count('apkt_records')).toBe(keys.length);
      // Oldest first: numbers follow the order the requests were confirmed in.
      const numbers = await Promise.all(keys.map(async (key) => (await service.entry(key))?.itsmNumber));
      expect(numbers).toEqual(keys.map((_, i) => `ITSM-20261124-0000${i + 1}`));
    });

    it('hands each wanted notice out exactly once across two instances racing, and only once filed', async () => {
      const a = await instance();
      const b = await instance();
      a.port.faults = { itsm: 'before', retryable: true };
      const keys = Array.from({ length: 12 }, (_, i) => `late-${String(i).padStart(2, '0')}`);
      for (const key of keys) {
        await expect(a.service.file(makeRequest({ idempotencyKey: key }))).rejects.toThrow();
        await a.service.wantNotice(key);
      }
      await b.service.wantNotice('late-00'); // asked twice: still one notice
      // Not filed yet: nothing to claim.
      expect(await b.service.claimNotices()).toEqual([]);

      a.port.faults = {};
      expect(await a.service.drainPending()).toEqual({ completed: keys.length, failed: 0 });
      const rounds = await Promise.all([a.service.claimNotices(), b.service.claimNotices(), a.service.claimNotices(), b.service.claimNotices()]);
      const claimed = rounds.flat().map((e) => e.idempotencyKey);
      expect([...claimed].sort()).toEqual(keys);
      for (const entry of rounds.flat()) expect(entry).toMatchObject({ notice: 'sending', state: 'done', itsmNumber: expect.stringMatching(/^ITSM-/) });
      expect(await a.service.claimNotices()).toEqual([]);
      expect(await b.service.claimNotices()).toEqual([]);

      // `retry` puts one back (claimed once more), `sent` and `failed` end them for good.
      await a.service.noticeDone('late-00', 'retry');
      await a.service.noticeDone('late-01', 'sent');
      await b.service.noticeDone('late-02', 'failed');
      const again = await Promise.all([a.service.claimNotices(), b.service.claimNotices()]);
      expect(again.flat().map((e) => [e.idempotencyKey, e.request.idempotencyKey])).toEqual([['late-00', 'late-00']]);
      await b.service.wantNotice('late-01'); // already sent: not asked again
      expect(await a.service.claimNotices()).toEqual([]);
      expect(await a.service.entry('late-01')).toMatchObject({ notice: 'sent' });
      expect(await a.service.entry('late-02')).toMatchObject({ notice: 'failed' });
    });

    it('hands out a given-up request\'s notice once, and the number after all if it is filed later', async () => {
      const a = await instance();
      const b = await instance();
      a.port.faults = { itsm: 'before', retryable: false };
      await expect(a.service.file(makeRequest({ idempotencyKey: 'given-up' }))).rejects.toThrow();
      await a.service.wantNotice('given-up');
      expect(await a.service.entry('given-up')).toMatchObject({ deadAt: expect.any(String) });
      const [claimed] = await Promise.all([a.service.claimNotices(), b.service.claimNotices()]).then((r) => r.flat());
      expect(claimed).toMatchObject({ idempotencyKey: 'given-up', state: 'pending', notice: 'sending', itsmNumber: null });
      await a.service.noticeDone('given-up', 'sent', 'givenUp');
      expect(await b.service.entry('given-up')).toMatchObject({ notice: 'givenUp' });
      expect(await b.service.claimNotices()).toEqual([]);

      // An operator revives it and it is filed: the applicant, told it was given up, gets the number.
      expect(await b.service.revive('given-up')).toBe(true);
      a.port.faults = {};
      expect(await b.service.drainPending()).toEqual({ completed: 1, failed: 0 });
      const [filed] = await b.service.claimNotices();
      expect(filed).toMatchObject({ idempotencyKey: 'given-up', state: 'done', itsmNumber: expect.stringMatching(/^ITSM-/) });
      await b.service.noticeDone('given-up', 'sent');
      expect(await a.service.entry('given-up')).toMatchObject({ notice: 'sent' });
      expect(await a.service.claimNotices()).toEqual([]);
    });

    it('claims notices oldest first', async () => {
      const clock = fixedClock('2026-11-24T03:00:00.000Z');
      const { service } = await instance({ now: clock.now });
      for (const [i, key] of ['c', 'a', 'b'].entries()) {
        clock.set(`2026-11-24T03:00:0${i}.000Z`);
        await service.file(makeRequest({ idempotencyKey: key }));
        await service.wantNotice(key);
      }
      expect((await service.claimNotices()).map((e) => e.idempotencyKey)).toEqual(['c', 'a', 'b']);
    });

    it('counts the rows not done, whichever instance wrote them', async () => {
      const a = await instance();
      const b = await instance();
      expect(await a.service.pendingCount()).toBe(0);
      await a.service.enqueue(makeRequest({ idempotencyKey: 'p1' }));
      await b.service.enqueue(makeRequest({ idempotencyKey: 'p2' }));
      b.port.faults = { apkt: 'before' };
      await expect(b.service.file(makeRequest({ idempotencyKey: 'p3' }))).rejects.toThrow();
      await a.service.file(makeRequest({ idempotencyKey: 'p4' }));
      expect(await a.service.pendingCount()).toBe(3);
      expect(await b.service.pendingCount()).toBe(3);
      await a.service.drainPending();
      expect(await b.service.pendingCount()).toBe(0);
    });
  });
}
