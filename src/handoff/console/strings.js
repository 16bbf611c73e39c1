// @ts-check
/* global document */
/**
 * The officer-facing sentences, embedded by the server as JSON in
 * <script type="application/json" id="agent-strings">, and their lookup.
 */

/** @type {Record<string, string>} */
const STRINGS = loadStrings();

/** @returns {Record<string, string>} */
function loadStrings() {
  const el = document.getElementById('agent-strings');
  try {
    const parsed = JSON.parse(el?.textContent ?? '{}');
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * The sentence `key` with `{placeholders}` filled in (values are never re-scanned).
 * @param {string} key
 * @param {Record<string, string | number>} [vars]
 */
export function s(key, vars = {}) {
  const template = Object.hasOwn(STRINGS, key) ? STRINGS[key] : key;
  return String(template).replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(vars, name) ? String(vars[name]) : whole));
}

/**
 * Like s(), for keys built from server values (channel, reason…): the raw value when unknown.
 * @param {string} key
 * @param {string} fallback
 */
export function sOr(key, fallback) {
  return Object.hasOwn(STRINGS, key) ? s(key) : fallback;
}

/** The keys under `prefix` (e.g. `canned.`), without it, in the order the catalogue lists them. */
export function keysUnder(/** @type {string} */ prefix) {
  return Object.keys(STRINGS)
    .filter((key) => key.startsWith(prefix))
    .map((key) => key.slice(prefix.length));
}
