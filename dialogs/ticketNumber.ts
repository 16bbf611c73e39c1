/**
 * ITSM report numbers (ITSM-YYYYMMDD-NNNNN) as people type them: any case, with spaces, dots or
 * no separators ("itsm 20261124 00001", "ITSM2026112400001"). Returns the first, normalised.
 */
const TICKET_NUMBER = /\bitsm[\s._-]*(\d{8})[\s._-]*(\d{5})\b/i;

export function findTicketNumber(text: string): string | null {
  const m = TICKET_NUMBER.exec(text);
  return m ? `ITSM-${m[1]}-${m[2]}` : null;
}
