import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RemoteTicketing } from '../../src/tickets/sqlTicketing.js';
import type { TicketingPort } from '../../src/tickets/ticketingPort.js';
import type { TicketRequest } from '../../src/tickets/types.js';
import type { TicketBackendHarness } from './ticketBackends.js';
import { fixedClock, makeRequest } from './fixtures.js';

const pad = (n: number) => String(n).padStart(5, '0');

/**
 * The behaviour the TicketingPort must have on either database (SqlTicketing on SQLite and on
 * PostgreSQL), from the same tests. Each test starts from empty tables; two
 * `connect()`s are two instances of the service on one database.
 */
export function describeTicketingPort(name: string, harness: () => TicketBackendHarness): void {
  describe(`TicketingPort contract: ${name}`, () => {
    beforeEach(async () => harness().reset());
    afterEach(async () => harness().disconnectAll());

    const port = async (opts: Parameters<TicketBackendHarness['connect']>[0] = {}): Promise<TicketingPort> => (await harness().connect(opts)).port;
    /** Files both records, as TicketService does. */
    const fileBoth = async (p: TicketingPort, req: TicketRequest) => {
      const itsm = await p.createServiceRequest(req);
      const apkt = await p.createApktRecord({ itsmNumber: itsm.number, req });
      return { itsm: itsm.number, apkt: apkt.number };
    };

    it('files an ITSM ticket and an APKT record and shows them as one view', async () => {
      const clock = fixedClock('2026-11-24T03:00:00.123Z');
      const p = await port({ now: clock.now });
      const req = makeRequest({ description: 'Ingin berjualan kopi', priority: 'urgent' });
      expect(await fileBoth(p, req)).toEqual({ itsm: 'ITSM-20261124-00001', apkt: 'APKT-20261124-00001' });

      const view = await p.getTicket('ITSM-20261124-00001');
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
        priority: 'urgent',
        status: 'Open',
        createdAt: '2026-11-24T03:00:00.123Z',
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
      // Case-insensitive, and by the APKT record's number too; unknown numbers are null.
      expect((await p.getTicket(' itsm-20261124-00001 '))?.number).toBe('ITSM-20261124-00001');
      expect((await p.getTicket('APKT-20261124-00001'))?.number).toBe('ITSM-20261124-00001');
      expect(await p.getTicket('ITSM-20261124-00002')).toBeNull();
      expect(await p.getTicket('APKT-20261124-00002')).toBeNull();
    });

    it('keeps what a re-filing carries: no photo, the earlier number, no catalogue number', async () => {
      const p = await port();
      const first = await fileBoth(p, makeRequest());
      const req = makeRequest({
        idempotencyKey: 'app-0002',
        previousNumber: first.itsm,
        photo: null,
        channel: 'msteams',
        classification: { ...makeRequest().classification, catalogNumber: null },
      });
      const again = await fileBoth(p, req);
      expect(await p.getTicket(again.itsm)).toMatchObject({ previousNumber: first.itsm, photo: null, channel: 'msteams', catalogNumber: null, priority: 'normal' });
    });

    it('numbers per Asia/Jakarta day, restarting at 00001 the next day, ITSM and APKT alike', async () => {
      const clock = fixedClock('2026-11-24T10:00:00Z');
      const p = await port({ now: clock.now });
      const a = await fileBoth(p, makeRequest({ idempotencyKey: 'a' }));
      clock.set('2026-11-24T16:59:59.999Z'); // 23:59:59.999 WIB
      const b = await fileBoth(p, makeRequest({ idempotencyKey: 'b' }));
      clock.set('2026-11-24T17:00:00Z'); // 00:00 WIB on the 25th
      const c = await fileBoth(p, makeRequest({ idempotencyKey: 'c' }));
      const d = await fileBoth(p, makeRequest({ idempotencyKey: 'd' }));
      expect([a, b, c, d].map((t) => t.itsm)).toEqual(['ITSM-20261124-00001', 'ITSM-20261124-00002', 'ITSM-20261125-00001', 'ITSM-20261125-00002']);
      expect([a, b, c, d].map((t) => t.apkt)).toEqual(['APKT-20261124-00001', 'APKT-20261124-00002', 'APKT-20261125-00001', 'APKT-20261125-00002']);
      // A day that comes back (a clock set back) goes on from its highest number.
      clock.set('2026-11-24T12:00:00Z');
      expect((await fileBoth(p, makeRequest({ idempotencyKey: 'e' }))).itsm).toBe('ITSM-20261124-00003');
    });

    it('files one ITSM ticket per idempotency key; the first request wins', async () => {
      const clock = fixedClock('2026-11-24T03:00:00Z');
      const p = await port({ now: clock.now });
      const first = await p.createServiceRequest(makeRequest({ description: 'first' }));
      clock.set('2026-11-25T03:00:00Z');
      const again = await p.createServiceRequest(makeRequest({ description: 'second', conversationId: 'other' }));
      expect(again).toEqual(first);
      expect(await harness().count('itsm_tickets')).toBe(1);
      expect(await p.getTicket(first.number)).toMatchObject({ description: 'first', conversationId: 'conv-42' });
      // From another instance too.
      expect(await (await port()).createServiceRequest(makeRequest())).toEqual(first);
      expect(await harness().count('itsm_tickets')).toBe(1);
    });

    it('writes one APKT record per ITSM number, and none for an unknown number', async () => {
      const p = await port();
      const req = makeRequest();
      const { number: itsm } = await p.createServiceRequest(req);
      const apkt = await p.createApktRecord({ itsmNumber: itsm, req });
      expect(await p.createApktRecord({ itsmNumber: itsm, req: makeRequest({ description: 'again' }) })).toEqual(apkt);
      expect(await (await port()).createApktRecord({ itsmNumber: itsm, req })).toEqual(apkt);
      expect(await harness().count('apkt_records')).toBe(1);
      await expect(p.createApktRecord({ itsmNumber: 'ITSM-20261124-09999', req })).rejects.toThrow(/unknown ITSM number/);
      expect(await harness().count('apkt_records')).toBe(1);
    });

    it('stores support replies oldest first, moves the status only when given, by either number', async () => {
      const clock = fixedClock('2026-11-24T03:00:00.000Z');
      const p = await port({ now: clock.now });
      const { itsm, apkt } = await fileBoth(p, makeRequest());

      clock.set('2026-11-25T02:00:00.000Z');
      const first = await p.addReply(itsm, { author: 'support.mp1', text: 'Data toko sedang kami verifikasi.', status: 'In Progress' });
      expect(first).toMatchObject({ number: itsm, status: 'In Progress' });
      expect(first?.replies).toEqual([{ at: '2026-11-25T02:00:00.000Z', author: 'support.mp1', text: 'Data toko sedang kami verifikasi.', status: 'In Progress' }]);

      clock.set('2026-11-25T05:30:00.000Z');
      const second = await p.addReply(itsm.toLowerCase(), { author: 'support.mp2', text: 'Mohon tunggu.' });
      expect(second?.status).toBe('In Progress');
      expect(second?.replies.at(-1)).toEqual({ at: '2026-11-25T05:30:00.000Z', author: 'support.mp2', text: 'Mohon tunggu.', status: null });

      clock.set('2026-11-26T01:00:00.000Z');
      const third = await p.addReply(apkt, { author: 'support.mp1', text: 'Toko Anda sudah aktif.', status: 'Resolved' });
      expect(third).toMatchObject({ number: itsm, status: 'Resolved' });

      // Seen by another instance, in order; the APKT record (closed at CC123) is not touched.
      const stored = await (await port()).getTicket(itsm);
      expect(stored?.status).toBe('Resolved');
      expect(stored?.apkt?.status).toBe('Closed - CC123');
      expect(stored?.replies.map((r) => [r.at, r.author, r.status])).toEqual([
        ['2026-11-25T02:00:00.000Z', 'support.mp1', 'In Progress'],
        ['2026-11-25T05:30:00.000Z', 'support.mp2', null],
        ['2026-11-26T01:00:00.000Z', 'support.mp1', 'Resolved'],
      ]);
    });

    it('stores no reply for an unknown number', async () => {
      const p = await port({ now: fixedClock('2026-11-24T03:00:00Z').now });
      await fileBoth(p, makeRequest());
      expect(await p.addReply('ITSM-20261124-09999', { author: 'support.mp1', text: 'Halo', status: 'Closed' })).toBeNull();
      expect(await p.addReply('APKT-20261124-09999', { author: 'support.mp1', text: 'Halo' })).toBeNull();
      expect(await harness().count('ticket_replies')).toBe(0);
      expect((await p.getTicket('ITSM-20261124-00001'))?.status).toBe('Open');
    });

    it('ends the view of each of many concurrent replies with that reply', async () => {
      const p = await port();
      const { itsm } = await fileBoth(p, makeRequest());
      const others = [await port(), await port()];
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? p : others[i % 2]!).addReply(itsm, { author: `support.${i}`, text: `reply ${i}`, status: `S${i}` })),
      );
      results.forEach((view, i) => expect(view?.replies.at(-1)?.text).toBe(`reply ${i}`));
      const stored = await p.getTicket(itsm);
      expect(stored?.replies).toHaveLength(12);
      // The status is the one of the reply stored last.
      expect(stored?.status).toBe(stored?.replies.at(-1)?.status);
    });

    it('looks tickets up by conversation, newest first', async () => {
      const clock = fixedClock('2026-11-24T03:00:00.000Z');
      const p = await port({ now: clock.now });
      await fileBoth(p, makeRequest({ idempotencyKey: 'a', conversationId: '6281234567890' }));
      clock.set('2026-11-24T04:00:00.000Z');
      await fileBoth(p, makeRequest({ idempotencyKey: 'b', conversationId: '6289999999999' }));
      clock.set('2026-11-25T01:00:00.000Z');
      await fileBoth(p, makeRequest({ idempotencyKey: 'c', conversationId: '6281234567890', previousNumber: 'ITSM-20261124-00001' }));
      await fileBoth(p, makeRequest({ idempotencyKey: 'd', channel: 'messenger', conversationId: '6281234567890' }));
      // Same millisecond: the higher sequence is the newer.
      await fileBoth(p, makeRequest({ idempotencyKey: 'e', conversationId: '6281234567890' }));

      const mine = await p.ticketsOf('whatsapp', '6281234567890');
      expect(mine.map((t) => t.number)).toEqual(['ITSM-20261125-00003', 'ITSM-20261125-00001', 'ITSM-20261124-00001']);
      expect(mine[1]).toMatchObject({ previousNumber: 'ITSM-20261124-00001', replies: [], apkt: { number: 'APKT-20261125-00001' } });
      expect((await p.ticketsOf('messenger', '6281234567890')).map((t) => t.number)).toEqual(['ITSM-20261125-00002']);
      expect(await p.ticketsOf('whatsapp', 'nobody')).toEqual([]);
    });

    it('looks tickets up by exact phone or case-insensitive email, newest first, each once', async () => {
      const clock = fixedClock('2026-11-24T03:00:00.000Z');
      const p = await port({ now: clock.now });
      const siti = makeRequest().applicant;
      await fileBoth(p, makeRequest({ idempotencyKey: 'a', conversationId: 'wa-1' }));
      clock.set('2026-11-24T05:00:00.000Z');
      await fileBoth(p, makeRequest({ idempotencyKey: 'b', channel: 'instagram', conversationId: 'ig-1', applicant: { ...siti, phone: '+6285700000000', email: 'Siti@Example.co.id' } }));
      clock.set('2026-11-24T06:00:00.000Z');
      await fileBoth(p, makeRequest({ idempotencyKey: 'c', conversationId: 'wa-2', applicant: { ...siti, phone: '+6281111111111', email: 'other@example.com' } }));
      await p.addReply('ITSM-20261124-00001', { author: 'support.mp1', text: 'Sedang dicek.' });

      const numbers = async (contact: { phone?: string; email?: string }) => (await p.ticketsOfContact(contact)).map((t) => t.number);
      expect(await numbers({ phone: '+6281234567890' })).toEqual(['ITSM-20261124-00001']);
      expect(await numbers({ email: 'siti@example.co.id' })).toEqual(['ITSM-20261124-00002', 'ITSM-20261124-00001']);
      expect(await numbers({ phone: '+6281111111111', email: 'siti@example.co.id' })).toEqual(['ITSM-20261124-00003', 'ITSM-20261124-00002', 'ITSM-20261124-00001']);
      expect(await numbers({ phone: '+6281234567890', email: 'siti@example.co.id' })).toEqual(['ITSM-20261124-00002', 'ITSM-20261124-00001']);
      expect(await numbers({ phone: '+6280000000000' })).toEqual([]);
      expect(await numbers({ email: 'nobody@example.com' })).toEqual([]);
      expect(await numbers({})).toEqual([]);
      // The views are whole: replies and the APKT record come along.
      const [oldest] = await p.ticketsOfContact({ phone: '+6281234567890' });
      expect(oldest).toMatchObject({ apkt: { number: 'APKT-20261124-00001' }, replies: [{ author: 'support.mp1', text: 'Sedang dicek.', status: null }] });
    });

    it('records the numbers the real ITSM and APKT issue, and asks them once per key', async () => {
      const calls: string[] = [];
      const remote: RemoteTicketing = {
        async fileServiceRequest(req) {
          calls.push(`itsm:${req.idempotencyKey}`);
          return `ITSM-REMOTE-${req.idempotencyKey.toUpperCase()}`;
        },
        async fileApktRecord({ itsmNumber }) {
          calls.push(`apkt:${itsmNumber}`);
          return `APKT-REMOTE-${itsmNumber.slice(-3)}`;
        },
      };
      const p = await port({ remote });
      expect(await fileBoth(p, makeRequest({ idempotencyKey: 'k01' }))).toEqual({ itsm: 'ITSM-REMOTE-K01', apkt: 'APKT-REMOTE-K01' });
      expect(await fileBoth(p, makeRequest({ idempotencyKey: 'k01' }))).toEqual({ itsm: 'ITSM-REMOTE-K01', apkt: 'APKT-REMOTE-K01' });
      expect(calls).toEqual(['itsm:k01', 'apkt:ITSM-REMOTE-K01']);
      expect(await p.getTicket('apkt-remote-k01')).toMatchObject({ number: 'ITSM-REMOTE-K01', apkt: { number: 'APKT-REMOTE-K01' } });
      expect((await p.addReply('ITSM-REMOTE-K01', { author: 'support.mp1', text: 'ok', status: 'Resolved' }))?.status).toBe('Resolved');
    });

    it('never gives two filings one number, nor files one key twice, from two instances at once', async () => {
      const clock = fixedClock('2026-11-24T03:00:00Z');
      const instances = [await port({ now: clock.now }), await port({ now: clock.now })];
      const own = Array.from({ length: 40 }, (_, i) => fileBoth(instances[i % 2]!, makeRequest({ idempotencyKey: `own-${i}` })));
      // Ten keys filed by both instances at the same moment.
      const shared = Array.from({ length: 10 }, (_, i) => instances.map((p) => fileBoth(p, makeRequest({ idempotencyKey: `shared-${i}` }))));
      const ownFiled = await Promise.all(own);
      const sharedFiled = await Promise.all(shared.map((pair) => Promise.all(pair)));

      for (const [a, b] of sharedFiled) expect(a).toEqual(b);
      const itsm = [...ownFiled, ...sharedFiled.map(([a]) => a!)].map((f) => f.itsm);
      const apkt = [...ownFiled, ...sharedFiled.map(([a]) => a!)].map((f) => f.apkt);
      expect([...itsm].sort()).toEqual(Array.from({ length: 50 }, (_, i) => `ITSM-20261124-${pad(i + 1)}`));
      expect([...apkt].sort()).toEqual(Array.from({ length: 50 }, (_, i) => `APKT-20261124-${pad(i + 1)}`));
      expect(await harness().count('itsm_tickets')).toBe(50);
      expect(await harness().count('apkt_records')).toBe(50);
      expect(new Set(await harness().itsmSlots()).size).toBe(50);
    });
  });
}
