// @ts-check
/* global document, confirm, ResizeObserver */
/** The open conversation: selecting it, loading it, its header, notes and actions. */

/** @import { ConversationView, OpenConversation } from './types.js' */
import { s } from './strings.js';
import { h, present } from './dom.js';
import { hhmm, fullTime, sinceOf, customerLabel, customerDetail, officerLabel } from './format.js';
import { elapsed, channelBadge, reasonTag, statusTag } from './widgets.js';
import { isHandoff } from './validate.js';
import { ApiError, statusOf, codeOf, api } from './api.js';
import { state, isMine } from './state.js';
import { ui } from './skeleton.js';
import { showError, showNotice, handleApiError } from './banners.js';
import { applyHandoff } from './events.js';
import { refreshList, renderLists } from './queue.js';
import { addEntries, renderTranscript } from './transcript.js';
import { renderInfo, ticketOf } from './details.js';
import { buildComposer } from './composer.js';
import { toggleTicketForm, closeTicketForm } from './ticketForm.js';
import { toggleTransfer } from './transfer.js';

export function selectHandoff(/** @type {number} */ id) {
  if (state.sel?.id === id) {
    document.body.classList.add('has-selection');
    return;
  }
  const other = state.closed.find((x) => x.id === id) ?? state.search?.results.find((x) => x.id === id);
  const item = state.handoffs.get(id) ?? (other ? { h: other, since: sinceOf(other) } : undefined);
  if (!item) return;
  const handoff = item.h;
  /** @type {OpenConversation} */
  const sel = {
    id,
    token: ++state.selTokens,
    key: handoff.conversationKey,
    handoff,
    since: item.since,
    transcript: new Map(),
    loaded: false,
    stick: true,
    busy: false,
    sending: false,
    ticket: null,
    ticketState: null,
    history: null,
    view: /** @type {ConversationView} */ (/** @type {unknown} */ (null)),
  };
  sel.view = buildConversationView(sel);
  state.sel = sel;
  state.unread.delete(handoff.conversationKey);
  ui.conv.replaceChildren(sel.view.root);
  document.body.classList.add('has-selection');
  renderConversation(sel);
  renderTranscript(sel);
  renderLists();
  loadDetail(sel);
}

function selectNone() {
  state.sel = null;
  ui.conv.replaceChildren(ui.convEmpty);
  document.body.classList.remove('has-selection');
  renderLists();
}

/** Fetches the handoff and its transcript; merges them with what live updates brought meanwhile. */
export async function loadDetail(/** @type {OpenConversation} */ sel) {
  const startSeq = state.seq;
  let data;
  try {
    data = await api('GET', `/handoffs/${encodeURIComponent(sel.id)}`);
  } catch (err) {
    if (state.sel !== sel) return;
    if (statusOf(err) === 404) {
      showError(s('errors.notFound'));
      selectNone();
      refreshList();
      return;
    }
    await handleApiError(err);
    return;
  }
  if (state.sel !== sel) return;
  if (isHandoff(data?.handoff) && (state.touched.get(sel.id) ?? 0) <= startSeq) {
    sel.handoff = data.handoff;
    sel.since = sinceOf(data.handoff);
  }
  sel.loaded = true;
  if (data?.history && typeof data.history === 'object') sel.history = data.history;
  addEntries(sel, Array.isArray(data?.transcript) ? data.transcript : []);
  renderConversation(sel);
  renderTranscript(sel);
}

