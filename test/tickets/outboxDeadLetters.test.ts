import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxRetrier } from '../../src/tickets/outboxRetrier.js';
import { TicketService } from '../../src/tickets/ticketService.js';
import { fixedClock, makeRequest } from './fixtures.js';
import { describeOnBothBackends, FaultyPort, type TicketBackendHarness } from './ticketBackends.js';

const quiet = { warn: () => undefined, info: () => undefined };

/**
 * The outbox's dead letters without a queue (no REDIS_URL): a refusal is dead at once, a request
 * out of attempts is dead, dead ones are no longer retried nor counted as pending, a revive puts
 * one back, and the applicant confirming again still files it.
 */
function describeDeadLetters(name: string, harness: () => TicketBackendHarness): void {
  describe(`outbox dead letters: ${name}`, () => {
    beforeEach(async () => harness().reset());
    afterEach(async () => harness().disconnectAll());

    const instance = async (maxAttempts = 3) => {
      const clock = fixedClock('2026-11-24T03:00:00.000Z');
      const { port, outbox } = await harness().connect({ now: clock.now });
      const faulty = new FaultyPort(port);
      const pending: string[] = [];
      const service = new TicketService({ outbox, port: faulty, now: clock.now, maxAttempts, onPending: (key) => pending.push(key) });
      return { service, port: faulty, clock, pending };
    };

    it('marks a refused request (retryable: false) dead at once, and does not queue it', async () => {
      const { service, port, pending } = await instance();
      port.faults = { itsm: 'before', retryable: false };
      await expect(service.file(makeRequest({ idempotencyKey: 'refused' }))).rejects.toThrow('ITSM unreachable');
      expect(pending).toEqual([]);
      expect(await service.entry('refused')).toMatchObject({ state: 'pending', attempts: 1, deadAt: '2026-11-24T03:00:00.000Z' });
      expect(await service.pendingCount()).toBe(0);
      expect(await service.pendingKeys()).toEqual([]);
      expect((await service.deadLetters()).map((e) => e.idempotencyKey)).toEqual(['refused']);
      expect(await service.deadCount()).toBe(1);
      port.calls = { itsm: 0, apkt: 0 };
      expect(await service.drainPending()).toEqual({ completed: 0, failed: 0 });
      expect(port.calls.itsm).toBe(0);
    });

    it('gives a request up after the maximum of attempts, counting the first one; a retrier stops there', async () => {
      const { service, port, pending } = await instance(3);
      port.faults = { itsm: 'before', retryable: true };
      await expect(service.file(makeRequest({ idempotencyKey: 'down' }))).rejects.toThrow();
      expect(pending).toEqual(['down']);
      const retrier = new OutboxRetrier({ tickets: service, notify: async () => 'sent', baseDelayMs: 60_000, maxDelayMs: 60_000, idleDelayMs: 60_000, log: quiet });
      try {
        await retrier.kick();
        expect(await service.entry('down')).toMatchObject({ attempts: 2, deadAt: null });
        await retrier.kick();
        expect(await service.entry('down')).toMatchObject({ attempts: 3, deadAt: expect.any(String) });
        await retrier.kick();
        expect(await service.entry('down')).toMatchObject({ attempts: 3 });
        expect(port.calls.itsm).toBe(3);
      } finally {
        await retrier.stop();
      }
    });

    it('revives a dead request with its attempts from zero; filing it clears the mark', async () => {
      const { service, port } = await instance(1);
      port.faults = { itsm: 'before', retryable: true };
      await expect(service.file(makeRequest({ idempotencyKey: 'k' }))).rejects.toThrow();
      expect(await service.entry('k')).toMatchObject({ deadAt: expect.any(String) });
      expect(await service.revive('k')).toBe(true);
      expect(await service.revive('k')).toBe(false);
      expect(await service.entry('k')).toMatchObject({ attempts: 0, deadAt: null });
      expect(await service.pendingKeys()).toEqual(['k']);

      await expect(service.file(makeRequest({ idempotencyKey: 'k' }))).rejects.toThrow();
      expect(await service.deadCount()).toBe(1);
      // The applicant confirms again once the ITSM is back: filed, and no longer dead.
      port.faults = {};
      expect((await service.file(makeRequest({ idempotencyKey: 'k' }))).itsmNumber).toMatch(/^ITSM-/);
      expect(await service.entry('k')).toMatchObject({ state: 'done', deadAt: null });
      expect(await service.deadLetters()).toEqual([]);
      await service.markDead('k');
      expect(await service.deadCount()).toBe(0);
    });
  });
}

describeOnBothBackends('outbox dead-letter tests', describeDeadLetters);
