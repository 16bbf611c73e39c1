import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../../src/core/transcript.js';
import type { ConversationStore, StoredConversation } from '../../src/storage/conversationStore.js';

/** Whether the store recorded message `id` as processed (what a turn reads first, ConversationStore.loadTurn). */
export const processed = async (store: ConversationStore, id: string) => (await store.loadTurn(id, 'any conversation')).processed;

export interface StoreHandle {
  store: ConversationStore;
  /** The conversation's transcript as the officers' console reads it (the handoff store of the same database). */
  transcript(conversationKey: string): Promise<TranscriptEntry[]>;
  close(): Promise<void>;
}

/** A snapshot shaped like XState's persisted one, with the kinds of values the dialogs keep. */
function snapshotOf(step: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    status: 'active',
    value: { application: step },
    historyValue: {},
    children: {},
    context: {
      channel: 'whatsapp',
      locale: 'id',
      form: { name: 'Siti Rahayu', businessName: 'Kopi Nusantara', phone: '+6281234567890' },
      attempts: 0,
      score: -1.25,
      confirmed: false,
      photo: null,
      tags: ['seller', 'jakarta'],
      nested: { a: { b: { c: [1, [2, [3, {}]]] } } },
      ...extra,
    },
  };
}

/** A turn with state only (no transcript lines, no replies); its outcome. */
const saveTurn = async (store: ConversationStore, conversationKey: string, state: StoredConversation, messageId: string | null) =>
  (await store.commitTurn({ conversationKey, state, messageId })).outcome;

/** A turn with neither state nor lines: records a message as processed (a message held for the officer). */
const markProcessed = async (store: ConversationStore, messageId: string) => {
  await store.commitTurn({ conversationKey: '', state: null, messageId });
};

/**
 * The behaviour every ConversationStore must have, run against each implementation. `makeStore`
 * opens a new store on the same database each call (a second call is a restart, or a second
 * instance of the service); keys are random, so tests share that database without clashing.
 */
