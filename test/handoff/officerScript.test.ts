import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OfficerStore } from '../../src/handoff/officerStore.js';
import { SessionStore } from '../../src/handoff/sessionStore.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import { tempDir } from '../dialogs/harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `npm run officer -- ...` as an operator runs it, stdin piped. */
function officer(dataDir: string, args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/officer.ts', ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('scripts/officer.ts', () => {
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
    const store = new OfficerStore(db);
    expect(await store.verify('cso.andi', 'kopi-tubruk 2026')).toEqual({ username: 'cso.andi', displayName: 'Andi Saputra' });
    const session = new SessionStore(db).create('cso.andi');

    const changed = await officer(dir, ['passwd', 'CSO.Andi'], 'teh-manis-hangat\r\n');
    expect(changed.code, changed.stderr).toBe(0);
    expect(await store.verify('cso.andi', 'teh-manis-hangat')).not.toBeNull();
    expect(new SessionStore(db).get(session.token)).toBeNull();

    const removed = await officer(dir, ['remove', 'cso.andi']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(store.list()).toEqual([]);
    expect((await officer(dir, ['list'])).stdout).toContain('No officer accounts.');
    db.close();
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
