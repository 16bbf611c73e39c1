import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OfficerError, type OfficerStore } from '../../src/handoff/officerStore.js';
import type { HandoffBackendHarness } from './handoffBackends.js';

const PASSWORD = 'kopi-tubruk-2026';

/** The OfficerError code a promise rejects with, or undefined when it resolves. */
const codeOf = async (p: Promise<unknown>): Promise<string | undefined> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof OfficerError) return err.code;
    throw err;
  }
  return undefined;
};

/**
 * The behaviour of the officer accounts on every database: one OfficerStore, on SQLite and on
 * PostgreSQL. Each test starts from no accounts.
 */
export function describeOfficerStore(name: string, harness: () => HandoffBackendHarness): void {
  describe(`OfficerStore contract: ${name}`, () => {
    const store = async (): Promise<OfficerStore> => (await harness().connect()).officers;

    beforeEach(async () => harness().reset());
    afterEach(async () => harness().disconnectAll());

    it('creates an account and verifies only the right password, whatever the case of the name', async () => {
      const s = await store();
      expect(await s.create({ username: '  CSO.Andi ', displayName: ' Andi Saputra ', password: PASSWORD })).toEqual({ username: 'cso.andi', displayName: 'Andi Saputra' });
      expect(await s.verify('cso.andi', PASSWORD)).toEqual({ username: 'cso.andi', displayName: 'Andi Saputra' });
      expect(await s.verify(' CSO.ANDI', PASSWORD)).toEqual({ username: 'cso.andi', displayName: 'Andi Saputra' });
      expect(await s.verify('cso.andi', 'kopi-tubruk-2027')).toBeNull();
      expect(await s.verify('cso.andi', '')).toBeNull();
      expect(await s.verify('cso.budi', PASSWORD)).toBeNull();
      expect(await s.verify('x', PASSWORD)).toBeNull();
      expect(await s.get('CSO.Andi')).toEqual({ username: 'cso.andi', displayName: 'Andi Saputra' });
      expect(await s.get('cso.budi')).toBeNull();
    });

    it('refuses a second account with the same name, in any case', async () => {
      const s = await store();
      await s.create({ username: 'cso.andi', displayName: 'Andi', password: PASSWORD });
      expect(await codeOf(s.create({ username: 'cso.andi', displayName: 'Andi 2', password: PASSWORD }))).toBe('exists');
      expect(await codeOf(s.create({ username: 'CSO.ANDI', displayName: 'Andi 3', password: PASSWORD }))).toBe('exists');
      expect(await s.get('cso.andi')).toEqual({ username: 'cso.andi', displayName: 'Andi' });
    });

    it('creates one account when two instances add the same name at once', async () => {
      const [a, b] = [await store(), await store()];
      // Both pass the existence check, then hash (about 50 ms); the database decides.
      const outcomes = await Promise.all([
        codeOf(a.create({ username: 'cso.andi', displayName: 'Andi A', password: PASSWORD })),
        codeOf(b.create({ username: 'cso.andi', displayName: 'Andi B', password: PASSWORD })),
      ]);
      expect([...outcomes].sort()).toEqual(['exists', undefined]);
      expect(await a.list()).toHaveLength(1);
    });

    it('enforces the username, display name and password rules', async () => {
      const s = await store();
      const create = (username: string, password = PASSWORD, displayName = 'Someone') => codeOf(s.create({ username, displayName, password }));
      expect(await create('ab')).toBe('invalidUsername');
      expect(await create('andi saputra')).toBe('invalidUsername');
      expect(await create('budi', 'short-pw1')).toBe('weakPassword');
      expect(await create('budi', PASSWORD, '   ')).toBe('invalidDisplayName');
      expect(await s.list()).toEqual([]);
    });

    it('lists enabled accounts by username, in byte order', async () => {
      const s = await store();
      for (const username of ['cso_andi', 'cso.budi', 'cso-citra', 'andi2', 'cso.andi']) {
        await s.create({ username, displayName: username.toUpperCase(), password: PASSWORD });
      }
      expect((await s.list()).map((o) => o.username)).toEqual(['andi2', 'cso-citra', 'cso.andi', 'cso.budi', 'cso_andi']);
      expect((await s.list())[0]).toEqual({ username: 'andi2', displayName: 'ANDI2' });
    });

    it('removes accounts', async () => {
      const s = await store();
      await s.create({ username: 'cso.andi', displayName: 'Andi', password: PASSWORD });
      await s.create({ username: 'cso.budi', displayName: 'Budi', password: PASSWORD });
      expect(await s.remove('CSO.Andi')).toBe(true);
      expect(await s.remove('cso.andi')).toBe(false);
      expect(await s.remove('cso.nobody')).toBe(false);
      expect((await s.list()).map((o) => o.username)).toEqual(['cso.budi']);
      expect(await s.verify('cso.andi', PASSWORD)).toBeNull();
      expect(await s.get('cso.andi')).toBeNull();
      // The name is free again.
      expect(await codeOf(s.create({ username: 'cso.andi', displayName: 'Andi', password: PASSWORD }))).toBeUndefined();
    });

    it('changes a password', async () => {
      const s = await store();
      await s.create({ username: 'cso.andi', displayName: 'Andi', password: PASSWORD });
      await s.setPassword('CSO.Andi', 'teh-manis-hangat');
      expect(await s.verify('cso.andi', PASSWORD)).toBeNull();
      expect(await s.verify('cso.andi', 'teh-manis-hangat')).toEqual({ username: 'cso.andi', displayName: 'Andi' });
      expect(await codeOf(s.setPassword('cso.andi', 'short'))).toBe('weakPassword');
      expect(await codeOf(s.setPassword('cso.budi', PASSWORD))).toBe('notFound');
    });

    it('hides a disabled account but keeps its name taken', async () => {
      const s = await store();
      await s.create({ username: 'cso.andi', displayName: 'Andi', password: PASSWORD });
      await s.create({ username: 'cso.budi', displayName: 'Budi', password: PASSWORD });
      await harness().disableOfficer('cso.andi');
      expect(await s.verify('cso.andi', PASSWORD)).toBeNull();
      expect(await s.get('cso.andi')).toBeNull();
      expect((await s.list()).map((o) => o.username)).toEqual(['cso.budi']);
      expect(await codeOf(s.create({ username: 'cso.andi', displayName: 'Andi', password: PASSWORD }))).toBe('exists');
    });

    it('shares accounts between instances', async () => {
      const [a, b] = [await store(), await store()];
      await a.create({ username: 'cso.andi', displayName: 'Andi', password: PASSWORD });
      expect(await b.verify('cso.andi', PASSWORD)).toEqual({ username: 'cso.andi', displayName: 'Andi' });
      await b.setPassword('cso.andi', 'teh-manis-hangat');
      expect(await a.verify('cso.andi', PASSWORD)).toBeNull();
      expect(await b.remove('cso.andi')).toBe(true);
      expect(await a.get('cso.andi')).toBeNull();
    });
  });
}
