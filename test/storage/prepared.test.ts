import type { Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase, postgresDatabase, type Database } from '../../src/storage/database.js';
import { onDatabase, prepared, preparedTransaction } from '../../src/storage/prepared.js';
import type { Schema } from '../../src/storage/schema.js';
import { createTestSchema, DATABASE_URL, type TestSchema } from './pgTestSchema.js';

let builds = 0;
const upsert = prepared((p: { key: string; reference: string; at: number }) => (db: Kysely<Schema>) => {
  builds++;
  return db
    .insertInto('conversation_references')
    .values({ conversation_key: p.key, reference: p.reference, updated_at: p.at })
    .onConflict((oc) => oc.column('conversation_key').doUpdateSet((eb) => ({ reference: eb.ref('excluded.reference'), updated_at: eb.ref('excluded.updated_at') })));
});
const byKey = prepared((p: { key: string }) => (db: Kysely<Schema>) => db.selectFrom('conversation_references').select(['conversation_key', 'updated_at']).where('conversation_key', '=', p.key));

const schemas: TestSchema[] = [];
afterAll(async () => Promise.all(schemas.map((s) => s.drop())));

const databases: Array<[string, () => Promise<Database>]> = [['SQLite', async () => openSqliteDatabase(':memory:')]];
if (DATABASE_URL) {
  databases.push([
    'PostgreSQL',
    async () => {
      const schema = await createTestSchema(DATABASE_URL ?? '', { migrated: true });
      schemas.push(schema);
      return postgresDatabase(schema.pool());
    },
  ]);
}

describe.each(databases)('prepared queries on %s', (_name, open) => {
  it('builds a query once per database and runs it with each call’s values, also inside a transaction', async () => {
    const database = await open();
    const db = onDatabase(database);
    const before = builds;
    await upsert.run(db, { key: 'a', reference: '{}', at: 1 });
    await upsert.run(db, { key: 'b', reference: '{}', at: 2 });
    const inserted = await preparedTransaction(database, (tx) => upsert.run(tx, { key: 'a', reference: '{"x":1}', at: 3 }));
    expect(inserted.numAffectedRows).toBe(1n);
    expect(builds - before).toBe(1);
    expect((await byKey.run(db, { key: 'a' })).rows).toEqual([{ conversation_key: 'a', updated_at: 3 }]);
    expect((await byKey.run(db, { key: 'b' })).rows).toEqual([{ conversation_key: 'b', updated_at: 2 }]);
    expect((await byKey.run(db, { key: 'none' })).rows).toEqual([]);
  });

  it('commits a transaction’s statements together or not at all, and reports rows an insert left alone', async () => {
    const database = await open();
    const db = onDatabase(database);
    await expect(
      preparedTransaction(database, async (tx) => {
        await upsert.run(tx, { key: 'kept?', reference: '{}', at: 1 });
        expect((await byKey.run(tx, { key: 'kept?' })).rows).toHaveLength(1);
        throw new Error('second statement failed');
      }),
    ).rejects.toThrow('second statement failed');
    expect((await byKey.run(db, { key: 'kept?' })).rows).toEqual([]);

    const insertOnce = prepared((p: { key: string }) => (kdb: Kysely<Schema>) =>
      kdb.insertInto('conversation_references').values({ conversation_key: p.key, reference: '{}', updated_at: 5 }).onConflict((oc) => oc.doNothing()),
    );
    const counts = await preparedTransaction(database, async (tx) => [
      (await insertOnce.run(tx, { key: 'once' })).numAffectedRows,
      (await insertOnce.run(tx, { key: 'once' })).numAffectedRows,
    ]);
    expect(counts).toEqual([1n, 0n]);
    expect((await byKey.run(db, { key: 'once' })).rows).toEqual([{ conversation_key: 'once', updated_at: 5 }]);
  });

  it('runs transactions that start together side by side: one that fails leaves the others committed', async () => {
    const database = await open();
    const db = onDatabase(database);
    const outcomes = await Promise.allSettled([
      preparedTransaction(database, (tx) => upsert.run(tx, { key: 'first', reference: '{}', at: 1 })),
      preparedTransaction(database, async (tx) => {
        await upsert.run(tx, { key: 'failing', reference: '{}', at: 2 });
        throw new Error('refused');
      }),
      preparedTransaction(database, (tx) => upsert.run(tx, { key: 'third', reference: '{}', at: 3 })),
      upsert.run(db, { key: 'outside', reference: '{}', at: 4 }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const keys = await Promise.all(['first', 'failing', 'third', 'outside'].map(async (key) => (await byKey.run(db, { key })).rows.length));
    expect(keys).toEqual([1, 0, 1, 1]);
  });
});