/** @param {OpenConversation} sel @returns {ConversationView} */
function buildConversationView(sel) {
  const head = h('header', { class: 'conv__head' });
  const notes = h('div', { class: 'conv__notes' });
  const info = h('div', { class: 'conv__info' });
  const transcript = h('ol', { class: 'transcript', testid: 'transcript', 'aria-label': s('conversation.transcript') });
  const transcriptEmpty = h('p', { class: 'transcript__empty' }, s('conversation.loading'));
  const transcriptWrap = h('div', { class: 'conv__transcript', tabindex: '0' }, transcriptEmpty, transcript);
  // Follow the conversation unless the officer scrolled up to read: only a move upwards unsticks,
  // so our own scrolling to the bottom (measured after a photo grew the list) never does.
  let lastTop = 0;
  transcriptWrap.addEventListener('scroll', () => {
    const atBottom = transcriptWrap.scrollHeight - transcriptWrap.scrollTop - transcriptWrap.clientHeight < 48;
    if (atBottom) sel.stick = true;
    else if (transcriptWrap.scrollTop < lastTop) sel.stick = false;
    lastTop = transcriptWrap.scrollTop;
  });
  // Photos and wrapped lines grow the list after it is drawn; stay at the bottom if following.
  new ResizeObserver(() => {
    if (sel.stick) transcriptWrap.scrollTop = transcriptWrap.scrollHeight;
  }).observe(transcript);
  const ticketToggle = h('button', { type: 'button', class: 'btn btn--secondary', testid: 'ticket-toggle', 'aria-expanded': 'false', 'aria-controls': 'ticket-form' }, s('ticket.toggle'));
  const ticketBox = h('section', { class: 'ticket', hidden: true }, ticketToggle);
  ticketToggle.addEventListener('click', () => toggleTicketForm(sel));
  const composer = buildComposer(sel);
  const transferBox = h('div', { class: 'conv__transfer', id: 'transfer-box', hidden: true });
  // On a phone the transcript comes first; the customer data and the ticket open on demand.
  const detailsToggle = h('button', { type: 'button', class: 'btn btn--secondary conv__details-toggle', testid: 'details-toggle', 'aria-expanded': 'false', 'aria-controls': 'conv-details' }, s('conversation.showDetails'));
  const root = h('div', { class: 'conv__view' }, head, notes, detailsToggle, h('div', { class: 'conv__body' }, transcriptWrap, h('aside', { class: 'conv__details', id: 'conv-details', 'aria-label': s('conversation.details') }, info, ticketBox)), composer.root);
  detailsToggle.addEventListener('click', () => {
    const open = !root.classList.contains('is-details-open');
    root.classList.toggle('is-details-open', open);
    detailsToggle.setAttribute('aria-expanded', String(open));
    detailsToggle.textContent = open ? s('conversation.hideDetails') : s('conversation.showDetails');
  });
  return { root, head, notes, info, transcriptWrap, transcript, transcriptEmpty, ticketBox, ticketToggle, ticketForm: null, composer, transferBox };
}

