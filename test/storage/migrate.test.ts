import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, migratePostgres as migrate, migrateSqlite, readMigrations } from '../../src/storage/migrate.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import { createTestSchema, DATABASE_URL, warnIfSkipped, type TestSchema } from './pgTestSchema.js';

const ALL = [
  { version: 1, name: 'conversations' },
  { version: 2, name: 'tickets' },
  { version: 3, name: 'handoff' },
  { version: 4, name: 'officers' },
  { version: 5, name: 'channels' },
  { version: 6, name: 'webhook_inbox' },
  { version: 7, name: 'outbox_dead_letters' },
  { version: 8, name: 'turn_replies' },
  { version: 9, name: 'ticket_counters' },
  { version: 10, name: 'service_secrets' },
  { version: 11, name: 'sign_in_throttle' },
  { version: 12, name: 'sent_replies' },
  { version: 13, name: 'handoff_priority' },
  { version: 14, name: 'transcript_details' },
  { version: 15, name: 'officer_supervisor' },
];

const scratchDirs: string[] = [];
afterAll(() => scratchDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A scratch copy of the migrations, or a directory of the given files, to change freely. */
function scratchDir(files?: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pln123-migrations-'));
  scratchDirs.push(dir);
  if (files) for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  else fs.cpSync(defaultMigrationsDir(), dir, { recursive: true });
  return dir;
}

describe('readMigrations', () => {
  it('lists the project migrations in order, with checksums', () => {
    const files = readMigrations(defaultMigrationsDir());
    expect(files.map((f) => ({ version: f.version, name: f.name }))).toEqual(ALL);
    expect(files.every((f) => /^[0-9a-f]{64}$/.test(f.checksum))).toBe(true);
  });

  it('refuses a misnamed file and a duplicated version', () => {
    expect(() => readMigrations(scratchDir({ '001_a.sql': '', 'two.sql': '' }))).toThrow(/two.sql is not named/);
    expect(() => readMigrations(scratchDir({ '001_a.sql': '', '1_b.sql': '' }))).toThrow(/two migration files have version 1/);
  });

  it('reads CRLF line endings as the same content', () => {
    const lf = readMigrations(scratchDir({ '001_a.sql': 'SELECT 1;\nSELECT 2;\n' }));
    const crlf = readMigrations(scratchDir({ '001_a.sql': 'SELECT 1;\r\nSELECT 2;\r\n' }));
    expect(crlf[0]?.checksum).toBe(lf[0]?.checksum);
  });
});

describe('migrateSqlite', () => {
  const sqliteFile = () => openSqlite(scratchDir({}));
  const versions = (db: ReturnType<typeof openSqlite>) => db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();

  it('applies the project baseline once, then nothing', () => {
    const db = sqliteFile();
    const files = readMigrations(defaultMigrationsDir('sqlite'));
    expect(migrateSqlite(db)).toEqual({ applied: files.map((f) => ({ version: f.version, name: f.name })), unknown: [] });
    expect(migrateSqlite(db)).toEqual({ applied: [], unknown: [] });
    db.close();
  });

  it('refuses a changed applied file and a new file numbered below an applied one, applying nothing', () => {
    const dir = scratchDir({ '001_a.sql': 'CREATE TABLE a (id INTEGER);', '003_c.sql': 'CREATE TABLE c (id INTEGER);' });
    const db = sqliteFile();
    migrateSqlite(db, dir);
    fs.writeFileSync(path.join(dir, '002_b.sql'), 'CREATE TABLE b (id INTEGER);');
    expect(() => migrateSqlite(db, dir)).toThrow(/002_b\.sql is numbered below version 3/);
    fs.rmSync(path.join(dir, '002_b.sql'));
    fs.appendFileSync(path.join(dir, '001_a.sql'), '\nALTER TABLE a ADD COLUMN note TEXT;');
    expect(() => migrateSqlite(db, dir)).toThrow(/001_a\.sql was changed after it was applied/);
    expect(versions(db)).toEqual([{ version: 1 }, { version: 3 }]);
    db.close();
  });

  it('rolls back a failing run whole: neither the failed file nor the ones before it in the run are kept', () => {
    const dir = scratchDir({ '001_ok.sql': 'CREATE TABLE one (id INTEGER);', '002_broken.sql': 'CREATE TABLE two (id INTEGER); SELECT no_such_function();' });
    const db = sqliteFile();
    expect(() => migrateSqlite(db, dir)).toThrow(/migration 002_broken\.sql failed: .*no_such_function/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('one', 'two', 'schema_migrations')").all()).toEqual([]);
    fs.writeFileSync(path.join(dir, '002_broken.sql'), 'CREATE TABLE two (id INTEGER);');
    expect(migrateSqlite(db, dir).applied.map((m) => m.version)).toEqual([1, 2]);
    db.close();
  });

  it('lets a second process opening the same file find nothing left to do', () => {
    const dataDir = scratchDir({});
    const first = openSqlite(dataDir);
    const second = openSqlite(dataDir);
    expect(migrateSqlite(first).applied.length).toBeGreaterThan(0);
    expect(migrateSqlite(second).applied).toEqual([]);
    first.close();
    second.close();
  });

  it('adds the columns an unversioned file from an older release lacks, keeping its rows', () => {
    const db = sqliteFile();
    // processed_messages and ticket_outbox as the first releases made them (no replies, notice, dead_at).
    db.exec(`
      CREATE TABLE processed_messages (message_id TEXT PRIMARY KEY, processed_at INTEGER NOT NULL);
      INSERT INTO processed_messages VALUES ('wamid.1', 1);
      CREATE TABLE ticket_outbox (
        idempotency_key TEXT PRIMARY KEY, request_json TEXT NOT NULL, itsm_number TEXT, apkt_number TEXT,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'itsm_filed', 'done')),
        attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
      );
    `);
    migrateSqlite(db);
    const columns = (table: string) => db.prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)').all(table).map((c) => c.name);
    expect(columns('processed_messages')).toContain('replies');
    expect(columns('ticket_outbox')).toEqual(expect.arrayContaining(['notice', 'dead_at']));
    expect(db.prepare('SELECT message_id, replies FROM processed_messages').all()).toEqual([{ message_id: 'wamid.1', replies: null }]);
    db.close();
  });
});

warnIfSkipped('PostgreSQL migration tests');

describe.skipIf(!DATABASE_URL)('migrate (PostgreSQL)', () => {
  const schemas: TestSchema[] = [];
  const fresh = async () => {
    const schema = await createTestSchema(DATABASE_URL ?? '');
    schemas.push(schema);
    return schema;
  };
  afterEach(async () => {
    await Promise.all(schemas.splice(0).map((s) => s.drop()));
  });

  it('applies every migration once; a second run applies nothing', async () => {
    const pool = (await fresh()).pool();
    expect(await migrate(pool)).toEqual({ applied: ALL, unknown: [] });
    expect(await migrate(pool)).toEqual({ applied: [], unknown: [] });
    const { rows } = await pool.query<{ version: number; name: string; applied_at: string }>('SELECT version, name, applied_at FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => ({ version: r.version, name: r.name }))).toEqual(ALL);
    expect(rows.every((r) => !Number.isNaN(Date.parse(r.applied_at)))).toBe(true);
  });

  it('lets instances starting together both succeed, applying each migration once', async () => {
    const schema = await fresh();
    const instances = [schema.pool(), schema.pool(), schema.pool()];
    const results = await Promise.all(instances.map((pool) => migrate(pool)));
    expect(results.flatMap((r) => r.applied)).toEqual(ALL);
    const { rows } = await instances[0]!.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations');
    expect(rows[0]?.n).toBe(ALL.length);
  });

  it('refuses, applying nothing, when an applied migration file was changed', async () => {
    const dir = scratchDir();
    const pool = (await fresh()).pool();
    await migrate(pool, dir);
    fs.appendFileSync(path.join(dir, '002_tickets.sql'), '\nALTER TABLE itsm_tickets ADD COLUMN note text;\n');
    fs.writeFileSync(path.join(dir, '099_more.sql'), 'CREATE TABLE more (id int);');
    await expect(migrate(pool, dir)).rejects.toThrow(/002_tickets\.sql was changed after it was applied/);
    const { rows } = await pool.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations');
    expect(rows[0]?.n).toBe(ALL.length);
  });

  it('rolls a failing migration back whole and stops there', async () => {
    const dir = scratchDir({
      '001_ok.sql': 'CREATE TABLE one (id int);',
      '002_broken.sql': 'CREATE TABLE two (id int);\nINSERT INTO two VALUES (1);\nSELECT no_such_function();',
      '003_later.sql': 'CREATE TABLE three (id int);',
    });
    const pool = (await fresh()).pool();
    await expect(migrate(pool, dir)).rejects.toThrow(/migration 002_broken\.sql failed: .*no_such_function/);
    const versions = await pool.query<{ version: number }>('SELECT version FROM schema_migrations');
    expect(versions.rows).toEqual([{ version: 1 }]);
    const tables = await pool.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('one', 'two', 'three')");
    expect(tables.rows).toEqual([{ name: 'one' }]);

    // Fixed (it never applied, so it may change): the next run carries on from there.
    fs.writeFileSync(path.join(dir, '002_broken.sql'), 'CREATE TABLE two (id int);');
    expect((await migrate(pool, dir)).applied.map((m) => m.version)).toEqual([2, 3]);
  });

  it('refuses a new migration numbered below one already applied', async () => {
    const dir = scratchDir({ '001_a.sql': 'CREATE TABLE a (id int);', '003_c.sql': 'CREATE TABLE c (id int);' });
    const pool = (await fresh()).pool();
    await migrate(pool, dir);
    fs.writeFileSync(path.join(dir, '002_b.sql'), 'CREATE TABLE b (id int);');
    await expect(migrate(pool, dir)).rejects.toThrow(/002_b\.sql is numbered below version 3/);
  });

  it('reports, without failing, migrations applied by a newer release', async () => {
    const dir = scratchDir({ '001_a.sql': 'CREATE TABLE a (id int);', '002_b.sql': 'CREATE TABLE b (id int);' });
    const pool = (await fresh()).pool();
    await migrate(pool, dir);
    fs.rmSync(path.join(dir, '002_b.sql'));
    expect(await migrate(pool, dir)).toEqual({ applied: [], unknown: [2] });
  });

  it('leaves no lock behind, even after a failure', async () => {
    const schema = await fresh();
    const pool = schema.pool({ max: 1 });
    await expect(migrate(pool, scratchDir({ '001_bad.sql': 'SELEC 1;' }))).rejects.toThrow(/syntax error/);
    // A second pool would wait forever on a leaked session lock.
    const other = schema.pool({ max: 1 });
    expect((await migrate(other, scratchDir({ '001_bad.sql': 'SELECT 1;' }))).applied).toEqual([{ version: 1, name: 'bad' }]);
    const locks = await pool.query<{ n: number }>("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()");
    expect(locks.rows[0]?.n).toBe(0);
  });
});
