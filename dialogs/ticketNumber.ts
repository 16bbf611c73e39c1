import { extractTicketNumbers } from '../src/nlu/ticketNumbers.js';

/** The first ITSM report number in a message, normalised (see src/nlu/ticketNumbers.ts), or null. */
export function findTicketNumber(text: string): string | null {
  return extractTicketNumbers(text)[0] ?? null;
}
