import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTicketStores, type FilingTransaction } from '../../src/tickets/ticketStores.js';
import { SqlTicketing } from '../../src/tickets/sqlTicketing.js';
import { TicketService } from '../../src/tickets/ticketService.js';
import { sqliteDatabase } from '../../src/storage/database.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import { FaultyPort, describeOnBothBackends, type TicketBackendHarness } from './ticketBackends.js';
import { fixedClock, makeRequest } from './fixtures.js';

/**
 * A new filing written in one transaction (TicketService.file with the `filingTransaction` of
 * createTicketStores): the outbox row, the ITSM ticket, the APKT record and the outcome committed
 * together or not at all, and everything else still taken step by step.
 */
describeOnBothBackends('filing in one transaction', (name: string, harness: () => TicketBackendHarness) => {
  describe(`Filing in one transaction: ${name}`, () => {
    beforeEach(async () => harness().reset());
    afterEach(async () => harness().disconnectAll());

    const clock = fixedClock('2026-11-24T03:00:00.000Z');
    const warnings: string[] = [];
    beforeEach(() => {
      clock.set('2026-11-24T03:00:00.000Z');
      warnings.length = 0;
    });

    /** An instance whose step-by-step port is wrapped (to count and fail its calls), and whose transaction may be wrapped too. */
    const instance = async (wrap: (tx: FilingTransaction) => FilingTransaction = (tx) => tx) => {
      const { port, outbox, filingTransaction } = await harness().connect({ now: clock.now });
      if (!filingTransaction) throw new Error('createTicketStores gave no filingTransaction without a remote ITSM');
      const faulty = new FaultyPort(port);
      const service = new TicketService({
        outbox,
        port: faulty,
        now: clock.now,
        filingTransaction: wrap(filingTransaction),
        logger: { warn: (message, meta) => warnings.push(`${message} ${JSON.stringify(meta)}`) },
      });
      return { service, port: faulty };
    };

    /** The transaction's APKT step writes, then throws: everything written before it must be undone. */
    const apktThrowsAfterWrite = (tx: FilingTransaction): FilingTransaction => (fn) =>
      tx((steps) =>
        fn({
          ...steps,
          createApktRecord: async (input) => {
            await steps.createApktRecord(input);
            throw new Error(`database refused the record of ${input.req.applicant.phone}`);
          },
        }),
      );

    it('files a new key without the step-by-step port: both records, and the outbox row done after one attempt', async () => {
      const { service, port } = await instance();
      // Any step taken one by one would fail: only the transaction can file it.
      port.faults = { itsm: 'before', apkt: 'before', retryable: true };

      const filed = await service.file(makeRequest());

      expect(filed).toEqual({ itsmNumber: 'ITSM-20261124-00001', apktNumber: 'APKT-20261124-00001' });
      expect(port.calls).toEqual({ itsm: 0, apkt: 0 });
      expect(await service.entry('app-0001')).toMatchObject({
        state: 'done',
        itsmNumber: filed.itsmNumber,
        apktNumber: filed.apktNumber,
        attempts: 1,
        lastError: null,
        deadAt: null,
        createdAt: '2026-11-24T03:00:00.000Z',
        updatedAt: '2026-11-24T03:00:00.000Z',
      });
      const ticket = await service.get(filed.itsmNumber);
      expect(ticket).toMatchObject({ number: filed.itsmNumber, apkt: { number: filed.apktNumber, itsmNumber: filed.itsmNumber }, applicant: makeRequest().applicant });
      expect(warnings).toEqual([]);
      // Filed again (a duplicate confirmation): the first filing, nothing new, no step taken.
      port.faults = {};
      expect(await service.file(makeRequest({ description: 'again' }))).toEqual(filed);
      expect(port.calls).toEqual({ itsm: 0, apkt: 0 });
      for (const table of ['ticket_outbox', 'itsm_tickets', 'apkt_records'] as const) expect(await harness().count(table)).toBe(1);
    });

    it('a transaction that fails leaves nothing behind, and the steps then file it once, with the numbers it had taken', async () => {
      const left: number[] = [];
      const { service, port } = await instance((tx) => async (fn) => {
        try {
          return await apktThrowsAfterWrite(tx)(fn);
        } catch (err) {
          // What the failed transaction left, before the steps run.
          for (const table of ['ticket_outbox', 'itsm_tickets', 'apkt_records'] as const) left.push(await harness().count(table));
          throw err;
        }
      });

      const filed = await service.file(makeRequest());

      expect(left).toEqual([0, 0, 0]);
      // The rolled-back ITSM ticket took no number: the steps got the first one again.
      expect(filed).toEqual({ itsmNumber: 'ITSM-20261124-00001', apktNumber: 'APKT-20261124-00001' });
      expect(port.calls).toEqual({ itsm: 1, apkt: 1 });
      for (const table of ['ticket_outbox', 'itsm_tickets', 'apkt_records'] as const) expect(await harness().count(table)).toBe(1);
      expect(await service.entry('app-0001')).toMatchObject({ state: 'done', attempts: 1, lastError: null });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('filing step by step');
      expect(warnings[0]).not.toContain(makeRequest().applicant.phone);
    });

    it('when the transaction and the systems both fail, the request is kept for a retry, with its error', async () => {
      const { service, port } = await instance(apktThrowsAfterWrite);
      port.faults = { itsm: 'before', retryable: true };

      await expect(service.file(makeRequest())).rejects.toThrow(/ITSM unreachable/);
      expect(await harness().count('itsm_tickets')).toBe(0);
      expect(await harness().count('apkt_records')).toBe(0);
      const kept = await service.entry('app-0001');
      expect(kept).toMatchObject({ state: 'pending', attempts: 1, itsmNumber: null });
      expect(kept?.lastError).toContain('ITSM unreachable');
      expect(kept?.lastError).not.toContain(makeRequest().applicant.phone);

      port.faults = {};
      expect(await service.drainPending()).toEqual({ completed: 1, failed: 0 });
      expect(await service.entry('app-0001')).toMatchObject({ state: 'done', itsmNumber: 'ITSM-20261124-00001', apktNumber: 'APKT-20261124-00001', attempts: 2 });
    });

    it('a key already in the outbox (enqueued before a crash) is filed by the steps, not in a transaction again', async () => {
      const { service, port } = await instance();
      await service.enqueue(makeRequest());

      const filed = await service.file(makeRequest());

      expect(filed).toEqual({ itsmNumber: 'ITSM-20261124-00001', apktNumber: 'APKT-20261124-00001' });
      expect(port.calls).toEqual({ itsm: 1, apkt: 1 });
      expect(await harness().count('itsm_tickets')).toBe(1);
    });

    it('two instances filing the same key at the same moment file one ticket and both answer its numbers', async () => {
      const a = await instance();
      const b = await instance();

      const [fa, fb] = await Promise.all([a.service.file(makeRequest()), b.service.file(makeRequest())]);

      expect(fa).toEqual(fb);
      expect(fa.itsmNumber).toBe('ITSM-20261124-00001');
      for (const table of ['ticket_outbox', 'itsm_tickets', 'apkt_records'] as const) expect(await harness().count(table)).toBe(1);
    });

    it('40 applications filed at once on two instances get 40 consecutive numbers and one record each', async () => {
      const a = await instance();
      const b = await instance();
      const keys = Array.from({ length: 40 }, (_, i) => `app-${i}`);

      const filed = await Promise.all(keys.map((key, i) => (i % 2 ? a : b).service.file(makeRequest({ idempotencyKey: key, conversationId: key }))));

      expect(await harness().itsmSlots()).toEqual(keys.map((_, i) => `20261124-${i + 1}`));
      expect(new Set(filed.map((f) => f.itsmNumber)).size).toBe(40);
      expect(new Set(filed.map((f) => f.apktNumber)).size).toBe(40);
      for (const [i, key] of keys.entries()) expect(await a.service.entry(key)).toMatchObject({ state: 'done', ...filed[i] });
      expect(await harness().count('apkt_records')).toBe(40);
    });
  });
});

describe('filing in one transaction with the real ITSM', () => {
  it('is not offered: each call to the ITSM is committed before the next', () => {
    const database = sqliteDatabase(openSqlite(':memory:'));
    const remote = { fileServiceRequest: async () => 'SR-1', fileApktRecord: async () => 'AP-1' };
    try {
      expect(createTicketStores(database, { remote }).filingTransaction).toBeUndefined();
      expect(createTicketStores(database).filingTransaction).toBeTypeOf('function');
      const tx = { db: database.db, execute: database.direct.execute };
      expect(() => new SqlTicketing(database, { remote }).filingOn(tx)).toThrow(/real ITSM/);
    } finally {
      void database.db.destroy();
    }
  });
});
