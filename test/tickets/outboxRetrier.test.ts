import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../src/tickets/outboxStore.js';
import { OutboxRetrier } from '../../src/tickets/outboxRetrier.js';
import { TicketService } from '../../src/tickets/ticketService.js';
import { makeRequest } from './fixtures.js';
import { describeOnBothBackends, FaultyPort, type TicketBackendHarness } from './ticketBackends.js';

const quiet = { warn: () => undefined, info: () => undefined };

/** Two instances' retriers on one database: each late number is filed once and sent once. */
function describeRetrier(name: string, harness: () => TicketBackendHarness): void {
  describe(`OutboxRetrier: ${name}`, () => {
    const retriers: OutboxRetrier[] = [];
    beforeEach(async () => harness().reset());
    afterEach(async () => {
      await Promise.all(retriers.splice(0).map((r) => r.stop()));
      await harness().disconnectAll();
    });

    const instance = async (sent: string[], outcome: () => 'sent' | 'failed' | 'retry' = () => 'sent') => {
      const { port, outbox } = await harness().connect();
      const faulty = new FaultyPort(port);
      const tickets = new TicketService({ outbox, port: faulty });
      const retrier = new OutboxRetrier({
        tickets,
        notify: async (entry: OutboxEntry) => {
          sent.push(`${entry.idempotencyKey}=${entry.itsmNumber}`);
          return outcome();
        },
        baseDelayMs: 60_000,
        maxDelayMs: 60_000,
        idleDelayMs: 60_000,
        log: quiet,
      });
      retriers.push(retrier);
      return { tickets, port: faulty, retrier };
    };

    it('files the queued requests and sends each late number once, with two instances kicking together', async () => {
      const sent: string[] = [];
      const a = await instance(sent);
      const b = await instance(sent);
      a.port.faults = { itsm: 'before', retryable: true };
      for (const key of ['r1', 'r2', 'r3']) {
        await expect(a.tickets.file(makeRequest({ idempotencyKey: key }))).rejects.toThrow();
        await a.tickets.wantNotice(key);
      }
      await a.retrier.kick(); // still down: nothing sent
      expect(sent).toEqual([]);
      expect(await a.tickets.pendingCount()).toBe(3);

      a.port.faults = {};
      await Promise.all([a.retrier.kick(), b.retrier.kick()]);
      expect(await a.tickets.pendingCount()).toBe(0);
      expect(await harness().count('itsm_tickets')).toBe(3);
      expect([...sent].sort()).toEqual(
        await Promise.all(['r1', 'r2', 'r3'].map(async (key) => `${key}=${(await a.tickets.entry(key))?.itsmNumber}`)),
      );
      await Promise.all([a.retrier.kick(), b.retrier.kick()]);
      expect(sent).toHaveLength(3);
    });

    it('puts a notice back when sending it may pass later', async () => {
      const sent: string[] = [];
      let outcome: 'sent' | 'retry' = 'retry';
      const a = await instance(sent, () => outcome);
      await a.tickets.file(makeRequest({ idempotencyKey: 'r9' }));
      await a.tickets.wantNotice('r9');
      await a.retrier.kick();
      expect(await a.tickets.entry('r9')).toMatchObject({ notice: 'wanted' });
      outcome = 'sent';
      await a.retrier.kick();
      await a.retrier.kick();
      expect(sent).toHaveLength(2);
      expect(await a.tickets.entry('r9')).toMatchObject({ notice: 'sent' });
    });
  });
}

describeOnBothBackends('outbox retrier tests', describeRetrier);
