import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HandoffStore } from '../../src/handoff/handoffStore.js';
import type { PhotoRef } from '../../src/tickets/types.js';
import type { HandoffBackendHarness } from './handoffBackends.js';

const T0 = Date.parse('2026-11-24T01:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);

const conv = (n: number, reason: 'asked' | 'stuck' | 'unplaced' | 'urgent' = 'asked') => ({
  conversationKey: `whatsapp:62812000${String(n).padStart(4, '0')}`,
  channel: 'whatsapp',
  conversationId: `62812000${String(n).padStart(4, '0')}`,
  reason,
});

const photo = (n: number): PhotoRef => {
  const sha256 = String(n % 10).repeat(64);
  return { sha256, bytes: 1000 + n, width: 800, height: 600, mimeType: 'image/jpeg', fileName: `${sha256}.jpg` };
};

/**
 * The behaviour every HandoffStore must have (the officers' queue and the transcripts), run
 * against SQLite and PostgreSQL. Each test starts from empty tables; two `connect()`s are two
 * instances of the service on one database.
 */
export function describeHandoffStore(name: string, harness: () => HandoffBackendHarness): void {
  describe(`HandoffStore contract: ${name}`, () => {
    const store = async (): Promise<HandoffStore> => (await harness().connect()).handoffs;

    beforeEach(async () => harness().reset());
    afterEach(async () => harness().disconnectAll());

    it('opens a waiting handoff with what it was given', async () => {
      const s = await store();
      const { handoff, created } = await s.open(conv(1, 'urgent'), at(0));
      expect(created).toBe(true);
      expect(handoff).toEqual({
        id: expect.any(Number),
        conversationKey: 'whatsapp:628120000001',
        channel: 'whatsapp',
        conversationId: '628120000001',
        status: 'waiting',
        reason: 'urgent',
        priority: 0,
        officer: null,
        requestedAt: '2026-11-24T01:00:00.000Z',
        takenAt: null,
        closedAt: null,
        outcome: null,
        ticket: null,
      });
      expect(await s.byId(handoff.id)).toEqual(handoff);
      expect(await s.openOf(handoff.conversationKey)).toEqual(handoff);
    });

    it('knows nothing of an unknown id or conversation', async () => {
      const s = await store();
      expect(await s.byId(424242)).toBeNull();
      expect(await s.openOf('whatsapp:nobody')).toBeNull();
      expect(await s.take(424242, 'cso.andi')).toBeNull();
      expect(await s.finish(424242, 'cso.andi', 'closed')).toBeNull();
      expect(await s.listOpen()).toEqual([]);
      expect(await s.countOpen()).toEqual({ waiting: 0, active: 0 });
    });

    it('keeps one open handoff per conversation, however often the customer asks', async () => {
      const s = await store();
      const first = await s.open(conv(1), at(0));
      const again = await s.open(conv(1, 'unplaced'), at(5));
      expect(again).toEqual({ handoff: first.handoff, created: false });
      const other = await s.open(conv(2), at(6));
      expect(other.created).toBe(true);
      expect(other.handoff.id).not.toBe(first.handoff.id);
      expect((await s.listOpen()).map((h) => h.id)).toEqual([first.handoff.id, other.handoff.id]);
    });

    it('creates exactly one handoff when two instances open one conversation at once', async () => {
      const [a, b] = [await store(), await store()];
      for (let i = 0; i < 10; i++) {
        const results = await Promise.all([a.open(conv(100 + i), at(i)), b.open(conv(100 + i), at(i))]);
        expect(results.map((r) => r.created).sort()).toEqual([false, true]);
        expect(results[0]?.handoff.id).toBe(results[1]?.handoff.id);
      }
      expect(await a.countOpen()).toEqual({ waiting: 10, active: 0 });
    });

    it('gives queue positions in request order, ties by arrival, and moves everyone up when one is taken', async () => {
      const s = await store();
      const a = (await s.open(conv(1), at(0))).handoff;
      const b = (await s.open(conv(2), at(10))).handoff;
      const c = (await s.open(conv(3), at(10))).handoff;
      const d = (await s.open(conv(4), at(20))).handoff;
      expect(await Promise.all([a, b, c, d].map((h) => s.position(h)))).toEqual([1, 2, 3, 4]);
      const taken = await s.take(b.id, 'cso.andi', at(30));
      expect(await s.position(taken!)).toBeNull();
      const fresh = await Promise.all([a, c, d].map(async (h) => s.position((await s.byId(h.id))!)));
      expect(fresh).toEqual([1, 2, 3]);
      // Listed oldest request first, whether waiting or held.
      expect((await s.listOpen()).map((h) => [h.id, h.status])).toEqual([
        [a.id, 'waiting'],
        [b.id, 'active'],
        [c.id, 'waiting'],
        [d.id, 'waiting'],
      ]);
    });

    it('queues urgent before stuck before the rest, each oldest first; positions follow that order', async () => {
      const s = await store();
      const seller = (await s.open(conv(1, 'asked'), at(0))).handoff;
      const unplaced = (await s.open(conv(2, 'unplaced'), at(5))).handoff;
      const stuck = (await s.open(conv(3, 'stuck'), at(10))).handoff;
      const hijack = (await s.open(conv(4, 'urgent'), at(20))).handoff;
      const leak = (await s.open(conv(5, 'urgent'), at(30))).handoff;
      expect([seller, unplaced, stuck, hijack, leak].map((h) => h.priority)).toEqual([2, 2, 1, 0, 0]);
      expect((await s.listOpen()).map((h) => h.id)).toEqual([hijack.id, leak.id, stuck.id, seller.id, unplaced.id]);
      expect(await Promise.all([hijack, leak, stuck, seller, unplaced].map((h) => s.position(h)))).toEqual([1, 2, 3, 4, 5]);
      // An urgent one taken: everyone behind it moves up, in the same order.
      await s.take(hijack.id, 'cso.andi', at(40));
      expect(await Promise.all([leak, stuck, seller, unplaced].map((h) => s.position(h)))).toEqual([1, 2, 3, 4]);
    });

    it('moves a waiting handoff up when the customer asks again for a more urgent reason, never down', async () => {
      const s = await store();
      const first = (await s.open(conv(1, 'asked'), at(0))).handoff;
      const hijacked = (await s.open(conv(2, 'asked'), at(10))).handoff;
      const raised = await s.open(conv(2, 'urgent'), at(20));
      expect(raised.created).toBe(false);
      expect(raised.handoff).toMatchObject({ id: hijacked.id, reason: 'urgent', priority: 0, requestedAt: hijacked.requestedAt });
      expect(await s.position(raised.handoff)).toBe(1);
      expect(await s.position(first)).toBe(2);
      const lowered = await s.open(conv(2, 'asked'), at(30));
      expect(lowered.handoff).toMatchObject({ reason: 'urgent', priority: 0 });
      // Once an officer holds it, asking again changes nothing.
      await s.take(first.id, 'cso.andi', at(40));
      expect((await s.open(conv(1, 'urgent'), at(50))).handoff).toMatchObject({ status: 'active', reason: 'asked', priority: 2 });
    });

    it('lists closed handoffs newest first, and counts those closed since a time', async () => {
      const s = await store();
      const ids: number[] = [];
      for (let i = 1; i <= 4; i++) {
        const h = (await s.open(conv(i), at(i))).handoff;
        await s.take(h.id, 'cso.andi', at(10 + i));
        await s.finish(h.id, 'cso.andi', i % 2 ? 'closed' : 'handedBack', at(100 * i));
        ids.push(h.id);
      }
      await s.open(conv(9), at(500)); // waiting: not in the history
      const closed = await s.listClosed(3, at(250));
      expect(closed.handoffs.map((h) => h.id)).toEqual([ids[3], ids[2], ids[1]]);
      expect(closed.handoffs.map((h) => h.outcome)).toEqual(['handedBack', 'closed', 'handedBack']);
      expect(closed.count).toBe(2);
      expect((await s.listClosed(10, at(0))).count).toBe(4);
    });

    it('lets one officer take a waiting handoff, and records who and when', async () => {
      const s = await store();
      const h = (await s.open(conv(1), at(0))).handoff;
      const taken = await s.take(h.id, 'cso.andi', at(60));
      expect(taken).toEqual({ ...h, status: 'active', officer: 'cso.andi', takenAt: '2026-11-24T01:01:00.000Z' });
      expect(await s.take(h.id, 'cso.budi', at(61))).toBeNull();
      expect(await s.take(h.id, 'cso.andi', at(62))).toBeNull();
      expect(await s.byId(h.id)).toEqual(taken);
    });

    it('lets only one of two instances take a handoff when two officers click at once', async () => {
      const [a, b] = [await store(), await store()];
      for (let i = 0; i < 15; i++) {
        const h = (await a.open(conv(200 + i), at(i))).handoff;
        const [byAndi, byBudi] = await Promise.all([a.take(h.id, 'cso.andi'), b.take(h.id, 'cso.budi')]);
        expect([byAndi, byBudi].filter((r) => r !== null)).toHaveLength(1);
        const winner = (byAndi ?? byBudi)!.officer;
        expect((await b.byId(h.id))?.officer).toBe(winner);
      }
      expect(await b.countOpen()).toEqual({ waiting: 0, active: 15 });
    });

    it('lets only the holder finish a handoff; a finished conversation can be queued again', async () => {
      const s = await store();
      const h = (await s.open(conv(1), at(0))).handoff;
      expect(await s.finish(h.id, 'cso.andi', 'closed', at(1))).toBeNull(); // still waiting
      await s.take(h.id, 'cso.andi', at(2));
      expect(await s.finish(h.id, 'cso.budi', 'handedBack', at(3))).toBeNull();
      const done = await s.finish(h.id, 'cso.andi', 'handedBack', at(4));
      expect(done).toMatchObject({ id: h.id, status: 'closed', officer: 'cso.andi', outcome: 'handedBack', closedAt: '2026-11-24T01:00:04.000Z' });
      expect(await s.finish(h.id, 'cso.andi', 'closed', at(5))).toBeNull();
      expect(await s.openOf(h.conversationKey)).toBeNull();
      expect(await s.listOpen()).toEqual([]);

      const again = await s.open(conv(1), at(10));
      expect(again.created).toBe(true);
      expect(again.handoff.id).not.toBe(h.id);
      expect(await s.byId(h.id)).toMatchObject({ status: 'closed', outcome: 'handedBack' });
    });

    it('lets only one of two instances finish a handoff', async () => {
      const [a, b] = [await store(), await store()];
      const h = (await a.open(conv(1), at(0))).handoff;
      await a.take(h.id, 'cso.andi', at(1));
      const results = await Promise.all([a.finish(h.id, 'cso.andi', 'closed', at(2)), b.finish(h.id, 'cso.andi', 'handedBack', at(2))]);
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });

    it('records the ticket filed during a handoff', async () => {
      const s = await store();
      const h = (await s.open(conv(1), at(0))).handoff;
      await s.take(h.id, 'cso.andi', at(1));
      const ticket = { itsmNumber: 'ITSM-20261124-00042', apktNumber: 'APKT-20261124-00042' };
      await s.recordTicket(h.id, ticket);
      expect((await s.byId(h.id))?.ticket).toEqual(ticket);
      expect((await s.openOf(h.conversationKey))?.ticket).toEqual(ticket);
      expect((await s.listOpen())[0]?.ticket).toEqual(ticket);
      expect((await s.finish(h.id, 'cso.andi', 'closed', at(2)))?.ticket).toEqual(ticket);
    });

    it('counts waiting and active handoffs, not closed ones', async () => {
      const s = await store();
      const ids = [];
      for (let i = 1; i <= 5; i++) ids.push((await s.open(conv(i), at(i))).handoff.id);
      await s.take(ids[0]!, 'cso.andi');
      await s.take(ids[1]!, 'cso.budi');
      await s.take(ids[2]!, 'cso.citra');
      await s.finish(ids[2]!, 'cso.citra', 'closed');
      expect(await s.countOpen()).toEqual({ waiting: 2, active: 2 });
    });

    it('keeps the transcript in order, per conversation, text as given', async () => {
      const s = await store();
      const key = conv(1).conversationKey;
      const texts = ['<script>alert(1)</script>', 'emoji 😀👍🏽 and RTL مرحبا', 'quote " back\\slash\nnew line\ttab', '  spaced  ', ''];
      const appended = [];
      for (const [i, text] of texts.entries()) {
        appended.push(await s.append({ conversationKey: key, from: i % 2 ? 'bot' : 'customer', text, officer: null }, at(i)));
      }
      appended.push(await s.append({ conversationKey: key, from: 'agent', text: 'Halo, saya petugas', officer: 'cso.andi' }, at(10)));
      await s.append({ conversationKey: conv(2).conversationKey, from: 'customer', text: 'someone else', officer: null }, at(11));
      const lines = await s.transcript(key);
      expect(lines).toEqual(appended);
      expect(lines.map((l) => l.text)).toEqual([...texts, 'Halo, saya petugas']);
      expect(lines.at(-1)).toMatchObject({ from: 'agent', officer: 'cso.andi', attachment: null, at: '2026-11-24T01:00:10.000Z', conversationKey: key });
      expect(new Set(lines.map((l) => l.id)).size).toBe(lines.length);
      expect(await s.transcript('whatsapp:nobody')).toEqual([]);
    });

    it('keeps what a line carries besides its text: buttons, private notes, delivery', async () => {
      const s = await store();
      const key = conv(1).conversationKey;
      const bot = await s.append({ conversationKey: key, from: 'bot', text: 'Pilih menu', officer: null, choices: ['Daftar seller', 'Lapor masalah'] }, at(0));
      const note = await s.append({ conversationKey: key, from: 'agent', text: 'sudah ditelepon', officer: 'cso.andi', note: true }, at(1));
      const reply = await s.append({ conversationKey: key, from: 'agent', text: 'Halo', officer: 'cso.andi', delivery: 'queued' }, at(2));
      expect(bot).toMatchObject({ choices: ['Daftar seller', 'Lapor masalah'], note: false, delivery: null, deliveryError: null });
      expect(note).toMatchObject({ choices: null, note: true, delivery: null });
      expect(reply).toMatchObject({ note: false, delivery: 'queued' });
      const failed = await s.setDelivery(reply.id, 'failed', 'windowClosed');
      expect(failed).toEqual({ ...reply, delivery: 'failed', deliveryError: 'windowClosed' });
      expect(await s.entry(reply.id)).toEqual(failed);
      expect(await s.setDelivery(reply.id, 'sent', null, 'wamid.X1')).toMatchObject({ delivery: 'sent', deliveryError: null });
      expect(await s.transcript(key)).toEqual([bot, note, { ...reply, delivery: 'sent' }]);
      expect(await s.entry(424242)).toBeNull();
      expect(await s.setDelivery(424242, 'sent', null)).toBeNull();
    });

    it('transfers an active handoff only from its holder', async () => {
      const s = await store();
      const h = (await s.open(conv(1), at(0))).handoff;
      expect(await s.transfer(h.id, 'cso.andi', 'cso.budi')).toBeNull(); // still waiting
      await s.take(h.id, 'cso.andi', at(1));
      expect(await s.transfer(h.id, 'cso.budi', 'cso.sari')).toBeNull();
      expect(await s.transfer(h.id, 'cso.andi', 'cso.budi')).toMatchObject({ status: 'active', officer: 'cso.budi', takenAt: '2026-11-24T01:00:01.000Z' });
      expect(await s.finish(h.id, 'cso.andi', 'closed', at(2))).toBeNull();
      expect(await s.finish(h.id, 'cso.budi', 'closed', at(2))).toMatchObject({ status: 'closed' });
    });

    it('finds handoffs by conversation, by digits of the channel id, and by transcript text in any case', async () => {
      const s = await store();
      const a = (await s.open(conv(1), at(0))).handoff;
      const b = (await s.open(conv(2), at(10))).handoff;
      const c = (await s.open({ ...conv(3), channel: 'messenger', conversationKey: 'messenger:PSID-77', conversationId: 'PSID-77' }, at(20))).handoff;
      await s.append({ conversationKey: a.conversationKey, from: 'customer', text: 'Nama saya Rina Marlina', officer: null }, at(1));
      await s.append({ conversationKey: c.conversationKey, from: 'customer', text: 'diskon 100% untuk_semua', officer: null }, at(21));
      const ids = async (q: Parameters<HandoffStore['search']>[0]) => (await s.search(q, 10)).map((h) => h.id);
      expect(await ids({ text: 'rina marlina' })).toEqual([a.id]);
      expect(await ids({ text: 'RINA' })).toEqual([a.id]);
      // LIKE's wildcards are taken literally.
      expect(await ids({ text: '100%' })).toEqual([c.id]);
      expect(await ids({ text: '0%' })).toEqual([c.id]);
      expect(await ids({ text: 'untuk_semua' })).toEqual([c.id]);
      expect(await ids({ text: 'untukXsemua' })).toEqual([]);
      expect(await ids({ digits: '0000002' })).toEqual([b.id]);
      expect(await ids({ conversations: [{ channel: 'messenger', conversationId: 'PSID-77' }] })).toEqual([c.id]);
      expect(await ids({ conversations: [{ channel: 'whatsapp', conversationId: 'PSID-77' }] })).toEqual([]);
      // Newest first, several criteria at once.
      expect(await ids({ text: 'rina', digits: '0000002' })).toEqual([b.id, a.id]);
      expect(await ids({})).toEqual([]);
      expect(await s.search({ text: 'rina', digits: '0000002' }, 1)).toHaveLength(1);
    });

    it("lists a conversation's handoffs, newest first", async () => {
      const s = await store();
      const first = (await s.open(conv(1), at(0))).handoff;
      await s.take(first.id, 'cso.andi', at(1));
      await s.finish(first.id, 'cso.andi', 'handedBack', at(2));
      const second = (await s.open(conv(1, 'urgent'), at(3))).handoff;
      await s.open(conv(2), at(4));
      expect((await s.ofConversation(first.conversationKey, 10)).map((h) => [h.id, h.status])).toEqual([
        [second.id, 'waiting'],
        [first.id, 'closed'],
      ]);
      expect(await s.ofConversation(first.conversationKey, 1)).toHaveLength(1);
    });

    it('stores transcript text without NUL characters', async () => {
      const s = await store();
      const key = conv(1).conversationKey;
      const entry = await s.append({ conversationKey: key, from: 'customer', text: 'nul\u0000inside\u0000', officer: null });
      expect(entry.text).toBe('nulinside');
      expect((await s.transcript(key)).map((l) => l.text)).toEqual(['nulinside']);
    });

    it('returns the last lines up to the limit, oldest first', async () => {
      const s = await store();
      const key = conv(1).conversationKey;
      for (let i = 0; i < 12; i++) await s.append({ conversationKey: key, from: 'customer', text: `pesan ${i}`, officer: null }, at(i));
      expect((await s.transcript(key, 5)).map((l) => l.text)).toEqual(['pesan 7', 'pesan 8', 'pesan 9', 'pesan 10', 'pesan 11']);
      expect(await s.transcript(key, 200)).toHaveLength(12);
      expect(await s.transcript(key)).toHaveLength(12);
    });

    it('keeps the order of lines appended by two instances', async () => {
      const [a, b] = [await store(), await store()];
      const key = conv(1).conversationKey;
      for (let i = 0; i < 10; i++) await (i % 2 ? a : b).append({ conversationKey: key, from: 'customer', text: `pesan ${i}`, officer: null }, at(i));
      expect((await a.transcript(key)).map((l) => l.text)).toEqual(Array.from({ length: 10 }, (_, i) => `pesan ${i}`));
    });

    it('finds the latest photo the customer sent since a time', async () => {
      const s = await store();
      const key = conv(1).conversationKey;
      expect(await s.latestPhoto(key, at(0).toISOString())).toBeNull();
      const first = await s.append({ conversationKey: key, from: 'customer', text: '[foto]', officer: null, photo: photo(1) }, at(10));
      expect(first.attachment).toBe(photo(1).fileName);
      await s.append({ conversationKey: key, from: 'customer', text: 'ini fotonya', officer: null }, at(20));
      await s.append({ conversationKey: key, from: 'customer', text: '[foto]', officer: null, photo: photo(2) }, at(30));
      // Only the customer's photos count.
      await s.append({ conversationKey: key, from: 'agent', text: 'terima kasih', officer: 'cso.andi', photo: photo(3) }, at(40));
      await s.append({ conversationKey: conv(2).conversationKey, from: 'customer', text: '[foto]', officer: null, photo: photo(4) }, at(50));

      expect(await s.latestPhoto(key, at(0).toISOString())).toEqual(photo(2));
      expect(await s.latestPhoto(key, at(30).toISOString())).toEqual(photo(2));
      expect(await s.latestPhoto(key, at(31).toISOString())).toBeNull();
      expect(await s.latestPhoto(key, at(10).toISOString())).toEqual(photo(2));
      expect((await s.transcript(key)).map((l) => l.attachment)).toEqual([photo(1).fileName, null, photo(2).fileName, photo(3).fileName]);
    });

    it('shares the queue and the transcripts between instances', async () => {
      const [a, b] = [await store(), await store()];
      const h = (await a.open(conv(1), at(0))).handoff;
      await a.append({ conversationKey: h.conversationKey, from: 'customer', text: 'petugas', officer: null }, at(0));
      expect(await b.openOf(h.conversationKey)).toEqual(h);
      expect(await b.open(conv(1), at(1))).toEqual({ handoff: h, created: false });
      expect((await b.transcript(h.conversationKey)).map((l) => l.text)).toEqual(['petugas']);
      await b.take(h.id, 'cso.andi', at(2));
      expect((await a.byId(h.id))?.status).toBe('active');
    });
  });
}
