import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContactWindowStore, DeliveryFailure } from '../../src/storage/contactWindowStore.js';
import type { ChannelStoresHarness } from './channelBackends.js';

const T0 = Date.parse('2026-11-24T01:00:00.000Z');
const HOUR = 60 * 60 * 1000;
/** A WhatsApp-like user id no other test uses. */
const user = () => `62812${randomUUID().replace(/-/g, '').slice(0, 12)}`;

/**
 * The behaviour every ContactWindowStore must have (Meta's 24-hour windows and the undeliverable
 * replies), run against SQLite and PostgreSQL. Two `connect()`s are two instances of the service
 * on one database.
 */
export function describeContactWindowStore(name: string, harness: () => ChannelStoresHarness): void {
  describe(`ContactWindowStore contract: ${name}`, () => {
    const store = async (onFailure?: (f: Omit<DeliveryFailure, 'at'>) => void): Promise<ContactWindowStore> =>
      (await harness().connect(onFailure ? { windows: { onFailure } } : {})).windows;

    afterEach(async () => harness().disconnectAll());

    it('knows no window for a user who never wrote', async () => {
      const s = await store();
      expect(await s.lastInbound('whatsapp', user())).toBeNull();
    });

    it('keeps the latest inbound time, to the millisecond', async () => {
      const s = await store();
      const u = user();
      await s.touch('whatsapp', u, T0);
      expect(await s.lastInbound('whatsapp', u)).toBe(T0);
      await s.touch('whatsapp', u, T0 + 2 * HOUR + 7);
      expect(await s.lastInbound('whatsapp', u)).toBe(T0 + 2 * HOUR + 7);
    });

    it('never moves the window back: a late, older message leaves it where it is', async () => {
      const s = await store();
      const u = user();
      await s.touch('whatsapp', u, T0 + 5 * HOUR);
      await s.touch('whatsapp', u, T0);
      await s.touch('whatsapp', u, T0 + 5 * HOUR - 1);
      expect(await s.lastInbound('whatsapp', u)).toBe(T0 + 5 * HOUR);
    });

    it('keeps the newest of concurrent touches from two instances', async () => {
      const [a, b] = [await store(), await store()];
      const u = user();
      const times = Array.from({ length: 40 }, (_, i) => T0 + ((i * 7919) % 40) * 1000);
      await Promise.all(times.map((t, i) => (i % 2 ? a : b).touch('messenger', u, t)));
      const newest = Math.max(...times);
      expect(await a.lastInbound('messenger', u)).toBe(newest);
      expect(await b.lastInbound('messenger', u)).toBe(newest);
    });

    it('keeps one window per channel and user', async () => {
      const s = await store();
      const u = user();
      await s.touch('whatsapp', u, T0);
      await s.touch('messenger', u, T0 + HOUR);
      expect(await s.lastInbound('whatsapp', u)).toBe(T0);
      expect(await s.lastInbound('messenger', u)).toBe(T0 + HOUR);
      expect(await s.lastInbound('instagram', u)).toBeNull();
      expect(await s.lastInbound('whatsapp', user())).toBeNull();
    });

    it("sees another instance's windows at once", async () => {
      const [a, b] = [await store(), await store()];
      const u = user();
      await a.touch('whatsapp', u, T0);
      expect(await b.lastInbound('whatsapp', u)).toBe(T0);
      await b.touch('whatsapp', u, T0 + HOUR);
      expect(await a.lastInbound('whatsapp', u)).toBe(T0 + HOUR);
    });

    it('lists no failures for a user with none', async () => {
      const s = await store();
      expect(await s.failures('whatsapp', user())).toEqual([]);
    });

    it('lists failures per user and channel, in the order they were recorded, by whichever instance', async () => {
      const [a, b] = [await store(), await store()];
      const [u, other] = [user(), user()];
      await a.recordFailure({ channel: 'whatsapp', userId: u, reason: 'windowClosed', detail: 'first' }, new Date(T0 + 3000));
      await b.recordFailure({ channel: 'whatsapp', userId: other, reason: 'permanent', detail: 'not theirs' }, new Date(T0));
      await b.recordFailure({ channel: 'whatsapp', userId: u, reason: 'permanent', detail: 'second' }, new Date(T0 + 1000));
      await a.recordFailure({ channel: 'messenger', userId: u, reason: 'auth', detail: 'other channel' }, new Date(T0));
      await a.recordFailure({ channel: 'whatsapp', userId: u, reason: 'exhausted', detail: 'third' }, new Date(T0 + 2000));
      const expected: DeliveryFailure[] = [
        { channel: 'whatsapp', userId: u, reason: 'windowClosed', detail: 'first', at: '2026-11-24T01:00:03.000Z' },
        { channel: 'whatsapp', userId: u, reason: 'permanent', detail: 'second', at: '2026-11-24T01:00:01.000Z' },
        { channel: 'whatsapp', userId: u, reason: 'exhausted', detail: 'third', at: '2026-11-24T01:00:02.000Z' },
      ];
      expect(await a.failures('whatsapp', u)).toEqual(expected);
      expect(await b.failures('whatsapp', u)).toEqual(expected);
      expect((await b.failures('messenger', u)).map((f) => f.detail)).toEqual(['other channel']);
      expect((await a.failures('whatsapp', other)).map((f) => f.detail)).toEqual(['not theirs']);
    });

    it('stamps a failure with the current time by default', async () => {
      const s = await store();
      const u = user();
      const before = Date.now();
      await s.recordFailure({ channel: 'whatsapp', userId: u, reason: 'permanent', detail: 'x' });
      const [failure] = await s.failures('whatsapp', u);
      expect(failure?.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(failure?.at ?? '')).toBeGreaterThanOrEqual(before);
      expect(Date.parse(failure?.at ?? '')).toBeLessThanOrEqual(Date.now());
    });

    it('keeps at most 500 characters of a detail, without NUL characters', async () => {
      const s = await store();
      const u = user();
      await s.recordFailure({ channel: 'whatsapp', userId: u, reason: 'permanent', detail: `Graph said\u0000 no: ${'é'.repeat(600)}` });
      const [failure] = await s.failures('whatsapp', u);
      expect(failure?.detail).toBe(`Graph said no: ${'é'.repeat(500 - 'Graph said no: '.length)}`);
    });

    it('keys a user id holding a NUL character the same way on writing and reading', async () => {
      const s = await store();
      const u = `${user()}\u0000x`;
      await s.touch('whatsapp', u, T0);
      await s.recordFailure({ channel: 'whatsapp', userId: u, reason: 'windowClosed', detail: 'd' }, new Date(T0));
      expect(await s.lastInbound('whatsapp', u)).toBe(T0);
      expect((await s.failures('whatsapp', u)).map((f) => f.reason)).toEqual(['windowClosed']);
    });

    it('tells onFailure about each failure recorded, as given', async () => {
      const told: Array<Omit<DeliveryFailure, 'at'>> = [];
      const s = await store((f) => told.push(f));
      const u = user();
      await s.recordFailure({ channel: 'instagram', userId: u, reason: 'windowClosed', detail: 'outside the window' });
      await s.recordFailure({ channel: 'instagram', userId: u, reason: 'auth', detail: 'token expired' });
      expect(told).toEqual([
        { channel: 'instagram', userId: u, reason: 'windowClosed', detail: 'outside the window' },
        { channel: 'instagram', userId: u, reason: 'auth', detail: 'token expired' },
      ]);
    });
  });
}