export function describeConversationStore(name: string, makeStore: () => Promise<StoreHandle>): void {
  describe(`ConversationStore contract: ${name}`, () => {
    const handles = new Set<StoreHandle>();
    const open = async (): Promise<StoreHandle> => {
      const handle = await makeStore();
      handles.add(handle);
      return handle;
    };
    const close = async (handle: StoreHandle): Promise<void> => {
      handles.delete(handle);
      await handle.close();
    };
    const newStore = async () => (await open()).store;
    const key = () => `whatsapp:${randomUUID()}`;
    const messageId = (conversationKey: string) => `${conversationKey}:wamid.${randomUUID()}`;

    afterEach(async () => {
      await Promise.all([...handles].map((h) => close(h)));
    });

    it('commits a turn at once: the message id, the state and the transcript lines, in order', async () => {
      const handle = await open();
      const k = key();
      const id = messageId(k);
      const at = new Date('2026-11-24T03:04:05.000Z');
      const committed = await handle.store.commitTurn({
        conversationKey: k,
        state: { machineVersion: 3, snapshot: snapshotOf('askCity') },
        messageId: id,
        transcript: [
          { conversationKey: k, from: 'customer', text: 'Keripik\u0000 Bu Sri', officer: null },
          { conversationKey: k, from: 'bot', text: 'Di kota mana usaha Anda?', officer: null },
        ],
        at,
      });
      expect(committed.outcome).toBe('saved');
      expect(committed.transcript.map((e) => [e.from, e.text, e.at])).toEqual([
        ['customer', 'Keripik Bu Sri', at.toISOString()],
        ['bot', 'Di kota mana usaha Anda?', at.toISOString()],
      ]);
      expect(committed.transcript[0]!.id).toBeLessThan(committed.transcript[1]!.id);
      expect(await handle.transcript(k)).toEqual(committed.transcript);
      expect((await handle.store.loadTurn(id, k)).processed).toBe(true);
      expect((await handle.store.load(k))?.machineVersion).toBe(3);
    });

    it('keeps the replies committed with a turn, for a message processed again after an interruption', async () => {
      const handle = await open();
      const k = key();
      const id = messageId(k);
      const replies = { locale: 'en', replies: [{ key: 'fields.city.question' }, { key: 'summary', vars: { name: 'Siti\u0000 Rahayu', n: 2 }, choices: [{ value: 'kirim', key: 'choices.send' }] }] };
      await handle.store.commitTurn({ conversationKey: k, state: { machineVersion: 1, snapshot: snapshotOf('askCity') }, messageId: id, replies });
      expect(await handle.store.repliesOf(id)).toEqual(replies);
      const silent = messageId(k);
      await handle.store.commitTurn({ conversationKey: k, state: null, messageId: silent, replies: { locale: 'id', replies: [] } });
      expect(await handle.store.repliesOf(silent)).toBeNull();
      expect(await handle.store.repliesOf(`never:${randomUUID()}`)).toBeNull();
    });

    it('writes no transcript line for a duplicate turn, and only lines and the id for a held message', async () => {
      const handle = await open();
      const k = key();
      const id = messageId(k);
      const line = (text: string) => ({ conversationKey: k, from: 'customer' as const, text, officer: null });
      await handle.store.commitTurn({ conversationKey: k, state: { machineVersion: 1, snapshot: snapshotOf('askName') }, messageId: id, transcript: [line('first')] });
      const again = await handle.store.commitTurn({ conversationKey: k, state: { machineVersion: 2, snapshot: snapshotOf('other') }, messageId: id, transcript: [line('again')] });
      expect(again).toEqual({ outcome: 'duplicate', transcript: [] });

      const held = messageId(k);
      const kept = await handle.store.commitTurn({ conversationKey: k, state: null, messageId: held, transcript: [line('to the officer')] });
      expect(kept.outcome).toBe('saved');
      expect((await handle.transcript(k)).map((e) => e.text)).toEqual(['first', 'to the officer']);
      expect((await handle.store.loadTurn(held, k)).processed).toBe(true);
      expect(await handle.store.load(k)).toEqual({ machineVersion: 1, snapshot: snapshotOf('askName') });
    });

    it('writes nothing of a turn whose transcript line cannot be stored: the redelivery is handled', async () => {
      const handle = await open();
      const k = key();
      const id = messageId(k);
      const bad = { conversationKey: k, from: 'robot' as 'bot', text: 'refused by the sender check', officer: null };
      await expect(handle.store.commitTurn({ conversationKey: k, state: { machineVersion: 1, snapshot: snapshotOf('askName') }, messageId: id, transcript: [bad] })).rejects.toThrow();
      expect((await handle.store.loadTurn(id, k)).processed).toBe(false);
      expect(await handle.store.load(k)).toBeNull();
      expect(await handle.transcript(k)).toEqual([]);
    });

    it('knows nothing of a conversation or message never saved', async () => {
      const store = await newStore();
      expect(await store.load(key())).toBeNull();
      expect((await store.loadTurn(`never:${randomUUID()}`, key())).processed).toBe(false);
    });

    it('reads what a turn needs first in one go: whether its message was processed, and the state as stored', async () => {
      const store = await newStore();
      const k = key();
      const unknown = `never:${randomUUID()}`;
      expect(await store.loadTurn(unknown, k)).toEqual({ processed: false, state: null, held: false });
      expect(await store.loadTurn(null, k)).toEqual({ processed: false, state: null, held: false });
      const id = messageId(k);
      const state: StoredConversation = { machineVersion: 4, snapshot: snapshotOf('askCity') };
      expect(await saveTurn(store, k, state, id)).toBe('saved');
      for (const read of [await store.loadTurn(id, k), await store.loadTurn(unknown, k), await store.loadTurn(null, k)]) {
        expect(read.state?.machineVersion).toBe(4);
        // The stored text on both databases (what the engine compares with its kept actor before parsing).
        expect(typeof read.state?.json).toBe('string');
        expect(JSON.parse(read.state?.json as string)).toEqual(state.snapshot);
      }
      expect((await store.loadTurn(id, k)).processed).toBe(true);
      expect((await store.loadTurn(unknown, k)).processed).toBe(false);
      expect((await store.loadTurn(id, key())).processed).toBe(true); // the id is the message's, whatever conversation asks
    });

    it('round-trips a snapshot and its machine version', async () => {
      const store = await newStore();
      const k = key();
      const state: StoredConversation = { machineVersion: 7, snapshot: snapshotOf('askName') };
      expect(await saveTurn(store, k, state, messageId(k))).toBe('saved');
      expect(await store.load(k)).toEqual(state);
    });

    it('replaces the state and the machine version on the next turn, per conversation', async () => {
      const store = await newStore();
      const [a, b] = [key(), key()];
      await saveTurn(store, a, { machineVersion: 1, snapshot: snapshotOf('askName') }, messageId(a));
      await saveTurn(store, b, { machineVersion: 1, snapshot: snapshotOf('askCity') }, messageId(b));
      await saveTurn(store, a, { machineVersion: 2, snapshot: snapshotOf('confirm') }, messageId(a));
      expect(await store.load(a)).toEqual({ machineVersion: 2, snapshot: snapshotOf('confirm') });
      expect(await store.load(b)).toEqual({ machineVersion: 1, snapshot: snapshotOf('askCity') });
    });

    it('keeps text exactly as customers may send it (NUL, cut emoji, RTL, escapes)', async () => {
      const store = await newStore();
      const k = key();
      const awkward = ['nul\u0000inside', 'cut emoji \ud83d', 'lone low \ude00 surrogate', 'emoji 😀👍🏽', 'مرحبا', 'quote " back\\slash \n\t', '\u2028\u2029'];
      const state = { machineVersion: 1, snapshot: snapshotOf('askDescription', { lastText: awkward, [awkward[0] ?? '']: 'as a key' }) };
      expect(await saveTurn(store, k, state, messageId(k))).toBe('saved');
      expect(JSON.stringify(await store.load(k))).toBe(JSON.stringify(state));
    });

    it('records the message id with the turn; a turn without one saves the state only', async () => {
      const store = await newStore();
      const k = key();
      const id = messageId(k);
      expect(await processed(store, id)).toBe(false);
      await saveTurn(store, k, { machineVersion: 1, snapshot: snapshotOf('askName') }, id);
      expect(await processed(store, id)).toBe(true);

      // Officer-side events (taken over, handed back) carry no message id.
      expect(await saveTurn(store, k, { machineVersion: 1, snapshot: snapshotOf('withOfficer') }, null)).toBe('saved');
      expect(await saveTurn(store, k, { machineVersion: 1, snapshot: snapshotOf('resumed') }, null)).toBe('saved');
      expect(await store.load(k)).toEqual({ machineVersion: 1, snapshot: snapshotOf('resumed') });
    });

    it('records a held message without touching the state, and may be repeated', async () => {
      const store = await newStore();
      const k = key();
      const id = messageId(k);
      await markProcessed(store, id);
      await markProcessed(store, id);
      expect(await processed(store, id)).toBe(true);
      expect(await store.load(k)).toBeNull();
    });

    it('recognises state and processed messages after a restart', async () => {
      const first = await open();
      const k = key();
      const [turn, held] = [messageId(k), messageId(k)];
      await saveTurn(first.store, k, { machineVersion: 3, snapshot: snapshotOf('askCity') }, turn);
      await markProcessed(first.store, held);
      await close(first);

      const second = await newStore();
      expect(await second.load(k)).toEqual({ machineVersion: 3, snapshot: snapshotOf('askCity') });
      expect(await processed(second, turn)).toBe(true);
      expect(await processed(second, held)).toBe(true);
    });

    it('does not save a turn whose message was already processed: the first state stands', async () => {
      const store = await newStore();
      const k = key();
      const id = messageId(k);
      expect(await saveTurn(store, k, { machineVersion: 1, snapshot: snapshotOf('first') }, id)).toBe('saved');
      expect(await saveTurn(store, k, { machineVersion: 2, snapshot: snapshotOf('second') }, id)).toBe('duplicate');
      expect(await store.load(k)).toEqual({ machineVersion: 1, snapshot: snapshotOf('first') });

      // Handed to the officer by one instance, then stepped by another: the bot's state is not written.
      const other = key();
      const held = messageId(other);
      await markProcessed(store, held);
      expect(await saveTurn(store, other, { machineVersion: 1, snapshot: snapshotOf('askName') }, held)).toBe('duplicate');
      expect(await store.load(other)).toBeNull();
    });

    it('keeps exactly one of two instances saving the same redelivered message at once', async () => {
      const [a, b] = [await newStore(), await newStore()];
      for (let i = 0; i < 10; i++) {
        const k = key();
        const id = messageId(k);
        const stateA = { machineVersion: 1, snapshot: snapshotOf('byA') };
        const stateB = { machineVersion: 1, snapshot: snapshotOf('byB') };
        const outcomes = await Promise.all([saveTurn(a, k, stateA, id), saveTurn(b, k, stateB, id)]);
        expect([...outcomes].sort()).toEqual(['duplicate', 'saved']);
        expect(await a.load(k)).toEqual(outcomes[0] === 'saved' ? stateA : stateB);
      }
    });

    it('saves a large snapshot', async () => {
      const store = await newStore();
      const k = key();
      const transcript = Array.from({ length: 5000 }, (_, i) => ({ i, from: i % 2 ? 'bot' : 'customer', text: `pesan nomor ${i} 😀` }));
      const state = { machineVersion: 1, snapshot: snapshotOf('big', { transcript, blob: 'x'.repeat(2 * 1024 * 1024) }) };
      expect(await saveTurn(store, k, state, messageId(k))).toBe('saved');
      expect(await store.load(k)).toEqual(state);
    });

    it('saves concurrent turns of different conversations independently', async () => {
      const [a, b] = [await newStore(), await newStore()];
      const turns = Array.from({ length: 40 }, (_, i) => {
        const k = key();
        return { k, id: messageId(k), state: { machineVersion: 1, snapshot: snapshotOf(`step${i}`, { i }) } };
      });
      const outcomes = await Promise.all(turns.map((t, i) => saveTurn(i % 2 ? a : b, t.k, t.state, t.id)));
      expect(outcomes.every((o) => o === 'saved')).toBe(true);
      for (const t of turns) {
        expect(await a.load(t.k)).toEqual(t.state);
        expect(await processed(b, t.id)).toBe(true);
      }
    });
  });
}
