import { describe, expect, it } from 'vitest';
import { OfficerError, OfficerStore } from '../../src/handoff/officerStore.js';
import { openSqliteDatabase, sqliteDatabase } from '../../src/storage/database.js';
import { openSqlite, type SqliteDatabase } from '../../src/storage/sqlite.js';
import { tempDir } from '../dialogs/harness.js';

const PASSWORD = 'kopi-tubruk-2026';

const codeOf = async (p: Promise<unknown>): Promise<string | undefined> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof OfficerError) return err.code;
    throw err;
  }
  return undefined;
};

const hashes = (db: SqliteDatabase) => db.prepare<[], { username: string; password_hash: string }>('SELECT username, password_hash FROM officers ORDER BY username').all();

describe('OfficerStore on SQLite', () => {
  it('creates an account and verifies only the right password', async () => {
    const store = new OfficerStore(openSqliteDatabase(tempDir()).db);
    expect(await store.create({ username: '  CSO.Andi ', displayName: ' Andi Saputra ', password: PASSWORD })).toEqual({ username: 'cso.andi', displayName: 'Andi Saputra' });
    expect(await store.verify('cso.andi', PASSWORD)).toEqual({ username: 'cso.andi', displayName: 'Andi Saputra' });
    expect(await store.verify('CSO.ANDI', PASSWORD)).toEqual({ username: 'cso.andi', displayName: 'Andi Saputra' });
    expect(await store.verify('cso.andi', 'kopi-tubruk-2027')).toBeNull();
    expect(await store.verify('cso.andi', '')).toBeNull();
    expect(await store.get('cso.andi')).toEqual({ username: 'cso.andi', displayName: 'Andi Saputra' });
  });

  it('answers null for unknown or malformed usernames', async () => {
    const store = new OfficerStore(openSqliteDatabase(':memory:').db);
    await store.create({ username: 'cso.andi', displayName: 'Andi', password: PASSWORD });
    expect(await store.verify('cso.budi', PASSWORD)).toBeNull();
    expect(await store.verify('x', PASSWORD)).toBeNull();
    expect(await store.verify('cso.andi', 'a'.repeat(500))).toBeNull();
    expect(await store.get('cso.budi')).toBeNull();
  });

  it('enforces the username, display name and password rules', async () => {
    const store = new OfficerStore(openSqliteDatabase(':memory:').db);
    const create = (username: string, password = PASSWORD, displayName = 'Someone') => codeOf(store.create({ username, displayName, password }));
    for (const bad of ['ab', '.andi', '-andi', 'andi saputra', 'andi@pln', 'a'.repeat(33), '', 'ändi']) {
      expect(await create(bad), bad).toBe('invalidUsername');
    }
    for (const good of ['abc', 'cso_andi-2', '1officer', 'a'.repeat(32)]) {
      expect(await create(good), good).toBeUndefined();
    }
    expect(await create('budi', 'short-pw1')).toBe('weakPassword');
    expect(await create('budi', 'x'.repeat(201))).toBe('weakPassword');
    expect(await create('budi', PASSWORD, '   ')).toBe('invalidDisplayName');
    expect(await create('budi', PASSWORD, 'n'.repeat(65))).toBe('invalidDisplayName');
    expect(await create('budi', 'exactly10!')).toBeUndefined();
    expect(await create('BUDI')).toBe('exists');
  });

  it('changes a password', async () => {
    const store = new OfficerStore(openSqliteDatabase(':memory:').db);
    await store.create({ username: 'cso.andi', displayName: 'Andi', password: PASSWORD });
    await store.setPassword('CSO.Andi', 'teh-manis-hangat');
    expect(await store.verify('cso.andi', PASSWORD)).toBeNull();
    expect(await store.verify('cso.andi', 'teh-manis-hangat')).not.toBeNull();
    expect(await codeOf(store.setPassword('cso.andi', 'short'))).toBe('weakPassword');
    expect(await codeOf(store.setPassword('cso.budi', PASSWORD))).toBe('notFound');
  });

  it('lists and removes accounts', async () => {
    const store = new OfficerStore(openSqliteDatabase(':memory:').db);
    await store.create({ username: 'cso.budi', displayName: 'Budi', password: PASSWORD });
    await store.create({ username: 'cso.andi', displayName: 'Andi', password: PASSWORD });
    expect(await store.list()).toEqual([
      { username: 'cso.andi', displayName: 'Andi' },
      { username: 'cso.budi', displayName: 'Budi' },
    ]);
    expect(await store.remove('CSO.Andi')).toBe(true);
    expect(await store.remove('cso.andi')).toBe(false);
    expect((await store.list()).map((o) => o.username)).toEqual(['cso.budi']);
    expect(await store.verify('cso.andi', PASSWORD)).toBeNull();
  });

  it('stores salted scrypt hashes, never the password', async () => {
    const db = openSqlite(':memory:');
    const store = new OfficerStore(sqliteDatabase(db).db);
    await store.create({ username: 'cso.andi', displayName: 'Andi', password: PASSWORD });
    await store.create({ username: 'cso.budi', displayName: 'Budi', password: PASSWORD });
    const [a, b] = hashes(db);
    for (const row of [a, b]) {
      expect(row?.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{86}==$/);
      expect(row?.password_hash).not.toContain(PASSWORD);
      expect(row?.password_hash).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    }
    expect(a?.password_hash).not.toBe(b?.password_hash);
  });

  it('refuses sign-in to a disabled account', async () => {
    const db = openSqlite(':memory:');
    const store = new OfficerStore(sqliteDatabase(db).db);
    await store.create({ username: 'cso.andi', displayName: 'Andi', password: PASSWORD });
    db.prepare("UPDATE officers SET disabled = 1 WHERE username = 'cso.andi'").run();
    expect(await store.verify('cso.andi', PASSWORD)).toBeNull();
    expect(await store.get('cso.andi')).toBeNull();
    expect(await codeOf(store.create({ username: 'cso.andi', displayName: 'Andi', password: PASSWORD }))).toBe('exists');
  });
});
