import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { SendLedger } from '../../src/storage/sendLedger.js';
import type { ChannelStoresHarness } from './channelBackends.js';

/** A turn's reply ids as PlnBot makes them: `<conversation>:<message id>:<index>`. */
const turn = () => {
  const key = `whatsapp:62812${randomUUID().replace(/-/g, '').slice(0, 10)}:wamid.${randomUUID()}`;
  return (index: number) => `${key}:${index}`;
};

/**
 * What the send ledger must do, on SQLite and PostgreSQL: the first instance records its sends
 * and is killed part-way; the next one (a second `connect()`, as after a restart or on another
 * instance) sends a recovered turn's replies again, and the ledger decides which may go.
 */
export function describeSendLedger(name: string, harness: () => ChannelStoresHarness): void {
  describe(`SendLedger contract: ${name}`, () => {
    const ledger = async (): Promise<SendLedger> => (await harness().connect()).sends;

    afterEach(async () => harness().disconnectAll());

    it('after a crash, lets go only the replies never attempted and those Graph refused: none that may have been delivered', async () => {
      const killed = await ledger();
      const reply = turn();
      // The first instance: reply 0 sent, 1 refused for good, 2 refused for now (retries ran out),
      // 3 unanswered (timed out), 4 under way at the kill; 5 and 6 never attempted.
      for (const i of [0, 1, 2, 3, 4]) expect(await killed.begin(reply(i))).toBe(true);
      await killed.finish(reply(0), { state: 'sent', messageIds: ['wamid.OUT0'] });
      await killed.finish(reply(1), { state: 'refused' });
      await killed.finish(reply(2), { state: 'failed' });
      await killed.finish(reply(3), { state: 'unconfirmed' });

      const restarted = await ledger();
      const mayGo = [];
      for (let i = 0; i < 7; i++) mayGo.push(await restarted.begin(reply(i)));
      expect(mayGo).toEqual([false, true, true, false, false, true, true]);
      // What was let go is attempted again, and once only; what was held back stays held back.
      for (let i = 0; i < 7; i++) expect(await restarted.begin(reply(i))).toBe(false);
      // An outcome of the new attempt is recorded: Graph refusing it again lets it go once more.
      await restarted.finish(reply(1), { state: 'refused' });
      expect(await restarted.begin(reply(1))).toBe(true);
    });

    it('records an outcome only for an attempt under way', async () => {
      const s = await ledger();
      const reply = turn();
      // An outcome without an attempt (the attempt was not recorded) is not invented.
      await s.finish(reply(0), { state: 'sent', messageIds: ['x'] });
      expect(await s.begin(reply(0))).toBe(true);
      await s.finish(reply(0), { state: 'sent', messageIds: ['wamid.A', 'wamid.B'] });
      // A late second outcome does not overwrite the first (a `failed` would let the reply go again).
      await s.finish(reply(0), { state: 'failed' });
      expect(await s.begin(reply(0))).toBe(false);
    });

    it('lets exactly one of two instances sending the same reply at once go', async () => {
      const [a, b] = [await ledger(), await ledger()];
      const reply = turn();
      const outcomes = await Promise.all([a.begin(reply(0)), b.begin(reply(0)), a.begin(reply(0)), b.begin(reply(0))]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
    });
  });
}
