import type { Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase, postgresDatabase, type Database } from '../../src/storage/database.js';
import { prepared } from '../../src/storage/prepared.js';
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
    const { db } = await open();
    const before = builds;
    await upsert.run(db, { key: 'a', reference: '{}', at: 1 });
    await upsert.run(db, { key: 'b', reference: '{}', at: 2 });
    await db.transaction().execute((trx) => upsert.run(trx, { key: 'a', reference: '{"x":1}', at: 3 }, db));
    expect(builds - before).toBe(1);
    // Named without its database inside a transaction, it would be compiled anew on every call: refused.
    await db.transaction().execute(async (trx) => {
      expect(() => upsert.run(trx, { key: 'c', reference: '{}', at: 4 })).toThrow(/pass the database as compiledOn/);
    });
    expect((await byKey.run(db, { key: 'a' })).rows).toEqual([{ conversation_key: 'a', updated_at: 3 }]);
    expect((await byKey.run(db, { key: 'b' })).rows).toEqual([{ conversation_key: 'b', updated_at: 2 }]);
    expect((await byKey.run(db, { key: 'none' })).rows).toEqual([]);
  });
});
