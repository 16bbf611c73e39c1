// @ts-check
/** The transcript of the open conversation. */

/** @import { TranscriptEntry, OpenConversation } from './types.js' */
import { s, sOr } from './strings.js';
import { h, cls, token } from './dom.js';
import { formatWhatsApp } from './whatsappText.js';
import { resend } from './composer.js';
import { hhmm, fullTime } from './format.js';
import { photoLink } from './widgets.js';
import { isEntry } from './validate.js';
import { state, isMine } from './state.js';

/** @param {OpenConversation} sel @param {unknown[]} entries */
export function addEntries(sel, entries) {
  let added = false;
  for (const entry of entries) {
    if (!isEntry(entry) || entry.conversationKey !== sel.key) continue;
    // A line seen before comes again when its delivery changes (queued → sent or failed).
    const known = sel.transcript.get(entry.id);
    if (known && known.delivery === entry.delivery && known.deliveryError === entry.deliveryError) continue;
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
  if (entry.from === 'customer') who = sel.handoff.customerName || sel.handoff.formName || s('conversation.customer');
  else if (entry.from === 'bot') who = s('conversation.bot');
  else if (entry.note) who = s('conversation.note', { name: officerName(sel, entry.officer) });
  else if (state.me && entry.officer === state.me.username) who = s('conversation.you', { name: state.me.displayName || state.me.username });
  else who = s('conversation.agent', { name: officerName(sel, entry.officer) });
  const choices = Array.isArray(entry.choices) ? entry.choices.filter((c) => typeof c === 'string') : [];
  return h(
    'li',
    { class: cls('msg', `msg--${entry.from}`, entry.note && 'msg--note'), testid: 'transcript-entry', 'data-from': entry.note ? 'note' : entry.from, 'data-entry-id': entry.id },
    h('div', { class: 'msg__meta' }, h('span', { class: 'msg__who' }, who), ' ', h('time', { datetime: entry.at, title: fullTime(entry.at) }, hhmm(entry.at))),
    entry.text ? h('div', { class: 'msg__text' }, ...formatWhatsApp(entry.text)) : null,
    choices.length
      ? h('ul', { class: 'msg__choices', 'aria-label': s('conversation.choices') }, ...choices.map((title) => h('li', { class: 'msg__choice' }, title)))
      : null,
    entry.attachment ? photoLink(entry.attachment, s('conversation.attachment'), 'msg__photo', null, onImageLoad) : null,
    entry.from === 'agent' && !entry.note && entry.delivery ? deliveryLine(sel, entry) : null,
  );
}

/** Queued, sent, delivered, read; or failed with the reason and, for the holder, a resend button. */
function deliveryLine(/** @type {OpenConversation} */ sel, /** @type {TranscriptEntry} */ entry) {
  const state_ = entry.delivery ?? 'sent';
  const failed = state_ === 'failed';
  const reason = failed && entry.deliveryError ? sOr(`delivery.error.${entry.deliveryError}`, entry.deliveryError) : '';
  return h(
    'div',
    { class: cls('msg__delivery', `msg__delivery--${token(state_)}`), testid: 'delivery', 'data-delivery': state_ },
    sOr(`delivery.${state_}`, state_),
    reason ? `: ${reason}` : '',
    failed && isMine(sel.handoff)
      ? h('button', { type: 'button', class: 'btn btn--link msg__resend', testid: 'resend', onclick: () => resend(sel, entry.id) }, s('delivery.resend'))
      : null,
  );
}

/** An officer's display name: known from the holder or the colleagues list, else the user name. */
function officerName(/** @type {OpenConversation} */ sel, /** @type {string | null} */ username) {
  if (!username) return '';
  if (state.me?.username === username) return state.me.displayName || username;
  if (sel.handoff.officer === username && sel.handoff.officerName) return sel.handoff.officerName;
  return state.officerNames.get(username) ?? username;
}
