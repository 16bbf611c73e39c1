import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type SqliteDatabase } from '../../src/storage/sqlite.js';
import { SqliteCheckpointer } from '../../src/storage/sqliteCheckpointer.js';
import { tempDir } from '../dialogs/harness.js';

const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('SqliteCheckpointer', () => {
  let db: SqliteDatabase | undefined;
  afterEach(() => db?.close());

  it('checkpoints the write-ahead log from its worker while the service connection never does', async () => {
    const dir = tempDir();
    db = openSqlite(dir);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const file = path.join(dir, 'pln123.sqlite');
    // A worker that waits a minute: about 2,500 pages are written, past SQLite's own 1,000-page
    // checkpoint, and none reach the database file (rows get there only through a checkpoint).
    const idle = new SqliteCheckpointer(db, { intervalMs: 60_000 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    for (let i = 0; i < 2500; i++) insert.run('x'.repeat(3000));
    expect(fs.statSync(file).size).toBeLessThan(100_000);
    await idle.stop();

    // A worker that checkpoints often: the file grows to hold the rows, copied from the log by it.
    const checkpointer = new SqliteCheckpointer(db, { intervalMs: 20 });
    await until(() => fs.statSync(file).size > 2500 * 3000);

    await checkpointer.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 2500 });
  });

  it('refuses an in-memory database (no log to checkpoint)', () => {
    db = openSqlite(':memory:');
    expect(() => new SqliteCheckpointer(db!)).toThrow(/in-memory/);
  });
});
