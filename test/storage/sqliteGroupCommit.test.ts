import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/storage/sqlite.js';
import { groupCommit } from '../../src/storage/sqliteGroupCommit.js';
import { tempDir } from '../dialogs/harness.js';

describe('SqliteGroupCommit', () => {
  const setup = () => {
    const dir = tempDir();
    const db = openSqlite(dir);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL CHECK (v <> \'bad\'))');
    // Another connection, as another process would see the file.
    const other = new Database(path.join(dir, 'pln123.sqlite'), { readonly: true });
    const count = () => (other.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
    return { db, count, close: () => (other.close(), db.close()) };
  };

  it('commits the writes asked for together in one transaction, each caller told its own result after the commit', async () => {
    const { db, count, close } = setup();
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const seenByOthers: number[] = [];
    const results = await Promise.all(
      ['a', 'b', 'c'].map((v) =>
        groupCommit(db).run(() => {
          expect(db.inTransaction).toBe(true);
          seenByOthers.push(count());
          return Number(insert.run(v).lastInsertRowid);
        }),
      ),
    );
    expect(results).toEqual([1, 2, 3]);
    // Nothing was visible outside before the batch committed; everything is after.
    expect(seenByOthers).toEqual([0, 0, 0]);
    expect(count()).toBe(3);
    close();
  });

  it('rolls back only the write that failed, and rejects only its caller', async () => {
    const { db, count, close } = setup();
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const outcomes = await Promise.allSettled([
      groupCommit(db).run(() => insert.run('a').changes),
      groupCommit(db).run(() => {
        insert.run('kept only if the next one did not fail');
        return insert.run('bad').changes;
      }),
      groupCommit(db).run(() => insert.run('c').changes),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/CHECK constraint/);
    expect(db.prepare('SELECT v FROM t ORDER BY id').all()).toEqual([{ v: 'a' }, { v: 'c' }]);
    expect(count()).toBe(2);
    close();
  });

  it('rejects every caller of a batch that cannot run (the connection closed meanwhile)', async () => {
    const { db, close } = setup();
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const asked = [groupCommit(db).run(() => insert.run('x')), groupCommit(db).run(() => insert.run('y'))];
    close();
    const outcomes = await Promise.allSettled(asked);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/not open/);
  });
});
