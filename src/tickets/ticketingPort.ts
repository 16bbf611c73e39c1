import type { NewTicketReply, TicketContact, TicketRequest, TicketView } from './types.js';

/**
 * The boundary between the bot and the ticketing systems (ITSM and APKT). Today the records in
 * the service's database implement it (`SqlTicketing`); an HTTP adapter for the real ITSM/APKT can
 * replace it without touching the bot, as long as it keeps the idempotency contracts below —
 * `TicketService` relies on them to retry safely after a crash.
 */
export interface TicketingPort {
  /** Files the ITSM service request. MUST be idempotent on req.idempotencyKey: a second call with the same key returns the first number. */
  createServiceRequest(req: TicketRequest): Promise<{ number: string }>;
  /** Writes the APKT complaint record carrying the ITSM number. Idempotent on itsmNumber. */
  createApktRecord(input: { itsmNumber: string; req: TicketRequest }): Promise<{ number: string }>;
  /** The ticket by its ITSM number (or its APKT record's number), with its replies; null when unknown. */
  getTicket(number: string): Promise<TicketView | null>;
  /**
   * Stores a support-team reply on the ticket (`number` as in getTicket) and, when it carries a
   * status, moves the ticket to it. Returns the updated ticket, whose last reply is this one;
   * null when the number is unknown (nothing stored). Input is already validated.
   */
  addReply(number: string, reply: NewTicketReply): Promise<TicketView | null>;
  /** The tickets filed from one conversation (channel + conversation id), newest first. */
  ticketsOf(channel: string, conversationId: string): Promise<TicketView[]>;
  /**
   * The tickets whose applicant has this phone (exact E.164) or this email (case-insensitive),
   * newest first. `contact` is already normalised; an empty contact matches nothing.
   */
  ticketsOfContact(contact: TicketContact): Promise<TicketView[]>;
}
