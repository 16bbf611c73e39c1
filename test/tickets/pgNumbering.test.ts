import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PgPool } from '../../src/storage/postgres/pool.js';
import { postgresDatabase } from '../../src/storage/database.js';
import { SqlTicketing } from '../../src/tickets/sqlTicketing.js';
import { createTestSchema, DATABASE_URL, warnIfSkipped, type TestSchema } from '../storage/pgTestSchema.js';
import { fixedClock, makeRequest } from './fixtures.js';

warnIfSkipped('PostgreSQL ticket numbering tests');

/** The day counters of migrations/postgres/009 (the contract suite covers numbering on both databases). */
describe.skipIf(!DATABASE_URL)('PostgreSQL ticket numbering', () => {
  let schema: TestSchema;
  let pool: PgPool;
  beforeAll(async () => {
    schema = await createTestSchema(DATABASE_URL ?? '', { migrated: true });
    pool = schema.pool();
  });
  afterAll(async () => {
    await pool?.end();
    await schema?.drop();
  });

  it("refuses a filing once the day's 99,999 numbers are used, and numbers the next day from 00001", async () => {
    const clock = fixedClock('2026-11-24T03:00:00Z');
    const port = new SqlTicketing(postgresDatabase(pool), { now: clock.now });
    await pool.query("INSERT INTO ticket_counters (prefix, day, seq) VALUES ('ITSM', '20261124', 99998)");
    expect(await port.createServiceRequest(makeRequest({ idempotencyKey: 'last' }))).toEqual({ number: 'ITSM-20261124-99999' });
    await expect(port.createServiceRequest(makeRequest({ idempotencyKey: 'one-too-many' }))).rejects.toThrow(/ITSM numbering exhausted for 20261124/);
    expect((await pool.query("SELECT count(*)::int AS n FROM itsm_tickets WHERE idempotency_key = 'one-too-many'")).rows[0]).toEqual({ n: 0 });
    clock.set('2026-11-24T17:00:00Z'); // 00:00 in Jakarta
    expect(await port.createServiceRequest(makeRequest({ idempotencyKey: 'one-too-many' }))).toEqual({ number: 'ITSM-20261125-00001' });
  });

});
