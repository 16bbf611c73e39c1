// @ts-check
/* global document, HTMLElement */
/**
 * Small reusable elements: live elapsed-time counters, photo links, channel badges and
 * reason/status tags.
 */

import { s, sOr } from './strings.js';
import { h, token } from './dom.js';
import { elapsedWords } from './format.js';
import { API } from './api.js';

/** An element counting up every second from `since` (ms, local clock), as sentence `key`. */
export function elapsed(/** @type {number} */ since, /** @type {string} */ key, /** @type {string} */ className) {
  const el = h('span', { class: className, 'data-since': since, 'data-tpl': key });
  el.textContent = s(key, { time: elapsedWords((Date.now() - since) / 1000) });
  return el;
}

/** Brings every elapsed-time counter on the page up to date (called every second). */
export function tick() {
  const now = Date.now();
  for (const el of document.querySelectorAll('[data-since]')) {
    if (!(el instanceof HTMLElement)) continue;
    const since = Number(el.dataset.since);
    if (Number.isFinite(since)) el.textContent = s(el.dataset.tpl ?? '', { time: elapsedWords((now - since) / 1000) });
  }
}

function photoUrl(/** @type {string} */ fileName) {
  return `${API}/photos/${encodeURIComponent(fileName)}`;
}

/** `<sha>.thumb.jpg` -> `<sha>.jpg`; other names unchanged. */
function fullPhotoName(/** @type {string} */ fileName) {
  return fileName.replace(/\.thumb(\.[A-Za-z0-9]+)$/, '$1');
}

/** A photo thumbnail that opens the full photo in a new tab. */
export function photoLink(/** @type {string} */ fileName, /** @type {string} */ alt, /** @type {string} */ className, /** @type {string | null} */ testid, /** @type {(() => void) | null} */ onLoad) {
  const img = h('img', { src: photoUrl(fileName), alt, class: className, testid, loading: 'lazy', decoding: 'async' });
  if (onLoad) img.addEventListener('load', onLoad);
  return h('a', { href: photoUrl(fullPhotoName(fileName)), target: '_blank', rel: 'noopener noreferrer', class: 'photo-link', title: s('conversation.openPhoto') }, img);
}

/** Meta channels' names: through the Bot Framework endpoint they are a test client (npm run chat) or a pretence. */
const META_CHANNELS = new Set(['whatsapp', 'messenger', 'instagram']);

/**
 * A conversation's channel: a Meta channel's name (`whatsapp`), or `bf:<channel id>` for the Bot
 * Framework endpoint, shown by its channel id (`bf:webchat` as Web Chat). A Bot Framework client
 * calling itself by a Meta name is shown as such ("WhatsApp via Bot Framework"), never with the
 * Meta channel's own badge.
 */
export function channelBadge(/** @type {string} */ channel) {
  const viaBotFramework = typeof channel === 'string' && channel.startsWith('bf:');
  const id = viaBotFramework ? channel.slice(3) : String(channel);
  const name = sOr(`channel.${id}`, id);
  const label = viaBotFramework && META_CHANNELS.has(id) ? s('channelViaBotFramework', { channel: name }) : name;
  return h('span', { class: `badge badge--${viaBotFramework ? 'botframework' : token(channel)}` }, label);
}

export function reasonTag(/** @type {string} */ reason) {
  return h('span', { class: `tag tag--${token(reason)}` }, sOr(`reason.${reason}`, String(reason)));
}

export function statusTag(/** @type {string} */ status) {
  return h('span', { class: `status status--${token(status)}` }, sOr(`status.${status}`, String(status)));
}
