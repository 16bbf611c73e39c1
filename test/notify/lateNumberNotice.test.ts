import { describe, expect, it } from 'vitest';
import type { ConversationTarget, DeliveryOutcome, OutboundMessage } from '../../src/core/outbound.js';
import { t } from '../../src/i18n/messages.js';
import { notifyFiled } from '../../src/notify/ticketNotifier.js';
import type { OutboxEntry } from '../../src/tickets/ticketService.js';
import { makeRequest } from '../tickets/fixtures.js';

function entry(overrides: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    idempotencyKey: 'app-0001',
    notice: 'sending',
    request: makeRequest(),
    itsmNumber: 'ITSM-20261124-00009',
    apktNumber: 'APKT-1',
    state: 'done',
    attempts: 2,
    lastError: null,
    deadAt: null,
    createdAt: '2026-11-24T03:00:00.000Z',
    updatedAt: '2026-11-24T03:05:00.000Z',
    ...overrides,
  };
}

/** The late number notice over a recording messenger. */
function setup(outcome: DeliveryOutcome = 'sent') {
  const sent: Array<{ target: ConversationTarget; message: OutboundMessage }> = [];
  const deps = {
    messenger: {
      send: async (target: ConversationTarget, message: OutboundMessage) => {
        sent.push({ target, message });
        return outcome;
      },
    },
    localeOf: async () => 'en' as const,
    defaultLocale: 'id' as const,
    log: { info: () => undefined, warn: () => undefined },
  };
  return { sent, deps };
}

const vars = { number: 'ITSM-20261124-00009', previous: '', phone: '0812-3456-7890', email: 'siti@example.co.id' };

describe('the late ticket number notice', () => {
  it('says what the dialog chose when it filed, not what the request looks like', async () => {
    const s = setup();
    // A complaint whose applicant has a business name on file: still the complaint's answer.
    const request = makeRequest({ notice: 'complaint.done' });
    expect(await notifyFiled(entry({ request }), s.deps)).toBe('sent');
    expect(s.sent).toEqual([
      { target: request, message: { activities: [{ type: 'message', text: t('en', 'complaint.done', vars), locale: 'en' }], byOfficer: false } },
    ]);
  });

  it('tells a given-up request that an officer follows it up; a failed channel is retried later', async () => {
    const s = setup('failed');
    expect(await notifyFiled(entry({ state: 'pending', itsmNumber: null, deadAt: '2026-11-24T03:05:00.000Z', request: makeRequest({ notice: 'seller.done' }) }), s.deps)).toBe('retry');
    expect(s.sent[0]!.message.activities[0]!.text).toBe(t('en', 'filing.givenUp', { ...vars, number: '' }));
    expect(await notifyFiled(entry(), setup('windowClosed').deps)).toBe('failed');
  });
});
