import { describe, expect, it } from 'vitest';
import { HandoffStore } from '../../src/handoff/handoffStore.js';
import { sqliteDatabase } from '../../src/storage/database.js';
import { openSqlite } from '../../src/storage/sqlite.js';

const conv = (n: number) => ({ conversationKey: `whatsapp:62812000000${n}`, channel: 'whatsapp', conversationId: `62812000000${n}`, reason: 'asked' as const });

describe('HandoffStore on SQLite', () => {
  it('queues a conversation once, however often the customer asks', async () => {
    const store = new HandoffStore(sqliteDatabase(openSqlite(':memory:')));
    const first = await store.open(conv(1));
    const again = await store.open(conv(1));
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.handoff.id).toBe(first.handoff.id);
    expect(await store.listOpen()).toHaveLength(1);
  });

  it('gives queue positions in request order', async () => {
    const store = new HandoffStore(sqliteDatabase(openSqlite(':memory:')));
    const t = Date.parse('2026-11-24T08:00:00Z');
    const a = (await store.open(conv(1), new Date(t))).handoff;
    const b = (await store.open(conv(2), new Date(t + 1000))).handoff;
    const c = (await store.open(conv(3), new Date(t + 2000))).handoff;
    expect(await Promise.all([a, b, c].map((h) => store.position(h)))).toEqual([1, 2, 3]);
    await store.take(a.id, 'cso.andi');
    expect(await store.position((await store.byId(b.id))!)).toBe(1);
    expect(await store.position((await store.byId(a.id))!)).toBeNull();
  });

  it('lets only one officer take a conversation, and only that officer end it', async () => {
    const store = new HandoffStore(sqliteDatabase(openSqlite(':memory:')));
    const h = (await store.open(conv(1))).handoff;
    expect((await store.take(h.id, 'cso.andi'))?.officer).toBe('cso.andi');
    expect(await store.take(h.id, 'cso.budi')).toBeNull();
    expect(await store.finish(h.id, 'cso.budi', 'handedBack')).toBeNull();
    const done = await store.finish(h.id, 'cso.andi', 'handedBack');
    expect(done).toMatchObject({ status: 'closed', outcome: 'handedBack' });
    // Closed: the conversation can be queued again later.
    expect((await store.open(conv(1))).created).toBe(true);
  });

  it('keeps the transcript in order, text as given', async () => {
    const store = new HandoffStore(sqliteDatabase(openSqlite(':memory:')));
    const key = conv(1).conversationKey;
    await store.append({ conversationKey: key, from: 'customer', text: '<script>alert(1)</script>', officer: null });
    await store.append({ conversationKey: key, from: 'agent', text: 'Halo, saya petugas', officer: 'cso.andi' });
    expect((await store.transcript(key)).map((e) => [e.from, e.text, e.officer])).toEqual([
      ['customer', '<script>alert(1)</script>', null],
      ['agent', 'Halo, saya petugas', 'cso.andi'],
    ]);
  });
});

describe('HandoffStore on SQLite on a database from before tickets and photos', () => {
  it('adds the missing columns and keeps the rows', async () => {
    const db = openSqlite(':memory:');
    db.exec(`
      CREATE TABLE handoffs (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_key TEXT NOT NULL, channel TEXT NOT NULL, conversation_id TEXT NOT NULL,
        status TEXT NOT NULL, reason TEXT NOT NULL, officer TEXT, requested_at TEXT NOT NULL, taken_at TEXT, closed_at TEXT, outcome TEXT);
      CREATE TABLE transcript (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_key TEXT NOT NULL, at TEXT NOT NULL, sender TEXT NOT NULL, text TEXT NOT NULL, officer TEXT);
      INSERT INTO handoffs (conversation_key, channel, conversation_id, status, reason, requested_at) VALUES ('whatsapp:628120000001', 'whatsapp', '628120000001', 'waiting', 'asked', '2026-11-24T08:00:00.000Z');
      INSERT INTO transcript (conversation_key, at, sender, text) VALUES ('whatsapp:628120000001', '2026-11-24T08:00:00.000Z', 'customer', 'petugas');
    `);
    const store = new HandoffStore(sqliteDatabase(db));
    const open = await store.openOf('whatsapp:628120000001');
    expect(open).toMatchObject({ status: 'waiting', ticket: null });
    await store.recordTicket(open!.id, { itsmNumber: 'ITSM-20261124-00001', apktNumber: 'APKT-20261124-00001' });
    expect((await store.byId(open!.id))?.ticket).toEqual({ itsmNumber: 'ITSM-20261124-00001', apktNumber: 'APKT-20261124-00001' });
    expect(await store.transcript('whatsapp:628120000001')).toMatchObject([{ from: 'customer', text: 'petugas', attachment: null }]);
  });
});
