import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandoffStores } from '../../src/handoff/handoffStores.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import { tempDir } from '../dialogs/harness.js';
import { createTestSchema, DATABASE_URL, warnIfSkipped, type TestSchema } from '../storage/pgTestSchema.js';
import { runScript, type ScriptRun } from '../support/runScript.js';
import { sqliteDatabase, postgresDatabase } from '../../src/storage/database.js';

/** `npm run officer -- ...` as an operator runs it, stdin piped; on SQLite under `dataDir` unless `databaseUrl` is given. */
function officer(dataDir: string, args: string[], stdin = '', databaseUrl?: string): Promise<ScriptRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  // The tests' own DATABASE_URL must not move the SQLite runs to PostgreSQL.
  delete env.DATABASE_URL;
  if (databaseUrl !== undefined) env.DATABASE_URL = databaseUrl;
  return runScript('officer.ts', args, { env, stdin });
}

// Each test runs the script several times through tsx (a second or more each, several on a loaded
// two-core CI machine): more than the default 20 s.
describe('scripts/officer.ts', { timeout: 60_000 }, () => {
  it('adds, lists, changes the password of and removes an officer', async () => {
    const dir = tempDir();
    const added = await officer(dir, ['add', 'cso.andi', '--name', 'Andi Saputra'], 'kopi-tubruk 2026\nignored second line\n');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('Added officer cso.andi (Andi Saputra).');
    expect(added.stdout + added.stderr).not.toContain('kopi-tubruk');

    const listed = await officer(dir, ['list']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^cso\.andi\s+Andi Saputra$/m);

    const db = openSqlite(dir);
    const { officers: store, sessions } = createHandoffStores(sqliteDatabase(db));
    expect(await store.verify('cso.andi', 'kopi-tubruk 2026')).toEqual({ username: 'cso.andi', displayName: 'Andi Saputra' });
    const session = await sessions.create('cso.andi');

    const changed = await officer(dir, ['passwd', 'CSO.Andi'], 'teh-manis-hangat\r\n');
    expect(changed.code, changed.stderr).toBe(0);
    expect(await store.verify('cso.andi', 'teh-manis-hangat')).not.toBeNull();
    expect(await sessions.get(session.token)).toBeNull();

    const removed = await officer(dir, ['remove', 'cso.andi']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(await store.list()).toEqual([]);
    expect((await officer(dir, ['list'])).stdout).toContain('No officer accounts.');
    db.close();
  });

  it('adds a supervisor, and turns the flag on and off for an existing officer', async () => {
    const dir = tempDir();
    const added = await officer(dir, ['add', 'rudi.spv', '--name', 'Rudi Hartono', '--supervisor'], 'kopi-tubruk 2026\n');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('Added supervisor rudi.spv (Rudi Hartono).');
    expect((await officer(dir, ['add', 'cso.andi', '--name', 'Andi'], 'kopi-tubruk 2026\n')).code).toBe(0);
    expect((await officer(dir, ['list'])).stdout).toMatch(/^rudi\.spv\s+Rudi Hartono\s+\(supervisor\)$/m);

    expect((await officer(dir, ['supervisor', 'cso.andi', 'on'])).code).toBe(0);
    expect((await officer(dir, ['supervisor', 'rudi.spv', 'off'])).code).toBe(0);
    const db = openSqlite(dir);
    const { officers: store } = createHandoffStores(sqliteDatabase(db));
    expect(await store.get('cso.andi')).toEqual({ username: 'cso.andi', displayName: 'Andi', supervisor: true });
    expect(await store.get('rudi.spv')).toEqual({ username: 'rudi.spv', displayName: 'Rudi Hartono' });
    db.close();

    const bad = await officer(dir, ['supervisor', 'cso.andi', 'yes']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('on or off');
    const unknown = await officer(dir, ['supervisor', 'nobody.here', 'on']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('nobody.here');
  });

  it('exits 1 with a clear message on a weak password, an existing name or bad usage', async () => {
    const dir = tempDir();
    const weak = await officer(dir, ['add', 'cso.budi', '--name', 'Budi'], 'short\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('Password too short');

    expect((await officer(dir, ['add', 'cso.budi', '--name', 'Budi'], 'long-enough-pw\n')).code).toBe(0);
    const again = await officer(dir, ['add', 'cso.budi', '--name', 'Budi'], 'long-enough-pw\n');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');

    const noName = await officer(dir, ['add', 'cso.citra'], 'long-enough-pw\n');
    expect(noName.code).toBe(1);
    expect(noName.stderr).toContain('--name');
    const argvPassword = await officer(dir, ['add', 'cso.citra', '--name', 'Citra', '--password', 'x']);
    expect(argvPassword.code).toBe(1);
    expect((await officer(dir, ['remove', 'cso.nobody'])).code).toBe(1);
    expect((await officer(dir, ['passwd', 'cso.nobody'], 'long-enough-pw\n')).code).toBe(1);
    expect((await officer(dir, ['frobnicate'])).code).toBe(1);
  });
});

/** The URL of `base` with the schema as search_path, as an operator would point the script at one. */
const withSchema = (base: string, schema: string): string => {
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
};

warnIfSkipped('scripts/officer.ts on PostgreSQL');

describe.skipIf(!DATABASE_URL)('scripts/officer.ts on PostgreSQL (DATABASE_URL)', { timeout: 60_000 }, () => {
  let migrated: TestSchema;
  let empty: TestSchema;
  beforeAll(async () => {
    migrated = await createTestSchema(DATABASE_URL ?? '', { migrated: true });
    empty = await createTestSchema(DATABASE_URL ?? '');
  });
  afterAll(async () => {
    await migrated?.drop();
    await empty?.drop();
  });

  it('manages the accounts in PostgreSQL, where every instance sees them, and leaves DATA_DIR alone', async () => {
    const dir = tempDir();
    const url = withSchema(DATABASE_URL ?? '', migrated.name);
    const added = await officer(dir, ['add', 'cso.andi', '--name', 'Andi Saputra'], 'kopi-tubruk 2026\n', url);
    expect(added.code, added.stderr).toBe(0);
    expect((await officer(dir, ['list'], '', url)).stdout).toMatch(/^cso\.andi\s+Andi Saputra$/m);

    const pool = migrated.pool({ max: 2 });
    const { officers, sessions } = createHandoffStores(postgresDatabase(pool));
    expect(await officers.verify('cso.andi', 'kopi-tubruk 2026')).toEqual({ username: 'cso.andi', displayName: 'Andi Saputra' });
    const session = await sessions.create('cso.andi');
    const changed = await officer(dir, ['passwd', 'cso.andi'], 'teh-manis-hangat\n', url);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toContain('1 session(s) signed out');
    expect(await officers.verify('cso.andi', 'teh-manis-hangat')).not.toBeNull();
    expect(await sessions.get(session.token)).toBeNull();

    expect((await officer(dir, ['add', 'cso.andi', '--name', 'Andi'], 'long-enough-pw\n', url)).stderr).toContain('already exists');
    expect((await officer(dir, ['remove', 'cso.andi'], '', url)).code).toBe(0);
    expect(await officers.list()).toEqual([]);
    // Nothing went to SQLite.
    expect((await officer(dir, ['list'])).stdout).toContain('No officer accounts.');
    await pool.end();
  });

  it('says to migrate first when the tables are missing', async () => {
    const result = await officer(tempDir(), ['list'], '', withSchema(DATABASE_URL ?? '', empty.name));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('npm run migrate');
  });
});
