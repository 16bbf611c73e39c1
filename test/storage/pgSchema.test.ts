import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateSqlite } from '../../src/storage/migrate.js';
import type { PgPool } from '../../src/storage/postgres/pool.js';
import { openSqlite, type SqliteDatabase } from '../../src/storage/sqlite.js';
import { createTestSchema, DATABASE_URL, warnIfSkipped, type TestSchema } from './pgTestSchema.js';


/** Every table of the SQLite database, made the way the service makes it (migrations/sqlite). */
function sqliteWithEveryStore(): SqliteDatabase {
  const db = openSqlite(':memory:');
  migrateSqlite(db);
  return db;
}

/** table -> column -> 'integer' | 'text' | ... as declared, with NOT NULL (a primary key is never null). */
function sqliteColumns(db: SqliteDatabase): Record<string, Record<string, { type: string; notNull: boolean }>> {
  const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all();
  return Object.fromEntries(
    tables.map(({ name }) => [
      name,
      Object.fromEntries(
        db
          .prepare<[string], { name: string; type: string; notnull: number; pk: number }>('SELECT name, type, "notnull", pk FROM pragma_table_info(?)')
          .all(name)
          .map((c) => [c.name, { type: c.type.toLowerCase(), notNull: c.notnull === 1 || c.pk > 0 }]),
      ),
    ]),
  );
}

async function pgColumns(pool: PgPool): Promise<Record<string, Record<string, { type: string; notNull: boolean }>>> {
  const { rows } = await pool.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
    `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_schema = current_schema() AND NOT (table_name = ANY($1))`,
    [PG_ONLY],
  );
  const tables: Record<string, Record<string, { type: string; notNull: boolean }>> = {};
  for (const r of rows) (tables[r.table_name] ??= {})[r.column_name] = { type: r.data_type, notNull: r.is_nullable === 'NO' };
  return tables;
}

/**
 * Tables only PostgreSQL has: the day's ticket counters (numbering across instances in one
 * statement; one SQLite process numbers inside its write transaction).
 */
const PG_ONLY = ['ticket_counters'];

/** The PostgreSQL types an SQLite column may become: same values, proper type. */
const COMPATIBLE: Record<string, string[]> = {
  integer: ['integer', 'bigint', 'boolean'],
  text: ['text', 'timestamp with time zone', 'json', 'jsonb'],
};

warnIfSkipped('PostgreSQL schema tests');

