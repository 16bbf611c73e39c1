import { eventFromText } from '../../dialogs/toEvent.js';
import { describe, expect, it } from 'vitest';
import { renderReply } from '../../src/bot/renderReply.js';
import { t } from '../../src/i18n/messages.js';
import { Conversation, FakeServices } from './harness.js';

/**
 * A message processed again after the instance handling it stopped (the webhook inbox gives it
 * back): its turn was already committed, so the dialog is not stepped twice; what the turn said is
 * returned to be sent, since the stop may have come between the commit and the send.
 */
describe('a message processed again after an interruption', () => {
  const step = (c: Conversation, text: string, messageId: string, recovered?: boolean) =>
    c.engine.step({ conversationKey: c.key, channel: c.channel, conversationId: c.conversationId, messageId, event: eventFromText(text), text, ...(recovered ? { recovered } : {}) });

  it('gets the replies its committed turn made, without stepping the dialog again', async () => {
    const c = new Conversation(new FakeServices());
    const first = await step(c, 'mau daftar jadi seller', 'm-1');
    expect(first.duplicate).toBe(false);
    const stateAfter = await c.state();

    const again = await step(c, 'mau daftar jadi seller', 'm-1', true);
    expect(again.duplicate).toBe(true);
    expect(again.replies.map((r) => renderReply(r, again.locale).text)).toEqual([t('id', 'seller.intro'), t('id', 'fields.name.question')]);
    expect(again.replies).toEqual(first.replies);
    expect(await c.state()).toBe(stateAfter);
    // The transcript has the turn once.
    expect((await c.handoffs.transcript(c.key)).map((e) => e.text)).toEqual(['mau daftar jadi seller', t('id', 'seller.intro'), t('id', 'fields.name.question')]);
  });

  it('is dropped silently when redelivered normally (not an interruption)', async () => {
    const c = new Conversation(new FakeServices());
    await step(c, 'mau daftar jadi seller', 'm-1');
    const redelivered = await step(c, 'mau daftar jadi seller', 'm-1');
    expect(redelivered).toMatchObject({ duplicate: true, replies: [] });
  });

  it('gets nothing when its turn was never committed: it is then processed as new', async () => {
    const c = new Conversation(new FakeServices());
    const recovered = await step(c, 'mau daftar jadi seller', 'm-9', true);
    expect(recovered.duplicate).toBe(false);
    expect(recovered.replies.map((r) => renderReply(r, recovered.locale).text)).toEqual([t('id', 'seller.intro'), t('id', 'fields.name.question')]);
  });

  it('keeps the language the turn was answered in', async () => {
    const c = new Conversation(new FakeServices());
    await step(c, 'hello, I want to register as a seller', 'm-hello');
    const first = await step(c, 'English', 'm-en');
    const again = await step(c, 'English', 'm-en', true);
    expect(first.locale).toBe('en');
    expect(again.locale).toBe('en');
    expect(again.replies).toEqual(first.replies);
  });
});
