import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { DatabaseWebhookInbox } from '../../../src/channels/meta/webhookInbox.js';
import type { InboundMessage } from '../../../src/channels/meta/types.js';
import { postgresDatabase, sqliteDatabase } from '../../../src/storage/database.js';
import type { PgPool } from '../../../src/storage/postgres/pool.js';
import { openSqlite, type SqliteDatabase } from '../../../src/storage/sqlite.js';
import { describeOnBothDatabases } from '../../storage/bothDatabases.js';
import type { TestSchema } from '../../storage/pgTestSchema.js';

const T0 = Date.parse('2026-11-24T01:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;

const message = (userId: string, messageId: string, channel: InboundMessage['channel'] = 'whatsapp'): InboundMessage => ({
  channel,
  accountId: 'PNID',
  userId,
  messageId,
  timestamp: T0,
  profileName: 'Siti 🌺 "Toko"',
  content: { kind: 'text', text: `halo ${messageId}` },
});

/** Two `connect()`s are two instances of the service on one database; tests share it, so each keeps to its own message ids. */
const harnesses = {
  sqlite: (dir: string) => {
    const open: SqliteDatabase[] = [];
    return {
      connect: () => new DatabaseWebhookInbox(sqliteDatabase(open[open.push(openSqlite(dir)) - 1]!)),
      disconnectAll: async () => open.splice(0).forEach((db) => db.close()),
    };
  },
  postgres: (schema: TestSchema) => {
    const pools: PgPool[] = [];
    return {
      connect: () => new DatabaseWebhookInbox(postgresDatabase(pools[pools.push(schema.pool({ max: 2 })) - 1]!)),
      disconnectAll: async () => void (await Promise.all(pools.splice(0).map((p) => p.end()))),
    };
  },
};

describeOnBothDatabases('webhook inbox tests', harnesses, (name, harness) => {
  const ids = (messages: InboundMessage[], mine: InboundMessage[]) => messages.filter((m) => mine.some((x) => x.messageId === m.messageId)).map((m) => m.messageId);

  it('gives back what is not done, oldest first and a webhook in its order, as recorded, to another instance', async () => {
    const [a, b] = [harness().connect(), harness().connect()];
    const u = randomUUID();
    const first = [message(u, `${u}-z`), message(u, `${u}-a`, 'messenger'), message(u, `${u}-m`)];
    const later = [message(u, `${u}-b`)];
    await a.record(first, T0);
    await a.record(later, T0 + 1000);
    // A redelivery is left as it was (not moved later).
    await b.record([first[0]!], T0 + 2000);
    const pending = await b.pending(0, 500, T0 + 5000);
    // Within one webhook: arrival order on SQLite (rowid); PostgreSQL has no such column and goes by key.
    const webhook = name === 'SQLite' ? first : [first[1]!, first[2]!, first[0]!];
    expect(ids(pending, [...first, ...later])).toEqual([...webhook, ...later].map((m) => m.messageId));
    expect(pending.find((m) => m.messageId === first[0]!.messageId)).toEqual(first[0]);
    // Only what was recorded long enough ago.
    expect(ids(await b.pending(4500, 500, T0 + 5000), later)).toEqual([]);
    expect(await b.pending(0, 1, T0 + 5000)).toHaveLength(1);
  });

  it('leaves out what is done, and forgets what was done before the retention', async () => {
    const [a, b] = [harness().connect(), harness().connect()];
    const u = randomUUID();
    const [old, recent, open] = [message(u, `${u}-1`), message(u, `${u}-2`), message(u, `${u}-3`)];
    await a.record([old, recent, open], T0);
    await b.done(old, T0 + DAY);
    await b.done(old, T0 + 5 * DAY); // A second done does not move the first.
    await b.done(recent, T0 + 9 * DAY);
    expect(ids(await a.pending(0, 500, T0 + 10 * DAY), [old, recent, open])).toEqual([open.messageId]);
    expect(await a.purge(8 * DAY, T0 + 10 * DAY)).toBe(1);
    await a.record([old, recent], T0 + 10 * DAY);
    // The forgotten one is new again; the recent one is still known, and done.
    expect(ids(await b.pending(0, 500, T0 + 10 * DAY), [old, recent, open])).toEqual([open.messageId, old.messageId]);
  });
});
