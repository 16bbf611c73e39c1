import { describe, expect, it } from 'vitest';
import { SessionStore } from '../../src/handoff/sessionStore.js';
import { openSqlite } from '../../src/storage/sqlite.js';

const HOUR = 60 * 60 * 1000;

describe('SessionStore', () => {
  it('stores only a hash of the token', () => {
    const db = openSqlite(':memory:');
    const { token, csrfToken } = new SessionStore(db).create('cso.andi');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfToken).not.toBe(token);
    const ids = db.prepare<[], { id: string }>('SELECT id FROM agent_sessions').all();
    expect(ids).toHaveLength(1);
    expect(ids[0]?.id).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(db.prepare('SELECT * FROM agent_sessions').all())).not.toContain(token);
  });

  it('applies the idle timeout and the absolute lifetime', () => {
    let clock = 1_000_000;
    const store = new SessionStore(openSqlite(':memory:'), { now: () => clock });
    const { token, csrfToken } = store.create('cso.andi');
    expect(store.get(token)).toEqual({ username: 'cso.andi', csrfToken });
    for (let i = 0; i < 3; i++) {
      clock += 7 * HOUR;
      expect(store.get(token)).not.toBeNull();
    }
    clock += 3 * HOUR + 1;
    expect(store.get(token)).toBeNull();

    const idle = store.create('cso.budi');
    clock += 8 * HOUR;
    expect(store.get(idle.token)).toBeNull();
  });

  it('ends one session or all of an officer, and sweeps expired rows', () => {
    let clock = 0;
    const db = openSqlite(':memory:');
    const store = new SessionStore(db, { now: () => clock });
    const a1 = store.create('cso.andi');
    const a2 = store.create('cso.andi');
    const b = store.create('cso.budi');
    store.destroy(a1.token);
    expect(store.get(a1.token)).toBeNull();
    expect(store.get(a2.token)).not.toBeNull();
    expect(store.destroyAllOf('cso.andi')).toBe(1);
    expect(store.get(b.token)).not.toBeNull();
    clock += 9 * HOUR;
    store.create('cso.citra');
    expect(db.prepare('SELECT username FROM agent_sessions').all()).toEqual([{ username: 'cso.citra' }]);
  });
});
