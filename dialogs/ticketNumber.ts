import { extractTicketNumbers } from '../src/core/ticketNumbers.js';

/** The first ITSM report number in a message, normalised (see src/core/ticketNumbers.ts), or null. */
export function findTicketNumber(text: string): string | null {
  return extractTicketNumbers(text)[0] ?? null;
}
