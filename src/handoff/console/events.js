// @ts-check
/* global window, EventSource */
/** Live updates: the server-sent event stream, its reconnection, and applying what it brings. */

/** @import { HandoffSummary, TranscriptEntry } from './types.js' */
import { s } from './strings.js';
import { sinceOf } from './format.js';
import { isHandoff, isEntry, parseJson } from './validate.js';
import { API } from './api.js';
import { state } from './state.js';
import { ui } from './skeleton.js';
import { clearNetworkError } from './banners.js';
import { refreshMe } from './session.js';
import { refreshList, renderLists, noteClosed, refreshClosed } from './queue.js';
import { loadDetail, renderConversation } from './conversation.js';
import { addEntries } from './transcript.js';
import { alertWaiting } from './alerts.js';

/** Waits before re-opening the event stream after the server refused or dropped it for good. */
const RETRY_MS = [2000, 5000, 10000, 30000];

function setLive(/** @type {'connecting' | 'live' | 'reconnecting'} */ live) {
  ui.liveStatus.dataset.state = live;
  ui.liveStatus.textContent = s(`live.${live}`);
}

export function closeEvents() {
  if (state.events) state.events.close();
  state.events = null;
}

export function openEvents() {
  closeEvents();
  window.clearTimeout(state.retryTimer);
  setLive(state.streamOpened ? 'reconnecting' : 'connecting');
  const es = new EventSource(`${API}/events`);
  state.events = es;
  es.addEventListener('open', () => {
    if (state.events !== es) return;
    state.retryCount = 0;
    setLive('live');
    clearNetworkError();
    // Whatever happened while the stream was not there (or before it first opened) is fetched again.
    if (state.streamOpened) resync();
    else refreshList();
    state.streamOpened = true;
  });
  es.addEventListener('error', () => {
    if (state.events !== es) return;
    setLive('reconnecting');
    // CONNECTING: the browser reconnects by itself. CLOSED: the server refused the stream (signed
    // out, or an error status); find out which, then try again later.
    if (es.readyState === EventSource.CLOSED) scheduleReopen();
  });
  es.addEventListener('handoff', (ev) => {
    const handoff = parseJson(/** @type {MessageEvent} */ (ev).data);
    if (state.events === es && isHandoff(handoff)) applyHandoff(handoff);
  });
  es.addEventListener('transcript', (ev) => {
    const entry = parseJson(/** @type {MessageEvent} */ (ev).data);
    if (state.events === es && isEntry(entry)) onTranscriptEntry(entry);
  });
}

function scheduleReopen() {
  closeEvents();
  const delay = RETRY_MS[Math.min(state.retryCount, RETRY_MS.length - 1)];
  state.retryCount += 1;
  window.clearTimeout(state.retryTimer);
  state.retryTimer = window.setTimeout(async () => {
    if (!state.me) return;
    const signedIn = await refreshMe();
    if (!state.me) return;
    if (signedIn) openEvents();
    else scheduleReopen();
  }, delay);
}

function resync() {
  refreshList();
  refreshClosed();
  if (state.sel) loadDetail(state.sel);
}

/** A new or changed handoff (live update or the answer to an action). */
export function applyHandoff(/** @type {HandoffSummary} */ handoff) {
  // A customer who was not in the list before is now waiting: tell the officer.
  if (handoff.status === 'waiting' && !state.handoffs.has(handoff.id) && state.listLoaded) alertWaiting(handoff);
  state.seq += 1;
  state.touched.set(handoff.id, state.seq);
  if (handoff.status === 'closed') {
    state.handoffs.delete(handoff.id);
    noteClosed(handoff);
  } else state.handoffs.set(handoff.id, { h: handoff, since: sinceOf(handoff) });
  renderLists();
  const sel = state.sel;
  if (sel && sel.id === handoff.id) {
    sel.handoff = handoff;
    sel.since = sinceOf(handoff);
    renderConversation(sel);
  }
}

function onTranscriptEntry(/** @type {TranscriptEntry} */ entry) {
  const sel = state.sel;
  if (sel && sel.key === entry.conversationKey) {
    addEntries(sel, [entry]);
  } else if (entry.from === 'customer') {
    state.unread.add(entry.conversationKey);
    renderLists();
  }
}
