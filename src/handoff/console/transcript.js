// @ts-check
/** The transcript of the open conversation. */

/** @import { TranscriptEntry, OpenConversation } from './types.js' */
import { s } from './strings.js';
import { h } from './dom.js';
import { hhmm, fullTime } from './format.js';
import { photoLink } from './widgets.js';
import { isEntry } from './validate.js';
import { state } from './state.js';

/** @param {OpenConversation} sel @param {unknown[]} entries */
export function addEntries(sel, entries) {
  let added = false;
  for (const entry of entries) {
    if (!isEntry(entry) || entry.conversationKey !== sel.key || sel.transcript.has(entry.id)) continue;
    sel.transcript.set(entry.id, entry);
    added = true;
  }
  if (added) renderTranscript(sel);
}

/** The transcript in order; stays at the bottom if the officer was there. */
export function renderTranscript(/** @type {OpenConversation} */ sel) {
  if (state.sel !== sel) return;
  const v = sel.view;
  const entries = [...sel.transcript.values()].sort((a, b) => a.id - b.id);
  const keepBottom = () => {
    if (sel.stick) v.transcriptWrap.scrollTop = v.transcriptWrap.scrollHeight;
  };
  const previousTop = v.transcriptWrap.scrollTop;
  v.transcript.replaceChildren(...entries.map((entry) => renderEntry(sel, entry, keepBottom)));
  v.transcriptEmpty.textContent = sel.loaded ? s('conversation.noMessages') : s('conversation.loading');
  v.transcriptEmpty.hidden = entries.length > 0;
  if (sel.stick) keepBottom();
  else v.transcriptWrap.scrollTop = previousTop;
}

/** @param {OpenConversation} sel @param {TranscriptEntry} entry @param {() => void} onImageLoad */
function renderEntry(sel, entry, onImageLoad) {
  let who;
  if (entry.from === 'customer') who = sel.handoff.customerName || s('conversation.customer');
  else if (entry.from === 'bot') who = s('conversation.bot');
  else if (state.me && entry.officer === state.me.username) who = s('conversation.you', { name: state.me.displayName || state.me.username });
  else who = s('conversation.agent', { name: entry.officer ?? '' });
  return h(
    'li',
    { class: `msg msg--${entry.from}`, testid: 'transcript-entry', 'data-from': entry.from },
    h('div', { class: 'msg__meta' }, h('span', { class: 'msg__who' }, who), ' ', h('time', { datetime: entry.at, title: fullTime(entry.at) }, hhmm(entry.at))),
    entry.text ? h('div', { class: 'msg__text' }, entry.text) : null,
    entry.attachment ? photoLink(entry.attachment, s('conversation.attachment'), 'msg__photo', null, onImageLoad) : null,
  );
}
