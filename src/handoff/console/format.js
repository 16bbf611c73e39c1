// @ts-check
/* global document */
/** Formatting: times, durations and the names shown for customers and officers. */

/** @import { HandoffSummary } from './types.js' */
import { s } from './strings.js';

function pad2(/** @type {number} */ n) {
  return String(n).padStart(2, '0');
}

/** Local HH:MM of an ISO time. */
export function hhmm(/** @type {string | null | undefined} */ iso) {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime()) ? `${pad2(d.getHours())}:${pad2(d.getMinutes())}` : '';
}

/** Full local date and time, for tooltips. */
export function fullTime(/** @type {string | null | undefined} */ iso) {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime()) ? d.toLocaleString(document.documentElement.lang || undefined) : '';
}

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function duration(/** @type {number} */ seconds) {
  const total = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  return hours > 0 ? `${hours}:${pad2(minutes)}:${pad2(secs)}` : `${minutes}:${pad2(secs)}`;
}

/** An elapsed time with its units, as a waiting time reads: "45 dtk", "1 mnt 20 dtk", "2 jam 5 mnt". */
export function elapsedWords(/** @type {number} */ seconds) {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  if (h > 0) return s('time.hm', { h, m });
  if (m > 0) return s('time.ms', { m, s: total % 60 });
  return s('time.s', { s: total });
}

/** The local time the count of `h.waitingSeconds` started, so it can count up from there. */
export function sinceOf(/** @type {HandoffSummary} */ handoff) {
  const seconds = Number(handoff.waitingSeconds);
  return Date.now() - (Number.isFinite(seconds) && seconds > 0 ? seconds : 0) * 1000;
}

/** The customer's name: the channel's profile name, else the name given in the form, else the masked number. */
export function customerLabel(/** @type {HandoffSummary} */ handoff) {
  if (handoff.customerName) return handoff.customerName;
  if (handoff.formName) return handoff.formName;
  if (handoff.phone) return handoff.phone;
  const id = String(handoff.conversationId || handoff.id);
  return s('queue.unknownCustomer', { id: id.slice(-6) });
}

/** What else identifies the customer beside `customerLabel`: the form's name when it differs, and the masked number. */
export function customerDetail(/** @type {HandoffSummary} */ handoff) {
  const label = customerLabel(handoff);
  const parts = [];
  if (handoff.formName && handoff.formName !== label) parts.push(handoff.formName);
  if (handoff.phone && handoff.phone !== label) parts.push(handoff.phone);
  return parts.join(' · ');
}

/** An officer as the server names one: a user name, or an object with a display name. */
export function officerLabel(/** @type {unknown} */ officer) {
  if (typeof officer === 'string') return officer;
  if (officer && typeof officer === 'object') {
    const o = /** @type {{ displayName?: unknown, username?: unknown }} */ (officer);
    if (typeof o.displayName === 'string' && o.displayName) return o.displayName;
    if (typeof o.username === 'string') return o.username;
  }
  return '';
}
