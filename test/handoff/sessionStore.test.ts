import { describe, expect, it } from 'vitest';
import { SessionStore, type SessionStoreOptions } from '../../src/handoff/sessionStore.js';
import { sqliteDatabase } from '../../src/storage/database.js';
import { openSqlite, type SqliteDatabase } from '../../src/storage/sqlite.js';

const HOUR = 60 * 60 * 1000;
const sessionStore = (db: SqliteDatabase, options: SessionStoreOptions = {}) => new SessionStore(sqliteDatabase(db).db, options);

describe('SessionStore on SQLite', () => {
  it('stores only a hash of the token', async () => {
    const db = openSqlite(':memory:');
    const { token, csrfToken } = await sessionStore(db).create('cso.andi');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfToken).not.toBe(token);
    const ids = db.prepare<[], { id: string }>('SELECT id FROM agent_sessions').all();
    expect(ids).toHaveLength(1);
    expect(ids[0]?.id).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(db.prepare('SELECT * FROM agent_sessions').all())).not.toContain(token);
  });

  it('applies the idle timeout and the absolute lifetime', async () => {
    let clock = 1_000_000;
    const store = sessionStore(openSqlite(':memory:'), { now: () => clock });
    const { token, csrfToken } = await store.create('cso.andi');
    expect(await store.get(token)).toEqual({ username: 'cso.andi', csrfToken });
    for (let i = 0; i < 3; i++) {
      clock += 7 * HOUR;
      expect(await store.get(token)).not.toBeNull();
    }
    clock += 3 * HOUR + 1;
    expect(await store.get(token)).toBeNull();

    const idle = await store.create('cso.budi');
    clock += 8 * HOUR;
    expect(await store.get(idle.token)).toBeNull();
  });

  it('ends one session or all of an officer, and sweeps expired rows', async () => {
    let clock = 0;
    const db = openSqlite(':memory:');
    const store = sessionStore(db, { now: () => clock });
    const a1 = await store.create('cso.andi');
    const a2 = await store.create('cso.andi');
    const b = await store.create('cso.budi');
    await store.destroy(a1.token);
    expect(await store.get(a1.token)).toBeNull();
    expect(await store.get(a2.token)).not.toBeNull();
    expect(await store.destroyAllOf('cso.andi')).toBe(1);
    expect(await store.get(b.token)).not.toBeNull();
    clock += 9 * HOUR;
    await store.create('cso.citra');
    expect(db.prepare('SELECT username FROM agent_sessions').all()).toEqual([{ username: 'cso.citra' }]);
  });
});
