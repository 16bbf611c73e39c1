import { randomUUID } from 'node:crypto';
import { TurnContext, type ConversationReference } from 'botbuilder';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationReferenceStore } from '../../src/storage/conversationReferenceStore.js';
import type { ChannelStoresHarness } from './channelBackends.js';

/** A conversation key no other test uses. */
const key = () => `webchat:${randomUUID()}`;

/** A reference as the bot saves it: from a Bot Framework activity, names as the channel sent them. */
function referenceOf(conversationId: string, userName = 'Siti Rahayu 🌺 "Toko Kopi" \\ ağ'): Partial<ConversationReference> {
  return TurnContext.getConversationReference({
    type: 'message',
    id: `act-${randomUUID()}`,
    channelId: 'webchat',
    serviceUrl: 'https://webchat.botframework.com/',
    locale: 'id-ID',
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '', tenantId: 'tenant-1' },
    from: { id: 'user-1', name: userName, role: 'user' },
    recipient: { id: 'pln123-bot', name: 'PLN 123', role: 'bot' },
  });
}

/**
 * The behaviour every ConversationReferenceStore must have (Bot Framework addresses for proactive
 * messages), run against SQLite and PostgreSQL. Two `connect()`s are two instances of the service
 * on one database.
 */
export function describeConversationReferenceStore(name: string, harness: () => ChannelStoresHarness): void {
  describe(`ConversationReferenceStore contract: ${name}`, () => {
    const store = async (): Promise<ConversationReferenceStore> => (await harness().connect()).references;

    afterEach(async () => harness().disconnectAll());

    it('knows no reference for a conversation never saved', async () => {
      const s = await store();
      expect(await s.get(key())).toBeNull();
    });

    it('gives back the reference exactly as saved', async () => {
      const s = await store();
      const k = key();
      const reference = referenceOf(k.slice('webchat:'.length));
      await s.save(k, reference);
      expect(await s.get(k)).toEqual(JSON.parse(JSON.stringify(reference)));
      expect(await s.get(key())).toBeNull();
    });

    it('keeps only the latest reference of a conversation', async () => {
      const s = await store();
      const k = key();
      await s.save(k, { ...referenceOf('c1'), serviceUrl: 'https://old.example/' });
      const latest = { ...referenceOf('c1', 'Budi'), serviceUrl: 'https://new.example/' };
      await s.save(k, latest);
      expect(await s.get(k)).toEqual(JSON.parse(JSON.stringify(latest)));
    });

    it("sees another instance's references and their overwrites", async () => {
      const [a, b] = [await store(), await store()];
      const k = key();
      const first = referenceOf('c2', 'Dewi');
      await a.save(k, first);
      expect(await b.get(k)).toEqual(JSON.parse(JSON.stringify(first)));
      const second = referenceOf('c2', 'Dewi Lestari');
      await b.save(k, second);
      expect(await a.get(k)).toEqual(JSON.parse(JSON.stringify(second)));
    });

    it('keeps a reference whose strings hold NUL characters, without them', async () => {
      const s = await store();
      const k = `${key()}\u0000`;
      await s.save(k, referenceOf('c3', 'Bu\u0000di'));
      expect((await s.get(k))?.user?.name).toBe('Budi');
    });
  });
}
