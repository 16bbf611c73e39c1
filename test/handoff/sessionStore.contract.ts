import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionStore } from '../../src/handoff/sessionStore.js';
import type { HandoffBackendHarness } from './handoffBackends.js';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

/**
 * The behaviour of the console sessions on every database, with an injected clock. Each test
 * starts from no sessions; two `connect()`s are two instances of the service.
 */
export function describeSessionStore(name: string, harness: () => HandoffBackendHarness): void {
  describe(`SessionStore contract: ${name}`, () => {
    let clock = 0;
    const store = async (): Promise<SessionStore> => (await harness().connect({ sessions: { now: () => clock } })).sessions;

    beforeEach(async () => {
      clock = Date.parse('2026-11-24T01:00:00.000Z');
      await harness().reset();
    });
    afterEach(async () => harness().disconnectAll());

    it('starts a session for a random token and stores only its hash', async () => {
      const s = await store();
      const { token, csrfToken } = await s.create('cso.andi');
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(csrfToken).not.toBe(token);
      expect(await s.get(token)).toEqual({ username: 'cso.andi', csrfToken });
      const rows = await harness().sessionRows();
      expect(rows).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{64}$/), username: 'cso.andi', csrf_token: csrfToken, created_at: clock, last_seen: clock }]);
      expect(JSON.stringify(rows)).not.toContain(token);
      const other = await s.create('cso.andi');
      expect(other.token).not.toBe(token);
    });

    it('knows no session for an unknown, empty or oversized token', async () => {
      const s = await store();
      await s.create('cso.andi');
      expect(await s.get('forged-token')).toBeNull();
      expect(await s.get('')).toBeNull();
      expect(await s.get('x'.repeat(10_000))).toBeNull();
      await s.destroy('');
      await s.destroy('x'.repeat(10_000));
      await s.destroy('forged-token');
      expect(await harness().sessionRows()).toHaveLength(1);
    });

    it('ends a session left idle too long, and every session after its lifetime', async () => {
      const s = await store();
      const { token, csrfToken } = await s.create('cso.andi');
      for (let i = 0; i < 3; i++) {
        clock += 7 * HOUR;
        expect(await s.get(token)).toEqual({ username: 'cso.andi', csrfToken });
      }
      clock += 3 * HOUR + 1; // 24 hours and 1 ms after sign-in
      expect(await s.get(token)).toBeNull();
      // An expired session presented is deleted.
      expect(await harness().sessionRows()).toEqual([]);

      const idle = await s.create('cso.budi');
      clock += 8 * HOUR - 1;
      expect(await s.get(idle.token)).not.toBeNull();
      clock += 8 * HOUR;
      expect(await s.get(idle.token)).toBeNull();
    });

    it('records use at most once a minute', async () => {
      const s = await store();
      const { token } = await s.create('cso.andi');
      const signedIn = clock;
      clock += 30_000;
      await s.get(token);
      expect((await harness().sessionRows())[0]?.last_seen).toBe(signedIn);
      clock += MINUTE;
      await s.get(token);
      expect((await harness().sessionRows())[0]?.last_seen).toBe(clock);
    });

    it('names the officers at the console: sessions used in the last five minutes, each officer once', async () => {
      const s = await store();
      const andi = await s.create('cso.andi');
      await s.create('cso.andi');
      await s.create('cso.budi');
      expect(await s.online()).toEqual(['cso.andi', 'cso.budi']);
      clock += 4 * MINUTE;
      await s.get(andi.token); // the console's event stream pings
      clock += 2 * MINUTE;
      expect(await s.online()).toEqual(['cso.andi']);
      clock += 5 * MINUTE;
      expect(await s.online()).toEqual([]);
    });

    it('ends one session, or every session of an officer', async () => {
      const s = await store();
      const a1 = await s.create('cso.andi');
      const a2 = await s.create('cso.andi');
      const a3 = await s.create('cso.andi');
      const b = await s.create('cso.budi');
      await s.destroy(a1.token);
      expect(await s.get(a1.token)).toBeNull();
      expect(await s.get(a2.token)).not.toBeNull();
      expect(await s.destroyAllOf('cso.andi')).toBe(2);
      expect(await s.get(a3.token)).toBeNull();
      expect(await s.get(b.token)).not.toBeNull();
      expect(await s.destroyAllOf('cso.andi')).toBe(0);
    });

    it('sweeps expired sessions when a new one starts', async () => {
      const s = await store();
      await s.create('cso.andi');
      await s.create('cso.budi');
      clock += 9 * HOUR;
      await s.create('cso.citra');
      expect((await harness().sessionRows()).map((r) => r.username)).toEqual(['cso.citra']);
    });

    it('shares sessions between instances: signed in on one, signed out on the other', async () => {
      const [a, b] = [await store(), await store()];
      const { token, csrfToken } = await a.create('cso.andi');
      expect(await b.get(token)).toEqual({ username: 'cso.andi', csrfToken });
      await b.destroy(token);
      expect(await a.get(token)).toBeNull();
      const again = await a.create('cso.andi');
      expect(await b.destroyAllOf('cso.andi')).toBe(1);
      expect(await a.get(again.token)).toBeNull();
    });
  });
}
