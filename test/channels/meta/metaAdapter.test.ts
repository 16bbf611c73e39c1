import { describe, expect, it, vi } from 'vitest';
import { MessageFactory, TurnContext } from 'botbuilder';
import { entryPointOf, type EntryPoint } from '../../../src/bot/entryPoint.js';
import { MetaAdapter, WindowClosedError, type ChannelOutbound } from '../../../src/channels/meta/metaAdapter.js';
import { GraphApiError } from '../../../src/channels/meta/graphErrors.js';
import type { InboundMessage, OutboundReply } from '../../../src/channels/meta/types.js';
import { ContactWindowStore } from '../../../src/storage/contactWindowStore.js';
import { openSqliteDatabase } from '../../../src/storage/database.js';
import { SendLedger } from '../../../src/storage/sendLedger.js';

const HOUR = 60 * 60 * 1000;

function setup(channel: 'whatsapp' | 'messenger', failWith?: GraphApiError) {
  const sent: Array<{ userId: string; reply: OutboundReply; humanAgent: boolean }> = [];
  const outbound: ChannelOutbound = {
    supportsHumanAgentTag: channel === 'messenger',
    async send(userId, reply, { humanAgent }) {
      if (failWith) throw failWith;
      sent.push({ userId, reply, humanAgent });
      return ['id-1'];
    },
  };
  let now = Date.parse('2026-11-24T10:00:00Z');
  const windows = new ContactWindowStore(openSqliteDatabase(':memory:').db);
  const adapter = new MetaAdapter({ channel, outbound, windows, fetchMedia: async () => Buffer.alloc(0), now: () => now });
  return { adapter, sent, windows, advance: (ms: number) => (now += ms), now: () => now };
}

const message = (at: number, text = 'halo'): InboundMessage => ({
  channel: 'whatsapp',
  accountId: 'PNID',
  userId: '6281234567890',
  messageId: `wamid.${at}`,
  timestamp: at,
  profileName: 'Budi',
  content: { kind: 'text', text },
});

