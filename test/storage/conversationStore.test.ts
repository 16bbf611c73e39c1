import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PgConversationStore, PROCESSED_RETENTION_MS } from '../../src/storage/postgres/pgConversationStore.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import { SqliteConversationStore } from '../../src/storage/sqliteConversationStore.js';
import { PgHandoffStore } from '../../src/handoff/pgHandoffStore.js';
import { SqliteHandoffStore } from '../../src/handoff/handoffStore.js';
import { describeConversationStore } from './conversationStore.contract.js';
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
    const handoffs = new SqliteHandoffStore(db);
    return { store: new SqliteConversationStore(db), transcript: (k) => handoffs.transcript(k), close: async () => void db.close() };
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
    const handoffs = new PgHandoffStore(pool);
    return { store: new PgConversationStore(pool), transcript: (k) => handoffs.transcript(k), close: () => pool.end() };
  });

  describe('PgConversationStore', () => {
    it('leaves the message unprocessed when the turn fails to save, so its redelivery is handled', async () => {
      const store = new PgConversationStore(schema.pool());
      // Out of the integer column's range: the upsert fails after the message id went in.
      await expect(store.saveTurn('whatsapp:628111', { machineVersion: 2 ** 40, snapshot: {} }, 'whatsapp:628111:m1')).rejects.toThrow(/out of range/);
      expect(await store.wasProcessed('whatsapp:628111:m1')).toBe(false);
      expect(await store.load('whatsapp:628111')).toBeNull();
    });

    it('purges processed ids past the retention, and keeps recent ones', async () => {
      let clock = 1_700_000_000_000;
      const store = new PgConversationStore(schema.pool(), { now: () => clock, purgeEvery: 1_000_000 });
      await store.markProcessed('purge:old');
      clock += PROCESSED_RETENTION_MS - 60_000;
      await store.markProcessed('purge:recent');
      clock += 60_001;
      expect(await store.purgeProcessed()).toBeGreaterThanOrEqual(1);
      expect(await store.wasProcessed('purge:old')).toBe(false);
      expect(await store.wasProcessed('purge:recent')).toBe(true);
    });

    it('purges now and then on its own, off the turn', async () => {
      let clock = 1_800_000_000_000;
      const store = new PgConversationStore(schema.pool(), { now: () => clock, purgeEvery: 3 });
      await store.markProcessed('auto:old');
      clock += PROCESSED_RETENTION_MS + 1;
      for (let i = 0; i < 3; i++) await store.saveTurn(`auto:${i}`, { machineVersion: 1, snapshot: { i } }, null);
      await vi.waitFor(async () => expect(await store.wasProcessed('auto:old')).toBe(false));
    });

    it('reports a failed background purge instead of crashing', async () => {
      const pool = schema.pool();
      const errors: Error[] = [];
      const store = new PgConversationStore(pool, { purgeEvery: 1, onPurgeError: (err) => errors.push(err) });
      const query = pool.query.bind(pool);
      vi.spyOn(pool, 'query').mockImplementation(((text: unknown, ...rest: unknown[]) =>
        typeof text === 'string' && text.startsWith('DELETE') ? Promise.reject(new Error('disk full')) : (query as (...a: unknown[]) => unknown)(text, ...rest)) as typeof pool.query);
      expect(await store.saveTurn('whatsapp:628222', { machineVersion: 1, snapshot: {} }, null)).toBe('saved');
      await vi.waitFor(() => expect(errors.map((e) => e.message)).toEqual(['disk full']));
    });
  });
});
