import { describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../../src/channels/meta/types.js';
import { GatedWebhookInbox } from '../../../src/channels/meta/webhookGate.js';
import type { WebhookInbox } from '../../../src/channels/meta/webhookInbox.js';
import { RedisUnavailableError } from '../../../src/storage/redis/errors.js';

const message = (id: string): InboundMessage => ({ channel: 'whatsapp', accountId: 'acc', userId: '628111', messageId: id, timestamp: 0, content: { kind: 'text', text: 'halo' } });

/** An in-memory redelivery set and inbox, each able to fail. */
function setup() {
  const claims = new Map<string, 'pending' | 'done'>();
  const calls: string[] = [];
  const state = { redisDown: false, dbDown: false };
  const dedupe = {
    async claim(id: string) {
      if (state.redisDown) throw new RedisUnavailableError('dedupe claim');
      if (claims.has(id)) return false;
      claims.set(id, 'pending');
      return true;
    },
    async complete(id: string) {
      calls.push(`complete ${id}`);
      claims.set(id, 'done');
    },
    async release(id: string) {
      calls.push(`release ${id}`);
      claims.delete(id);
    },
  };
  const recorded: string[] = [];
  const inner: WebhookInbox = {
    async record(messages) {
      if (state.dbDown) throw new Error('database down');
      recorded.push(...messages.map((m) => m.messageId));
    },
    done: async () => undefined,
    pending: async () => [],
    purge: async () => 0,
  };
  const duplicates: string[] = [];
  const warnings: string[] = [];
  const gate = new GatedWebhookInbox(inner, { dedupe, log: { warn: (_o: object, msg: string) => void warnings.push(msg) }, onDuplicate: (c) => void duplicates.push(c) });
  return { gate, claims, calls, state, recorded, duplicates, warnings };
}

describe('GatedWebhookInbox (Redis redelivery set in front of the webhook inbox)', () => {
  it('records and admits fresh messages, completing their claims; drops a redelivery before the database', async () => {
    const { gate, claims, recorded, duplicates } = setup();
    expect((await gate.admit([message('m1'), message('m2')])).map((m) => m.messageId)).toEqual(['m1', 'm2']);
    expect(claims.get('whatsapp:m1')).toBe('done');
    expect((await gate.admit([message('m2'), message('m3')])).map((m) => m.messageId)).toEqual(['m3']);
    expect(await gate.admit([message('m1')])).toEqual([]);
    expect(recorded).toEqual(['m1', 'm2', 'm3']);
    expect(duplicates).toEqual(['whatsapp', 'whatsapp']);
  });

  it('releases the claims when the database cannot record them, so the redelivery gets through', async () => {
    const { gate, state, calls, recorded } = setup();
    state.dbDown = true;
    await expect(gate.admit([message('m1')])).rejects.toThrow('database down');
    expect(calls).toEqual(['release whatsapp:m1']);
    state.dbDown = false;
    expect((await gate.admit([message('m1')])).map((m) => m.messageId)).toEqual(['m1']);
    expect(recorded).toEqual(['m1']);
  });

  it('lets everything through to the database while Redis is down (warning once), never failing the webhook', async () => {
    const { gate, state, recorded, warnings } = setup();
    state.redisDown = true;
    expect((await gate.admit([message('m1')])).map((m) => m.messageId)).toEqual(['m1']);
    expect((await gate.admit([message('m1')])).map((m) => m.messageId)).toEqual(['m1']);
    expect(recorded).toEqual(['m1', 'm1']);
    expect(warnings).toHaveLength(1);
  });
});
