import { describe, expect, it } from 'vitest';
import { HandoffStore } from '../../src/handoff/handoffStore.js';
import { openSqlite } from '../../src/storage/sqlite.js';

const conv = (n: number) => ({ conversationKey: `whatsapp:62812000000${n}`, channel: 'whatsapp', conversationId: `62812000000${n}`, reason: 'asked' as const });

describe('HandoffStore', () => {
  it('queues a conversation once, however often the customer asks', () => {
    const store = new HandoffStore(openSqlite(':memory:'));
    const first = store.open(conv(1));
    const again = store.open(conv(1));
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.handoff.id).toBe(first.handoff.id);
    expect(store.listOpen()).toHaveLength(1);
  });

  it('gives queue positions in request order', () => {
    const store = new HandoffStore(openSqlite(':memory:'));
    const t = Date.parse('2026-11-24T08:00:00Z');
    const a = store.open(conv(1), new Date(t)).handoff;
    const b = store.open(conv(2), new Date(t + 1000)).handoff;
    const c = store.open(conv(3), new Date(t + 2000)).handoff;
    expect([a, b, c].map((h) => store.position(h))).toEqual([1, 2, 3]);
    store.take(a.id, 'cso.andi');
    expect(store.position(store.byId(b.id)!)).toBe(1);
    expect(store.position(store.byId(a.id)!)).toBeNull();
  });

  it('lets only one officer take a conversation, and only that officer end it', () => {
    const store = new HandoffStore(openSqlite(':memory:'));
    const h = store.open(conv(1)).handoff;
    expect(store.take(h.id, 'cso.andi')?.officer).toBe('cso.andi');
    expect(store.take(h.id, 'cso.budi')).toBeNull();
    expect(store.finish(h.id, 'cso.budi', 'handedBack')).toBeNull();
    const done = store.finish(h.id, 'cso.andi', 'handedBack');
    expect(done).toMatchObject({ status: 'closed', outcome: 'handedBack' });
    // Closed: the conversation can be queued again later.
    expect(store.open(conv(1)).created).toBe(true);
  });

  it('keeps the transcript in order, text as given', () => {
    const store = new HandoffStore(openSqlite(':memory:'));
    const key = conv(1).conversationKey;
    store.append({ conversationKey: key, from: 'customer', text: '<script>alert(1)</script>', officer: null });
    store.append({ conversationKey: key, from: 'agent', text: 'Halo, saya petugas', officer: 'cso.andi' });
    expect(store.transcript(key).map((e) => [e.from, e.text, e.officer])).toEqual([
      ['customer', '<script>alert(1)</script>', null],
      ['agent', 'Halo, saya petugas', 'cso.andi'],
    ]);
  });
});
