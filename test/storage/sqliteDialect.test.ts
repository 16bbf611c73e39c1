import Database from 'better-sqlite3';
import { Kysely, type Generated } from 'kysely';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/storage/sqlite.js';
import { SqliteGroupCommitDialect } from '../../src/storage/sqliteDialect.js';
import { tempDir } from '../dialogs/harness.js';

interface T {
  t: { id: Generated<number>; v: string; flag: boolean | number | null };
}

describe('SqliteGroupCommitDialect', () => {
  const setup = () => {
    const dir = tempDir();
    const raw = openSqlite(dir);
    raw.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL CHECK (v <> 'bad'), flag INTEGER)");
    const db = new Kysely<T>({ dialect: new SqliteGroupCommitDialect(raw) });
    // Another connection, as another process would see the file.
    const other = new Database(path.join(dir, 'pln123.sqlite'), { readonly: true });
    const count = () => (other.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
    let commits = 0;
    const commit = raw.prepare('COMMIT');
    const run = commit.run.bind(commit);
    // Counts the commits the dialect makes (its COMMIT statement is prepared through the cache).
    commit.run = ((...args: never[]) => (commits++, run(...args))) as typeof commit.run;
    return { raw, db, count, commits: () => commits, close: () => (other.close(), raw.close()) };
  };

  it('commits the transactions asked for together in one commit, each caller told its own result after it', async () => {
    const { raw, db, count, commits, close } = setup();
    const seenByOthers: number[] = [];
    const results = await Promise.all(
      ['a', 'b', 'c'].map((v) =>
        db.transaction().execute(async (trx) => {
          expect(raw.inTransaction).toBe(true);
          seenByOthers.push(count());
          const row = await trx.insertInto('t').values({ v }).returning('id').executeTakeFirstOrThrow();
          return row.id;
        }),
      ),
    );
    expect(results).toEqual([1, 2, 3]);
    // Nothing was visible outside before the batch committed; everything is after, in one commit.
    expect(seenByOthers).toEqual([0, 0, 0]);
    expect(count()).toBe(3);
    expect(commits()).toBe(1);
    close();
  });

  it('batches plain writes too, and binds booleans as 0 and 1', async () => {
    const { db, count, commits, close } = setup();
    const results = await Promise.all(['a', 'b'].map((v, i) => db.insertInto('t').values({ v, flag: i === 0 }).executeTakeFirst()));
    expect(results.map((r) => Number(r.numInsertedOrUpdatedRows))).toEqual([1, 1]);
    expect(commits()).toBe(1);
    expect(count()).toBe(2);
    expect(await db.selectFrom('t').select(['v', 'flag']).orderBy('id').execute()).toEqual([
      { v: 'a', flag: 1 },
      { v: 'b', flag: 0 },
    ]);
    close();
  });

  it('rolls back only the transaction that failed, and rejects only its caller', async () => {
    const { db, count, close } = setup();
    const outcomes = await Promise.allSettled([
      db.insertInto('t').values({ v: 'a' }).execute(),
      db.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ v: 'kept only if the next one did not fail' }).execute();
        await trx.insertInto('t').values({ v: 'bad' }).execute();
      }),
      db.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ v: 'rolled back by its own caller' }).execute();
        throw new Error('changed my mind');
      }),
      db.insertInto('t').values({ v: 'c' }).execute(),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/CHECK constraint/);
    expect(String((outcomes[2] as PromiseRejectedResult).reason)).toMatch(/changed my mind/);
    expect(await db.selectFrom('t').select('v').orderBy('id').execute()).toEqual([{ v: 'a' }, { v: 'c' }]);
    expect(count()).toBe(2);
    close();
  });

  it('lets a read wait while a batch is open, so it never sees what is not committed', async () => {
    const { db, close } = setup();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const writing = db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ v: 'a' }).execute();
      await held;
    });
    // The batch starts on a later turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 5));
    let read: number | undefined;
    const reading = db
      .selectFrom('t')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
      .then((r) => (read = r.n));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(read).toBeUndefined();
    release();
    await writing;
    await reading;
    expect(read).toBe(1);
    close();
  });

  it('rejects every caller of a batch that cannot run (the connection closed meanwhile)', async () => {
    const { db, close } = setup();
    const asked = [db.insertInto('t').values({ v: 'x' }).execute(), db.transaction().execute((trx) => trx.insertInto('t').values({ v: 'y' }).execute())];
    close();
    const outcomes = await Promise.allSettled(asked);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/not open/);
  });
});
