import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandoffStore } from '../../src/handoff/handoffStore.js';
import { Metrics } from '../../src/observability/metrics.js';
import { queueDepthsFrom } from '../../src/observability/queueDepths.js';
import { createTicketStores } from '../../src/tickets/ticketStores.js';
import { TicketService } from '../../src/tickets/ticketService.js';
import { createTestSchema, DATABASE_URL, warnIfSkipped, type TestSchema } from '../storage/pgTestSchema.js';
import { makeRequest } from '../tickets/fixtures.js';
import { valueOf } from './scrape.js';
import { postgresDatabase } from '../../src/storage/database.js';

describe('Metrics with an async queue-depth reader', () => {
  it('reads the depths once per scrape, for both gauges', async () => {
    let calls = 0;
    let depths = { outboxPending: 3, handoffsWaiting: 2, handoffsActive: 1 };
    const metrics = new Metrics({
      queueDepths: async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { ...depths };
      },
    });
    expect(calls).toBe(0);
    let text = await metrics.scrape();
    expect(calls).toBe(1);
    expect(valueOf(text, 'pln_ticket_outbox_pending')).toBe(3);
    expect(valueOf(text, 'pln_handoffs', { status: 'waiting' })).toBe(2);
    expect(valueOf(text, 'pln_handoffs', { status: 'active' })).toBe(1);

    depths = { outboxPending: 0, handoffsWaiting: 5, handoffsActive: 4 };
    text = await metrics.scrape();
    expect(calls).toBe(2);
    expect(valueOf(text, 'pln_ticket_outbox_pending')).toBe(0);
    expect(valueOf(text, 'pln_handoffs', { status: 'active' })).toBe(4);
  });

  it('shows NaN, not a stale value, when the read rejects, and reports it', async () => {
    let fail = false;
    const errors: unknown[] = [];
    const metrics = new Metrics({
      queueDepths: async () => {
        if (fail) throw new Error('Connection terminated');
        return { outboxPending: 5, handoffsWaiting: 1, handoffsActive: 1 };
      },
      onError: (err) => errors.push(err),
    });
    expect(valueOf(await metrics.scrape(), 'pln_ticket_outbox_pending')).toBe(5);
    fail = true;
    const text = await metrics.scrape();
    expect(valueOf(text, 'pln_ticket_outbox_pending')).toBeNaN();
    expect(valueOf(text, 'pln_handoffs', { status: 'waiting' })).toBeNaN();
    expect(valueOf(text, 'pln_handoffs', { status: 'active' })).toBeNaN();
    expect(errors.map((e) => (e as Error).message)).toEqual(['Connection terminated']);
    fail = false;
    expect(valueOf(await metrics.scrape(), 'pln_ticket_outbox_pending')).toBe(5);
  });
});

describe('queueDepthsFrom', () => {
  it('combines the stores’ counts, and fails whole when one fails', async () => {
    const read = queueDepthsFrom({ outboxPending: async () => 7, handoffCounts: async () => ({ waiting: 2, active: 3 }) });
    expect(await read()).toEqual({ outboxPending: 7, handoffsWaiting: 2, handoffsActive: 3 });
    const broken = queueDepthsFrom({ outboxPending: async () => 7, handoffCounts: () => Promise.reject(new Error('down')) });
    await expect(broken()).rejects.toThrow('down');
  });
});

warnIfSkipped('PostgreSQL queue-depth tests');

describe.skipIf(!DATABASE_URL)('queueDepthsFrom on PostgreSQL stores', () => {
  let schema: TestSchema;
  beforeAll(async () => {
    schema = await createTestSchema(DATABASE_URL ?? '', { migrated: true });
  });
  afterAll(async () => schema?.drop());

  it('exports the outbox and handoff depths read from PostgreSQL at scrape time', async () => {
    const pool = schema.pool({ max: 2 });
    const { port, outbox } = createTicketStores(postgresDatabase(pool));
    const tickets = new TicketService({ outbox, port });
    const handoffs = new HandoffStore(postgresDatabase(pool));
    const metrics = new Metrics({ queueDepths: queueDepthsFrom({ outboxPending: () => tickets.pendingCount(), handoffCounts: () => handoffs.countOpen() }) });

    let text = await metrics.scrape();
    expect(valueOf(text, 'pln_ticket_outbox_pending')).toBe(0);
    expect(valueOf(text, 'pln_handoffs', { status: 'waiting' })).toBe(0);

    await tickets.enqueue(makeRequest({ idempotencyKey: 'q1' }));
    await tickets.enqueue(makeRequest({ idempotencyKey: 'q2' }));
    await tickets.file(makeRequest({ idempotencyKey: 'q3' }));
    const { handoff } = await handoffs.open({ conversationKey: 'whatsapp:628111', channel: 'whatsapp', conversationId: '628111', reason: 'asked' });
    await handoffs.open({ conversationKey: 'whatsapp:628222', channel: 'whatsapp', conversationId: '628222', reason: 'asked' });
    await handoffs.take(handoff.id, 'cso.andi');

    text = await metrics.scrape();
    expect(valueOf(text, 'pln_ticket_outbox_pending')).toBe(2);
    expect(valueOf(text, 'pln_handoffs', { status: 'waiting' })).toBe(1);
    expect(valueOf(text, 'pln_handoffs', { status: 'active' })).toBe(1);
  });
});
