import type { TicketRequest, TicketView } from './types.js';

/**
 * The boundary between the bot and the ticketing systems (ITSM and APKT). Today the embedded
 * SQLite adapter implements it (`EmbeddedTicketing`); an HTTP adapter for the real ITSM/APKT can
 * replace it without touching the bot, as long as it keeps the idempotency contracts below —
 * `TicketService` relies on them to retry safely after a crash.
 */
export interface TicketingPort {
  /** Files the ITSM service request. MUST be idempotent on req.idempotencyKey: a second call with the same key returns the first number. */
  createServiceRequest(req: TicketRequest): Promise<{ number: string }>;
  /** Writes the APKT complaint record carrying the ITSM number. Idempotent on itsmNumber. */
  createApktRecord(input: { itsmNumber: string; req: TicketRequest }): Promise<{ number: string }>;
  getTicket(number: string): Promise<TicketView | null>;
}
