// @ts-check
/**
 * A message's text as WhatsApp shows it: *bold*, _italic_, ~strikethrough~ and ```monospace```,
 * built as DOM nodes (never markup), so what the customer wrote can never become HTML.
 */

/** @import { Child } from './types.js' */
import { h } from './dom.js';

/**
 * WhatsApp's markers: the marker, then a non-space, the text, a non-space and the marker again,
 * not inside a word on either side.
 */
const STYLES = [
  { marker: '```', tag: 'code' },
  { marker: '*', tag: 'strong' },
  { marker: '_', tag: 'em' },
  { marker: '~', tag: 's' },
];
/** Only `*` is special in a pattern (and `\_`, `\~`, `` \` `` are errors under the `u` flag). */
const escape = (/** @type {string} */ m) => m.replace(/\*/g, '\\*');
const PATTERN = new RegExp(
  STYLES.map(({ marker }) => `(?<![\\p{L}\\p{N}])${escape(marker)}(?=\\S)([^\\n]*?\\S)${escape(marker)}(?![\\p{L}\\p{N}])`).join('|'),
  'gu',
);

/** The nodes of `text` with WhatsApp's formatting applied (one level; markers inside stay as text). */
export function formatWhatsApp(/** @type {string} */ text) {
  /** @type {Child[]} */
  const out = [];
  let last = 0;
  for (const match of text.matchAll(PATTERN)) {
    const index = match.index ?? 0;
    const group = match.slice(1).findIndex((g) => g !== undefined);
    const style = STYLES[group];
    if (!style) continue;
    if (index > last) out.push(text.slice(last, index));
    out.push(h(/** @type {'strong'} */ (style.tag), {}, match[group + 1] ?? ''));
    last = index + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
