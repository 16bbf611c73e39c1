import type { Database } from '../storage/database.js';
import { SqlOutboxStore, type OutboxStore } from './outboxStore.js';
import { SqlTicketing, type TicketingOptions } from './sqlTicketing.js';
import type { TicketingPort } from './ticketingPort.js';

/** The two halves `TicketService` needs, on one database. */
export interface TicketStores {
  port: TicketingPort;
  outbox: OutboxStore;
}

/**
 * The ticketing port and the outbox on the service's database (the tables come from its
 * migrations). `remote` numbers the tickets in the real ITSM/APKT; `now` is the clock of the
 * numbering (tests).
 *
 * @example
 *   const { port, outbox } = createTicketStores(database, remote ? { remote } : {});
 *   const tickets = new TicketService({ outbox, port, logger });
 */
export function createTicketStores(database: Database, opts: TicketingOptions = {}): TicketStores {
  return { port: new SqlTicketing(database, opts), outbox: new SqlOutboxStore(database) };
}
