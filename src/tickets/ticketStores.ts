import type { Database } from '../storage/database.js';
import { preparedTransaction } from '../storage/prepared.js';
import { outboxFilingOn, SqlOutboxStore, type OutboxFilingSteps, type OutboxStore } from './outboxStore.js';
import { SqlTicketing, type TicketingOptions } from './sqlTicketing.js';
import type { TicketingPort } from './ticketingPort.js';

/** A filing's statements, outbox and tickets alike, in one transaction. */
export type FilingSteps = OutboxFilingSteps & Pick<TicketingPort, 'createServiceRequest' | 'createApktRecord'>;

/** Runs `fn` with the steps on one transaction: everything it wrote is committed, or nothing is. */
export type FilingTransaction = <T>(fn: (steps: FilingSteps) => Promise<T>) => Promise<T>;

/** The two halves `TicketService` needs, on one database. */
export interface TicketStores {
  port: TicketingPort;
  outbox: OutboxStore;
  /**
   * Given when the tickets are numbered here (no `remote`): then the outbox row, the ITSM ticket,
   * the APKT record and the outcome are all in this database, and a new filing can be written in
   * one transaction, one commit instead of six (the last turn of an application waited for each;
   * see TicketService.file). With the real ITSM each step must be committed before the next call
   * to it, so that a crash in between is repaired from the outbox.
   */
  filingTransaction?: FilingTransaction;
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
  const port = new SqlTicketing(database, opts);
  const outbox = new SqlOutboxStore(database);
  if (opts.remote) return { port, outbox };
  const filingTransaction: FilingTransaction = (fn) => preparedTransaction(database, (tx) => fn({ ...outboxFilingOn(tx), ...port.filingOn(tx) }));
  return { port, outbox, filingTransaction };
}