describe('MetaAdapter', () => {
  it('turns an inbound message into a message activity and its replies into channel sends', async () => {
    const { adapter, sent, now } = setup('whatsapp');
    let seen: TurnContext['activity'] | undefined;
    await adapter.processMessage(message(now()), async (ctx) => {
      seen = ctx.activity;
      await ctx.sendActivity(MessageFactory.suggestedActions([{ type: 'imBack', title: 'Ya', value: 'ya' }], 'Lanjut?'));
    });
    expect(seen).toMatchObject({ type: 'message', channelId: 'whatsapp', text: 'halo', id: `wamid.${now()}`, conversation: { id: '6281234567890' } });
    expect(sent).toEqual([{ userId: '6281234567890', reply: { text: 'Lanjut?', choices: [{ title: 'Ya', value: 'ya' }], locale: 'id' }, humanAgent: false }]);
  });

  it('sends proactively inside the 24-hour window and refuses (and records) outside it', async () => {
    const { adapter, sent, windows, advance, now } = setup('whatsapp');
    await adapter.processMessage(message(now()), async () => undefined);
    advance(23 * HOUR);
    await adapter.continueConversation({ conversation: { id: '6281234567890', isGroup: false, conversationType: 'personal', name: '' }, channelId: 'whatsapp' }, async (ctx) => {
      await ctx.sendActivity('Update tiket Anda');
    });
    expect(sent).toHaveLength(1);
    advance(2 * HOUR);
    const attempt = adapter.continueConversation({ conversation: { id: '6281234567890', isGroup: false, conversationType: 'personal', name: '' } }, async (ctx) => {
      await ctx.sendActivity('Terlambat');
    });
    await expect(attempt).rejects.toBeInstanceOf(WindowClosedError);
    expect(sent).toHaveLength(1);
    expect((await windows.failures('whatsapp', '6281234567890')).map((f) => f.reason)).toEqual(['windowClosed']);
  });

  it('lets a human officer write with the human-agent tag for 7 days on Messenger', async () => {
    const { adapter, sent, advance, now } = setup('messenger');
    await adapter.processMessage({ ...message(now()), channel: 'messenger' }, async () => undefined);
    advance(3 * 24 * HOUR);
    const ref = { conversation: { id: '6281234567890', isGroup: false, conversationType: 'personal', name: '' } };
    await adapter.continueConversation(ref, async (ctx) => {
      await ctx.sendActivity({ type: 'message', text: 'Halo, saya petugas PLN 123', channelData: { humanAgent: true } });
    });
    expect(sent[0]?.humanAgent).toBe(true);
    await expect(adapter.continueConversation(ref, async (ctx) => void (await ctx.sendActivity('bot text')))).rejects.toBeInstanceOf(WindowClosedError);
  });

  it('records a permanent Graph refusal as a delivery failure', async () => {
    const { adapter, windows, now } = setup('whatsapp', new GraphApiError('permanent', 400, 131026, null, 'undeliverable'));
    await expect(adapter.processMessage(message(now()), async (ctx) => void (await ctx.sendActivity('x')))).rejects.toBeInstanceOf(GraphApiError);
    expect(await windows.failures('whatsapp', '6281234567890')).toMatchObject([{ reason: 'permanent', detail: 'undeliverable' }]);
  });

  it('hands media to the bot as a deferred download and stickers as unsupported, in the turn state and not in the activity', async () => {
    const { adapter, now } = setup('whatsapp');
    const entries: EntryPoint[] = [];
    const channelData: unknown[] = [];
    const seen = async (ctx: TurnContext) => {
      entries.push(entryPointOf(ctx));
      channelData.push(ctx.activity.channelData);
    };
    await adapter.processMessage({ ...message(now()), content: { kind: 'media', media: { kind: 'whatsappMedia', id: 'MID' } } }, seen);
    await adapter.processMessage({ ...message(now() + 1), messageId: 'w2', content: { kind: 'unsupported', what: 'sticker' } }, seen);
    expect(entries[0]).toMatchObject({ kind: 'meta', channel: 'whatsapp', photoSource: { kind: 'download' } });
    expect(entries[1]).toEqual({ kind: 'meta', channel: 'whatsapp', unsupported: 'sticker' });
    expect(channelData).toEqual([undefined, undefined]);
  });

  it('knows the window another adapter on the same store opened (another instance)', async () => {
    const { adapter: a, now } = setup('whatsapp');
    const windows = new ContactWindowStore(openSqliteDatabase(':memory:').db);
    const sent: string[] = [];
    const outbound: ChannelOutbound = { supportsHumanAgentTag: false, send: async (_userId, reply) => [String(sent.push(reply.text))] };
    const first = new MetaAdapter({ channel: 'whatsapp', outbound, windows, fetchMedia: async () => Buffer.alloc(0), now });
    const second = new MetaAdapter({ channel: 'whatsapp', outbound, windows, fetchMedia: async () => Buffer.alloc(0), now });
    expect(await second.windowOpen('6281234567890')).toBe(false);
    await first.processMessage(message(now()), async () => undefined);
    expect(await second.windowOpen('6281234567890')).toBe(true);
    await second.continueConversation({ conversation: { id: '6281234567890', isGroup: false, conversationType: 'personal', name: '' } }, async (ctx) => {
      await ctx.sendActivity('Balasan petugas');
    });
    expect(sent).toEqual(['Balasan petugas']);
    // The setup's own adapter has its own store: it never saw the message.
    expect(await a.windowOpen('6281234567890')).toBe(false);
  });

  it('throws the send\'s own error when the failure cannot be recorded, and reports that', async () => {
    const reported: unknown[] = [];
    const windows = new ContactWindowStore(openSqliteDatabase(':memory:').db);
    windows.recordFailure = async () => {
      throw new Error('database unreachable');
    };
    const outbound: ChannelOutbound = {
      supportsHumanAgentTag: false,
      send: async () => {
        throw new GraphApiError('permanent', 400, 131026, null, 'undeliverable');
      },
    };
    const now = () => Date.parse('2026-11-24T10:00:00Z');
    const adapter = new MetaAdapter({ channel: 'whatsapp', outbound, windows, fetchMedia: async () => Buffer.alloc(0), now, onRecordError: (err) => reported.push(err) });
    await expect(adapter.processMessage(message(now()), async (ctx) => void (await ctx.sendActivity('x')))).rejects.toBeInstanceOf(GraphApiError);
    // Someone who never wrote: the window is closed, and that is what the caller learns.
    const closed = adapter.continueConversation({ conversation: { id: '6289999999999', isGroup: false, conversationType: 'personal', name: '' } }, async (ctx) => {
      await ctx.sendActivity('x');
    });
    await expect(closed).rejects.toBeInstanceOf(WindowClosedError);
    expect(reported.map((e) => (e as Error).message)).toEqual(['database unreachable', 'database unreachable']);
  });

  it('sends again, for a turn recovered after a crash, only the replies that never left, or that Graph refused for now', async () => {
    const { db } = openSqliteDatabase(':memory:');
    const windows = new ContactWindowStore(db);
    const at = Date.parse('2026-11-24T10:00:00Z');
    const replies = ['Terima kasih', 'Nama usaha?', 'Kota?', 'Provinsi?'];
    const turn = async (adapter: MetaAdapter, recovered: boolean) =>
      adapter.processMessage(message(at), async (ctx) => void (await ctx.sendActivities(replies.map((text, i) => ({ type: 'message', text, channelData: { dedupeId: `whatsapp:6281234567890:wamid.${at}:${i}` } })))), { recovered }).catch((err: unknown) => err);

    // The first process: Graph takes reply 0, refuses reply 1 for now (retries ran out), and the
    // process dies during the call for reply 2 (it never returns); reply 3 is never attempted.
    const firstTries: string[] = [];
    const dying: ChannelOutbound = {
      supportsHumanAgentTag: false,
      async send(_userId, reply) {
        firstTries.push(reply.text);
        if (reply.text === replies[1]) throw new GraphApiError('transient', 500, 2, null, 'temporarily unavailable');
        if (reply.text === replies[2]) return new Promise<string[]>(() => undefined);
        return ['wamid.OUT'];
      },
    };
    const killed = new MetaAdapter({ channel: 'whatsapp', outbound: dying, windows, ledger: new SendLedger(db), fetchMedia: async () => Buffer.alloc(0), now: () => at });
    expect(await turn(killed, false)).toBeInstanceOf(GraphApiError);
    expect(firstTries).toEqual(replies.slice(0, 2));
    // (A refused reply ends its turn's batch: send the rest of the turn as a recovered one would.)
    void killed.sendActivities(
      new TurnContext(killed, { type: 'message', conversation: { id: '6281234567890', isGroup: false, conversationType: 'personal', name: '' } }),
      replies.slice(2).map((text, i) => ({ type: 'message', text, channelData: { dedupeId: `whatsapp:6281234567890:wamid.${at}:${i + 2}` } })),
    );
    await vi.waitFor(() => expect(firstTries).toEqual(replies.slice(0, 3)));

    // The next process on the same database: the message comes back from the webhook inbox and its
    // committed replies are handed over again.
    const sent: string[] = [];
    const working: ChannelOutbound = { supportsHumanAgentTag: false, send: async (_userId, reply) => [String(sent.push(reply.text))] };
    const restarted = new MetaAdapter({ channel: 'whatsapp', outbound: working, windows, ledger: new SendLedger(db), fetchMedia: async () => Buffer.alloc(0), now: () => at });
    await turn(restarted, true);
    // Reply 0 was sent and reply 2 may have been (its call was under way): neither goes again.
    expect(sent).toEqual([replies[1], replies[3]]);
  });
});
