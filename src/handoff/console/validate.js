// @ts-check
/** Validation of what the server sends (the page must not break on an unexpected shape). */

/** @import { Ticket, HandoffSummary, TranscriptEntry } from './types.js' */

/** @returns {value is HandoffSummary} */
export function isHandoff(/** @type {unknown} */ value) {
  const v = /** @type {Record<string, unknown> | null} */ (value && typeof value === 'object' ? value : null);
  return !!v && typeof v.id === 'number' && typeof v.conversationKey === 'string' && typeof v.status === 'string';
}

/** @returns {value is TranscriptEntry} */
export function isEntry(/** @type {unknown} */ value) {
  const v = /** @type {Record<string, unknown> | null} */ (value && typeof value === 'object' ? value : null);
  return (
    !!v &&
    typeof v.id === 'number' &&
    typeof v.conversationKey === 'string' &&
    (v.from === 'customer' || v.from === 'bot' || v.from === 'agent') &&
    (typeof v.text === 'string' || v.text === null || v.text === undefined)
  );
}

/** @returns {value is Ticket} */
export function isTicket(/** @type {unknown} */ value) {
  const v = /** @type {Record<string, unknown> | null} */ (value && typeof value === 'object' ? value : null);
  return !!v && typeof v.itsmNumber === 'string';
}

/** @returns {unknown} */
export function parseJson(/** @type {string} */ text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