/** Header, notes, details and which controls the officer has; the transcript and inputs stay. */
export function renderConversation(/** @type {OpenConversation} */ sel) {
  if (state.sel !== sel) return;
  const handoff = sel.handoff;
  const v = sel.view;
  const mine = isMine(handoff);
  const holder = handoff.officerName || handoff.officer || '';

  const actions = [];
  if (handoff.status === 'waiting') {
    actions.push(h('button', { type: 'button', class: 'btn btn--primary', testid: 'take', disabled: sel.busy, onclick: () => act(sel, 'take') }, s('actions.take')));
  }
  if (mine) {
    actions.push(h('button', { type: 'button', class: 'btn btn--secondary', testid: 'handback', disabled: sel.busy, onclick: () => act(sel, 'handback') }, s('actions.handback')));
    actions.push(h('button', { type: 'button', class: 'btn btn--danger', testid: 'close', disabled: sel.busy, onclick: () => act(sel, 'close') }, s('actions.close')));
    actions.push(
      h('button', { type: 'button', class: 'btn btn--secondary', testid: 'transfer', 'aria-controls': 'transfer-box', disabled: sel.busy, onclick: () => toggleTransfer(sel, v.transferBox) }, s('conversation.transfer')),
    );
  }
  const meta = [h('span', { title: fullTime(handoff.requestedAt) }, s('conversation.requestedAt', { time: hhmm(handoff.requestedAt) }))];
  if (handoff.status !== 'closed') meta.push(elapsed(sel.since, handoff.status === 'waiting' ? 'queue.waitingFor' : 'queue.activeFor', 'conv__elapsed'));
  if (handoff.status === 'active') meta.push(h('span', {}, mine ? s('queue.heldByYou') : s('queue.heldBy', { officer: holder })));

  v.head.replaceChildren(
    ...present(
      h('button', { type: 'button', class: 'btn btn--link conv__back', onclick: selectNone }, s('conversation.back')),
      h('div', { class: 'conv__title' }, h('h2', {}, customerLabel(handoff)), channelBadge(handoff.channel), reasonTag(handoff.reason), statusTag(handoff.status)),
      customerDetail(handoff) ? h('p', { class: 'conv__who', testid: 'conversation-customer' }, customerDetail(handoff)) : null,
      h('div', { class: 'conv__meta' }, ...meta.flatMap((m, i) => (i ? [h('span', { class: 'conv__sep', 'aria-hidden': 'true' }, '·'), m] : [m]))),
      actions.length ? h('div', { class: 'conv__actions' }, ...actions) : null,
      mine ? v.transferBox : null,
    ),
  );
  if (!mine) v.transferBox.hidden = true;

  const notes = [];
  if (handoff.status !== 'closed' && handoff.windowOpen === false) notes.push(h('p', { class: 'note note--warning' }, s('conversation.windowClosed')));
  if (handoff.status === 'waiting') notes.push(h('p', { class: 'note' }, s('conversation.takeHint')));
  if (handoff.status === 'active' && !mine) notes.push(h('p', { class: 'note' }, s('conversation.heldByOther', { officer: holder })));
  if (handoff.status === 'closed') notes.push(h('p', { class: 'note' }, handoff.outcome === 'handedBack' ? s('conversation.closedHandedBack') : s('conversation.closedClosed')));
  v.notes.replaceChildren(...notes);

  renderInfo(sel);
  const ticket = ticketOf(sel);
  v.ticketBox.hidden = !mine;
  // A ticket appeared while a first-ticket form was open (filed meanwhile): that form is moot.
  if (ticket && v.ticketForm && v.ticketForm.followUp === null) closeTicketForm(sel);
  if (!v.ticketForm) v.ticketToggle.textContent = ticket ? s('ticket.followUpToggle') : s('ticket.toggle');
  v.composer.root.hidden = !mine;
}

/**
 * Take over, hand back to the bot, or close (after a confirmation).
 * @param {OpenConversation} sel
 * @param {'take' | 'handback' | 'close'} action
 */
async function act(sel, action) {
  if (sel.busy || state.sel !== sel) return;
  if (action === 'close' && !confirm(s('actions.confirmClose'))) return;
  sel.busy = true;
  renderConversation(sel);
  let done = false;
  try {
    const data = await api('POST', `/handoffs/${encodeURIComponent(sel.id)}/${action}`, {});
    if (isHandoff(data?.handoff)) applyHandoff(data.handoff);
    done = true;
  } catch (err) {
    const status = statusOf(err);
    if (action === 'take' && status === 409 && codeOf(err) === 'already_taken') {
      const officer = err instanceof ApiError ? officerLabel(err.body.officer) : '';
      showError(officer ? s('errors.alreadyTaken', { officer }) : s('errors.alreadyTakenUnknown'));
      refreshList();
      if (state.sel === sel) loadDetail(sel);
    } else if (status === 409 && codeOf(err) === 'not_holder') {
      showError(s('errors.notHolder'));
      refreshList();
      if (state.sel === sel) loadDetail(sel);
    } else {
      await handleApiError(err);
    }
  } finally {
    sel.busy = false;
    renderConversation(sel);
  }
  if (!done) return;
  if (action === 'take') {
    showNotice(s('actions.taken'));
    if (state.sel === sel) sel.view.composer.textarea.focus();
  } else {
    showNotice(s(action === 'handback' ? 'actions.handedBack' : 'actions.closed'));
    if (state.sel === sel) selectNone();
  }
}
