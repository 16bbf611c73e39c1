import { describe, expect, it } from 'vitest';
import { fromPromise } from 'xstate';
import type { NluResult } from '../../dialogs/complaint.js';
import { eventFromText } from '../../dialogs/toEvent.js';
import { DialogEngine, TurnFailed } from '../../src/bot/dialogEngine.js';
import { renderReply } from '../../src/bot/renderReply.js';
import { LocalHandoffBus } from '../../src/handoff/handoffBus.js';
import { HandoffGate } from '../../src/handoff/handoffGate.js';
import { HandoffStore } from '../../src/handoff/handoffStore.js';
import { WorkingHours } from '../../src/core/workingHours.js';
import { t } from '../../src/i18n/messages.js';
import { ConversationStore, type TurnCommit, type TurnWrite } from '../../src/storage/conversationStore.js';
import { sqliteDatabase } from '../../src/storage/database.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import { FakeServices, testUnderstanding } from './harness.js';

/** A conversation store whose next `failCommits` commits throw, as a database hiccup would. */
class FlakyStore extends ConversationStore {
  failCommits = 0;
  override async commitTurn(turn: TurnWrite): Promise<TurnCommit> {
    if (this.failCommits > 0) {
      this.failCommits--;
      throw new Error('SQLITE_IOERR: disk I/O error');
    }
    return super.commitTurn(turn);
  }
}

/**
 * A turn that fails (a service hanging past the turn's timeout, the database refusing the commit)
 * applies nothing, but the officers still read what the customer wrote and the apology they got.
 */
function setUp() {
  const db = sqliteDatabase(openSqlite(':memory:'));
  const services = new FakeServices();
  let classifyHangs = false;
  const machine = services.machine().provide({
    actors: {
      classify: fromPromise<NluResult, { text: string }>(async ({ input }) => {
        if (classifyHangs) await new Promise<never>(() => {});
        return services.nlu(input.text);
      }),
    },
  });
  const store = new FlakyStore(db);
  const handoffs = new HandoffStore(db);
  const engine = new DialogEngine({
    store,
    machine,
    defaultLocale: 'id',
    understanding: testUnderstanding,
    turnTimeoutMs: 100,
    handoffs: new HandoffGate({ store: handoffs, bus: new LocalHandoffBus(), hours: WorkingHours.parse('always', 'Asia/Jakarta') }),
  });
  const key = 'emulator:conv-failed';
  const step = (text: string, messageId: string, recovered = false) =>
    engine.step({ conversationKey: key, channel: 'emulator', conversationId: 'conv-failed', messageId, event: eventFromText(text), text, ...(recovered ? { recovered } : {}) });
  const transcript = async () => (await handoffs.transcript(key)).map((e) => `${e.from}: ${e.text}`);
  const state = async () => JSON.stringify((await engine.peek(key))?.value);
  return { store, step, transcript, state, hang: (on: boolean) => (classifyHangs = on) };
}

describe('a failed turn', () => {
  it('keeps the state, and records the message and the apology for the officers', async () => {
    const c = setUp();
    await c.step('halo', 'm-1');
    const before = await c.state();
    const lines = (await c.transcript()).length;
    c.hang(true);
    // What the customer wants is classified first; the classifier hangs past the turn's timeout.
    const failure = await c.step('pengen jualan produk sy di marketplace', 'm-2').then(
      () => null,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(TurnFailed);
    expect((failure as TurnFailed).locale).toBe('id');
    expect(String((failure as TurnFailed).cause)).toMatch(/timed out|timeout/i);
    expect(await c.state()).toBe(before);
    expect((await c.transcript()).slice(lines)).toEqual(['customer: pengen jualan produk sy di marketplace', `bot: ${t('id', 'common.error')}`]);

    // The message counts as handled: a redelivery is not answered again, an interrupted send gets the apology again.
    c.hang(false);
    expect(await c.step('mau daftar jadi seller', 'm-2')).toMatchObject({ duplicate: true, replies: [] });
    const again = await c.step('mau daftar jadi seller', 'm-2', true);
    expect(again.replies.map((r) => renderReply(r, again.locale).text)).toEqual([t('id', 'common.error')]);
    expect(await c.transcript()).toHaveLength(lines + 2);
    // The conversation goes on from where it was.
    expect((await c.step('mau daftar jadi seller', 'm-3')).replies.map((r) => r.key)).toEqual(['seller.intro', 'fields.name.question']);
  }, 10_000);

  it('is recorded when the database refused the turn but takes the record', async () => {
    const c = setUp();
    await c.step('daftar seller', 'm-1');
    c.store.failCommits = 1;
    await expect(c.step('Budi Santoso', 'm-2')).rejects.toBeInstanceOf(TurnFailed);
    expect((await c.transcript()).slice(-2)).toEqual(['customer: Budi Santoso', `bot: ${t('id', 'common.error')}`]);
    // The customer sends the name again (a new message): it is taken this time.
    expect((await c.step('Budi Santoso', 'm-3')).replies.map((r) => r.key)).toEqual(['fields.businessName.question']);
  });

  it('still ends in the apology when nothing can be recorded', async () => {
    const c = setUp();
    await c.step('daftar seller', 'm-1');
    const lines = (await c.transcript()).length;
    c.store.failCommits = 2;
    await expect(c.step('Budi Santoso', 'm-2')).rejects.toBeInstanceOf(TurnFailed);
    expect(await c.transcript()).toHaveLength(lines);
    // Nothing was marked: the same message, delivered again, is processed as new.
    expect((await c.step('Budi Santoso', 'm-2')).replies.map((r) => r.key)).toEqual(['fields.businessName.question']);
  });
});
