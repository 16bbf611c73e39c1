import type { Database } from '../storage/database.js';
import { EmbeddedTicketing } from './embeddedTicketing.js';
import { SqliteOutboxStore, type OutboxStore } from './outboxStore.js';
import { PgOutboxStore } from './pgOutboxStore.js';
import { PgTicketing } from './pgTicketing.js';
import type { TicketingOptions } from './ticketRecords.js';
import type { TicketingPort } from './ticketingPort.js';

/** Where the tickets and the ticket outbox are kept. */
export type TicketBackend = Database;

/** The two halves `TicketService` needs, on one database. */
export interface TicketStores {
  port: TicketingPort;
  outbox: OutboxStore;
}

/**
 * The ticketing port and the outbox on SQLite (one process, or several on one file; creates its
 * tables) or on PostgreSQL (shared by every instance; the tables come from migrations/postgres, so
 * run `migrate(pool)` first). `remote` numbers the tickets in the real ITSM/APKT; `now` is the
 * clock of the numbering (tests).
 *
 * @example
 *   const { port, outbox } = createTicketStores(pool ? { kind: 'postgres', pool } : { kind: 'sqlite', db }, remote ? { remote } : {});
 *   const tickets = new TicketService({ outbox, port, logger });
 */
export function createTicketStores(backend: TicketBackend, opts: TicketingOptions = {}): TicketStores {
  if (backend.kind === 'postgres') {
    return { port: new PgTicketing(backend.pool, opts), outbox: new PgOutboxStore(backend.pool) };
  }
  return { port: new EmbeddedTicketing(backend.sqlite, opts), outbox: new SqliteOutboxStore(backend.sqlite) };
}