describe.skipIf(!DATABASE_URL)('PostgreSQL schema (migrations/postgres)', () => {
  let schema: TestSchema;
  let pool: PgPool;
  beforeAll(async () => {
    schema = await createTestSchema(DATABASE_URL ?? '', { migrated: true });
    pool = schema.pool();
  });
  afterAll(async () => schema?.drop());

  it('has every SQLite table and column, with a compatible type and the same NOT NULL', async () => {
    const sqlite = sqliteColumns(sqliteWithEveryStore());
    const pg = await pgColumns(pool);
    expect(Object.keys(pg).sort()).toEqual(Object.keys(sqlite).sort());
    for (const [table, columns] of Object.entries(sqlite)) {
      expect(Object.keys(pg[table] ?? {}).sort(), table).toEqual(Object.keys(columns).sort());
      for (const [column, { type, notNull }] of Object.entries(columns)) {
        const target = pg[table]?.[column];
        expect(COMPATIBLE[type], `${table}.${column} ${type}`).toContain(target?.type);
        expect(target?.notNull, `${table}.${column} NOT NULL`).toBe(notNull);
      }
    }
  });

  it('has every SQLite index, under the same name', async () => {
    const db = sqliteWithEveryStore();
    const sqlite = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'").all();
    const { rows } = await pool.query<{ name: string }>('SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()');
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(sqlite.map((r) => r.name)));
  });

  it('keeps at most one open handoff per conversation; closed ones do not count', async () => {
    const open = (key: string, onConflict = '') =>
      pool.query(
        `INSERT INTO handoffs (conversation_key, channel, conversation_id, status, reason, requested_at)
         VALUES ($1, 'whatsapp', '628111', 'waiting', 'asked', now()) ${onConflict} RETURNING id`,
        [key],
      );
    const first = await open('whatsapp:628111');
    expect(typeof first.rows[0]?.id).toBe('number');
    await expect(open('whatsapp:628111')).rejects.toMatchObject({ code: '23505', constraint: 'handoffs_one_open' });
    // The port of the SQLite store's INSERT OR IGNORE.
    expect((await open('whatsapp:628111', "ON CONFLICT (conversation_key) WHERE status <> 'closed' DO NOTHING")).rowCount).toBe(0);
    await pool.query("UPDATE handoffs SET status = 'closed', closed_at = now() WHERE id = $1", [first.rows[0]?.id]);
    const again = await open('whatsapp:628111');
    expect(again.rows[0]?.id).toBeGreaterThan(first.rows[0]?.id as number);
    await expect(pool.query("UPDATE handoffs SET status = 'pending' WHERE id = $1", [again.rows[0]?.id])).rejects.toMatchObject({ code: '23514' });
  });

  it('numbers tickets once per day and sequence, and files a key once', async () => {
    const insert = (number: string, seq: number, key: string) =>
      pool.query(
        `INSERT INTO itsm_tickets (number, day, seq, idempotency_key, call_type, service_family, service_group, service_type,
           officer, channel, conversation_id, applicant_json, status, created_at)
         VALUES ($1, '20261124', $2, $3, 'Request', 'Marketplace', 'Seller', 'Registration', 'bot', 'whatsapp', '628111', $4, 'Open', $5)`,
        [number, seq, key, JSON.stringify({ phone: '+628111', email: 'Siti@Example.id' }), '2026-11-24T03:04:05.678Z'],
      );
    await insert('ITSM-20261124-00001', 1, 'k1');
    await expect(insert('ITSM-20261124-00002', 1, 'k2')).rejects.toMatchObject({ code: '23505' });
    await expect(insert('ITSM-20261124-00003', 3, 'k1')).rejects.toMatchObject({ code: '23505' });
    // The look-ups use the indexed expressions; rows come back in the SQLite stores' shapes.
    const { rows } = await pool.query<{ number: string; created_at: string; applicant_json: { phone: string }; priority: string }>(
      "SELECT * FROM itsm_tickets WHERE (applicant_json ->> 'phone') = $1 OR lower(applicant_json ->> 'email') = $2",
      ['+628111', 'siti@example.id'],
    );
    expect(rows).toMatchObject([{ number: 'ITSM-20261124-00001', created_at: '2026-11-24T03:04:05.678Z', applicant_json: { phone: '+628111' }, priority: 'normal' }]);
    await expect(
      pool.query(
        `INSERT INTO ticket_outbox (idempotency_key, request_json, state, created_at, updated_at) VALUES ('k9', '{}', 'lost', now(), now())`,
      ),
    ).rejects.toMatchObject({ code: '23514' });
  });

  it('returns epoch-millisecond columns as numbers and identities as increasing numbers', async () => {
    const at = Date.UTC(2026, 10, 24, 3, 4, 5, 678);
    await pool.query('INSERT INTO agent_sessions (id, username, csrf_token, created_at, last_seen) VALUES ($1, $2, $3, $4, $4)', ['h', 'cso.andi', 'c', at]);
    const { rows } = await pool.query<{ created_at: number; n: number }>('SELECT created_at, (SELECT count(*) FROM agent_sessions) AS n FROM agent_sessions');
    expect(rows).toEqual([{ created_at: at, n: 1 }]);
    const ids = [];
    for (const reason of ['windowClosed', 'permanent']) {
      const r = await pool.query<{ id: number }>("INSERT INTO delivery_failures (channel, user_id, reason, detail, at) VALUES ('whatsapp', '628111', $1, '', now()) RETURNING id", [reason]);
      ids.push(r.rows[0]?.id);
    }
    expect(ids).toEqual([1, 2]);
  });
});
