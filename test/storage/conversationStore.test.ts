import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REDELIVERY_RETENTION_MS } from '../../src/core/retention.js';
import { HandoffStore } from '../../src/handoff/handoffStore.js';
import { ConversationStore, type ConversationStoreOptions } from '../../src/storage/conversationStore.js';
import { postgresDatabase, sqliteDatabase } from '../../src/storage/database.js';
import type { PgClient, PgPool } from '../../src/storage/postgres/pool.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import { describeConversationStore, processed } from './conversationStore.contract.js';
import { createTestSchema, DATABASE_URL, warnIfSkipped, type TestSchema } from './pgTestSchema.js';


describe('SQLite', () => {
  let dir = '';
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pln123-store-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // Each call is a new connection to the same file, as after a restart.
  describeConversationStore('SQLite', async () => {
    const db = openSqlite(dir);
    const database = sqliteDatabase(db);
    const handoffs = new HandoffStore(database);
    return { store: new ConversationStore(database), transcript: (k) => handoffs.transcript(k), close: async () => void db.close() };
  });
});

warnIfSkipped('PostgreSQL conversation store tests');

describe.skipIf(!DATABASE_URL)('PostgreSQL', () => {
  let schema: TestSchema;
  beforeAll(async () => {
    schema = await createTestSchema(DATABASE_URL ?? '', { migrated: true });
  });
  afterAll(async () => schema?.drop());

  // Each call is a new pool on the same schema: a restart, or another instance of the service.
  describeConversationStore('PostgreSQL', async () => {
    const pool = schema.pool({ max: 4 });
    const database = postgresDatabase(pool);
    const handoffs = new HandoffStore(database);
    return { store: new ConversationStore(database), transcript: (k) => handoffs.transcript(k), close: () => pool.end() };
  });

  const storeOn = (pool: PgPool, opts?: ConversationStoreOptions) => new ConversationStore(postgresDatabase(pool), opts);
  const held = (messageId: string) => ({ conversationKey: '', state: null, messageId });

  describe('ConversationStore on PostgreSQL', () => {
    it('leaves the message unprocessed when the turn fails to save, so its redelivery is handled', async () => {
      const store = storeOn(schema.pool());
      // Out of the integer column's range: the upsert fails after the message id went in.
      await expect(store.commitTurn({ conversationKey: 'whatsapp:628111', state: { machineVersion: 2 ** 40, snapshot: {} }, messageId: 'whatsapp:628111:m1' })).rejects.toThrow(
        /out of range/,
      );
      expect(await processed(store, 'whatsapp:628111:m1')).toBe(false);
      expect(await store.load('whatsapp:628111')).toBeNull();
    });

    it('purges processed ids past the retention, and keeps recent ones', async () => {
      let clock = 1_700_000_000_000;
      const store = storeOn(schema.pool(), { now: () => clock, purgeEvery: 3 });
      await store.commitTurn(held('purge:old'));
      clock += REDELIVERY_RETENTION_MS - 60_000;
      await store.commitTurn(held('purge:recent'));
      clock += 60_001;
      await store.commitTurn(held('purge:third'));
      await vi.waitFor(async () => expect(await processed(store, 'purge:old')).toBe(false));
      expect(await processed(store, 'purge:recent')).toBe(true);
    });

    it('purges now and then on its own, off the turn', async () => {
      let clock = 1_800_000_000_000;
      const store = storeOn(schema.pool(), { now: () => clock, purgeEvery: 4 });
      await store.commitTurn(held('auto:old'));
      clock += REDELIVERY_RETENTION_MS + 1;
      for (let i = 0; i < 3; i++) await store.commitTurn({ conversationKey: `auto:${i}`, state: { machineVersion: 1, snapshot: { i } }, messageId: null });
      await vi.waitFor(async () => expect(await processed(store, 'auto:old')).toBe(false));
    });

    it('reports a failed background purge instead of crashing', async () => {
      const pool = schema.pool();
      const errors: Error[] = [];
      const store = storeOn(pool, { purgeEvery: 1, onPurgeError: (err) => errors.push(err) });
      // The store's connections refuse the purge's DELETE, as a full disk would.
      const connect = pool.connect.bind(pool) as () => Promise<PgClient>;
      // (pool.query asks for a connection with a callback; the stores' transactions without one.)
      vi.spyOn(pool, 'connect').mockImplementation(((callback?: (err: Error | undefined, client?: PgClient) => void) => {
        const patched = connect().then((client) => {
          const query = client.query.bind(client) as (...a: unknown[]) => unknown;
          client.query = ((text: unknown, ...rest: unknown[]) =>
            typeof text === 'string' && /^delete/i.test(text) ? Promise.reject(new Error('disk full')) : query(text, ...rest)) as typeof client.query;
          return client;
        });
        if (callback) patched.then((client) => callback(undefined, client), (err: Error) => callback(err));
        return patched;
      }) as typeof pool.connect);
      expect((await store.commitTurn({ conversationKey: 'whatsapp:628222', state: { machineVersion: 1, snapshot: {} }, messageId: null })).outcome).toBe('saved');
      await vi.waitFor(() => expect(errors.map((e) => e.message)).toEqual(['disk full']));
    });
  });
});
