// @ts-check
/* global document */
/** DOM helpers: the only way the console creates elements. */

/** @import { Child } from './types.js' */

/**
 * An element with attributes, listeners (`onclick: fn`) and children (strings become text nodes).
 * Attribute names are always written in these modules; values from the server only ever go into
 * attribute values or text, never into markup.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') el.className = String(value);
    else if (name === 'testid') el.dataset.testid = String(value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

/**
 * The children that are there (for replaceChildren, which does not skip null).
 * @param {...Child} children
 * @returns {(Node | string)[]}
 */
export function present(...children) {
  return /** @type {(Node | string)[]} */ (children.filter((c) => c !== null && c !== undefined && c !== false));
}

/** @param {...(string | false | null | undefined)} names */
export function cls(...names) {
  return names.filter(Boolean).join(' ');
}

/** A server value usable in a class name (channel, reason, status), or 'other'. */
export function token(/** @type {unknown} */ value) {
  return typeof value === 'string' && /^[a-z0-9-]{1,24}$/i.test(value) ? value.toLowerCase() : 'other';
}
