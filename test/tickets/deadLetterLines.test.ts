import { describe, expect, it } from 'vitest';
import { pseudonym } from '../../src/log.js';
import { maskEmail, maskName, maskPhone, maskText } from '../../src/core/redact.js';
import { outboxDeadLetterLine, sendDeadLetterLine } from '../../src/tickets/deadLetters.js';
import { Metrics } from '../../src/observability/metrics.js';
import { queueGaugesFrom } from '../../src/observability/queueDepths.js';
import type { OutboxEntry } from '../../src/tickets/outboxStore.js';
import { makeRequest } from '../tickets/fixtures.js';

describe('dead-letter listing', () => {
  it('masks names, phones, emails and free texts', () => {
    expect(maskName('Siti  Rahmawati')).toBe('S*** R***');
    expect(maskPhone('+6281234567890')).toBe('+62********890');
    expect(maskPhone('081234567890')).toBe('08*******890');
    expect(maskEmail('siti@example.co.id')).toBe('s***@example.co.id');
    expect(maskText('(#131026) Message undeliverable to +62 812-3456-7890 (siti@example.co.id), code 131026')).toBe(
      '(#131026) Message undeliverable to +62********890 (s***@example.co.id), code 131026',
    );
  });

  it('describes a dead send by channel, pseudonym and the reply\'s shape, never its words', () => {
    const line = sendDeadLetterLine({
      id: 'send-3:17',
      data: { channel: 'whatsapp', userId: '6281234567890', payload: { reply: { text: 'Halo Siti, nomor Anda 081234567890', choices: [{}, {}] }, humanAgent: true } },
      failedReason: '[graph permanent 400 131026 -] Message undeliverable to 6281234567890',
      attemptsMade: 1,
    });
    expect(line).toEqual({
      queue: 'send',
      id: 'send-3:17',
      attempts: 1,
      what: `whatsapp user ${pseudonym('6281234567890')}: reply of 34 characters, 2 choice(s), officer`,
      reason: '[graph permanent 400 131026 -] Message undeliverable to 62********890',
    });
  });

  it('describes a dead outbox entry with the applicant masked', () => {
    const request = makeRequest();
    const entry: OutboxEntry = {
      idempotencyKey: 'app-0001',
      notice: 'wanted',
      request,
      itsmNumber: null,
      apktNumber: null,
      state: 'pending',
      attempts: 10,
      lastError: 'TicketingRejectedError: ITSM refused the request (HTTP 400)',
      deadAt: '2026-11-24T03:00:00.000Z',
      createdAt: '2026-11-24T02:00:00.000Z',
      updatedAt: '2026-11-24T03:00:00.000Z',
    };
    const line = outboxDeadLetterLine(entry);
    expect(line).toEqual({
      queue: 'ticket_outbox',
      id: 'outbox:app-0001',
      attempts: 10,
      what: `seller application from whatsapp conversation ${pseudonym('conv-42')}: S*** R***, +62********890, s***@example.co.id`,
      reason: 'TicketingRejectedError: ITSM refused the request (HTTP 400)',
      at: '2026-11-24T03:00:00.000Z',
    });
    expect(JSON.stringify(line)).not.toMatch(/Siti|Rahmawati|81234567890|siti@/);
  });
});

describe('queue gauges', () => {
  it('exports dead letters and jobs per queue; a source that fails is NaN, the others still count', async () => {
    const metrics = new Metrics({
      queues: queueGaugesFrom({
        outboxDead: async () => 2,
        sends: { counts: async () => ({ waiting: 3, active: 1, delayed: 0, failed: 4 }) },
        outbox: { counts: () => Promise.reject(new Error('Redis unavailable')) },
      }),
    });
    metrics.sendFallback('whatsapp');
    metrics.redeliveryDropped('628123456789');
    const text = await metrics.scrape();
    expect(text).toMatch(/^pln_dead_letters\{queue="send"\} 4$/m);
    expect(text).toMatch(/^pln_dead_letters\{queue="ticket_outbox"\} 2$/m);
    expect(text).toMatch(/^pln_queue_jobs\{queue="send",state="waiting"\} 3$/m);
    expect(text).toMatch(/^pln_queue_jobs\{queue="ticket_outbox",state="delayed"\} Nan$/m);
    expect(text).toMatch(/^pln_send_queue_fallbacks_total\{channel="whatsapp"\} 1$/m);
    // Labels from fixed sets only: an unexpected channel is `other`.
    expect(text).toMatch(/^pln_webhook_redeliveries_dropped_total\{channel="other"\} 1$/m);
  });

  it('exports nothing for queues a service without Redis does not have (no NaN)', async () => {
    const text = await new Metrics({ queues: queueGaugesFrom({ outboxDead: async () => 1 }) }).scrape();
    expect(text).toMatch(/^pln_dead_letters\{queue="ticket_outbox"\} 1$/m);
    expect(text).not.toMatch(/^pln_dead_letters\{queue="send"\}/m);
    expect(text).not.toMatch(/^pln_queue_jobs\{/m);
    expect(text).not.toMatch(/^pln_\S+ Nan$/m);
  });
});
