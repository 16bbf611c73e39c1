/**
 * ITSM report numbers (`ITSM-YYYYMMDD-NNNNN`, as issued by the ticketing module) quoted by
 * customers who come back about an earlier report (SOP step f). People retype them by hand, so
 * case, spaces and hyphens vary: "itsm 20261124 00001", "ITSM2026112400001", "itsm-2026-11-24-00001".
 */

/**
 * One ticket number, tolerant of case and of separators (space, hyphen, dot, underscore, colon,
 * "#") between the parts. Groups: year, month, day, sequence. No `g` flag: copy it to scan.
 */
export const TICKET_NUMBER_PATTERN =
  /(?<![a-z])itsm[\s_.:#-]*(\d{4})[\s_./-]?(\d{2})[\s_./-]?(\d{2})[\s_.-]*(\d{5})(?!\d)/i;

/**
 * Every ITSM number in a message, normalised upper-case with hyphens, in order of appearance,
 * without duplicates.
 *
 * @example extractTicketNumbers('cek itsm 20261124 00001 ya') // ['ITSM-20261124-00001']
 */
export function extractTicketNumbers(text: string): string[] {
  const found: string[] = [];
  const scan = new RegExp(TICKET_NUMBER_PATTERN.source, 'gi');
  for (const m of text.normalize('NFKC').matchAll(scan)) {
    const [, year, month, day, seq] = m;
    const number = `ITSM-${year}${month}${day}-${seq}`;
    if (!found.includes(number)) found.push(number);
  }
  return found;
}
