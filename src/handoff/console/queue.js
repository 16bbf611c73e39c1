// @ts-check
/* global document */
/** The queue: the waiting and active handoffs, fetched and drawn. */

/** @import { QueueItem, QueueFilter, HandoffSummary } from './types.js' */
import { s, sOr } from './strings.js';
import { h, cls, token } from './dom.js';
import { sinceOf, customerLabel, customerDetail, hhmm, fullTime } from './format.js';
import { elapsed, channelBadge, reasonTag } from './widgets.js';
import { isHandoff } from './validate.js';
import { api } from './api.js';
import { state, isMine } from './state.js';
import { ui } from './skeleton.js';
import { handleApiError } from './banners.js';
import { selectHandoff, loadDetail, renderConversation } from './conversation.js';

/** Fetches the waiting and active handoffs; one request at a time, again if asked meanwhile. */
export async function refreshList() {
  if (state.listLoading) {
    state.listAgain = true;
    return;
  }
  state.listLoading = true;
  try {
    do {
      state.listAgain = false;
      const startSeq = state.seq;
      let data;
      try {
        data = await api('GET', '/handoffs');
      } catch (err) {
        await handleApiError(err);
        return;
      }
      if (!state.me) return;
      /** @type {Map<number, QueueItem>} */
      const fresh = new Map();
      const list = Array.isArray(data?.handoffs) ? data.handoffs : [];
      for (const handoff of list) {
        if (!isHandoff(handoff) || handoff.status === 'closed') continue;
        if ((state.touched.get(handoff.id) ?? 0) > startSeq) continue;
        fresh.set(handoff.id, { h: handoff, since: sinceOf(handoff) });
      }
      // Live updates that arrived while the list was on its way are newer than it.
      for (const [id, seq] of state.touched) {
        const current = state.handoffs.get(id);
        if (seq > startSeq && current) fresh.set(id, current);
      }
      state.handoffs = fresh;
      state.listLoaded = true;
      const sel = state.sel;
      if (sel && (state.touched.get(sel.id) ?? 0) <= startSeq) {
        const item = fresh.get(sel.id);
        if (item) {
          sel.handoff = item.h;
          sel.since = item.since;
          renderConversation(sel);
        } else if (sel.handoff.status !== 'closed') {
          loadDetail(sel); // closed meanwhile: fetch how it ended
        }
      }
      renderLists();
    } while (state.listAgain);
  } finally {
    state.listLoading = false;
  }
}

/** Waiting: most urgent first, then oldest request (the server's queue order). Active: oldest first. */
function compareItems(/** @type {QueueItem} */ a, /** @type {QueueItem} */ b) {
  if (a.h.status === 'waiting' && b.h.status === 'waiting') {
    const pa = Number.isFinite(a.h.priority) ? a.h.priority : 2;
    const pb = Number.isFinite(b.h.priority) ? b.h.priority : 2;
    if (pa !== pb) return pa - pb;
  }
  const ta = Date.parse((a.h.status === 'active' ? a.h.takenAt : a.h.requestedAt) ?? '') || 0;
  const tb = Date.parse((b.h.status === 'active' ? b.h.takenAt : b.h.requestedAt) ?? '') || 0;
  return ta - tb || a.h.id - b.h.id;
}

/** Shows one of the queue's lists (waiting, mine, all, closed); the closed one is fetched then. */
export function setFilter(/** @type {QueueFilter} */ filter) {
  state.filter = filter;
  renderLists();
  if (filter === 'closed') refreshClosed();
}

/** Fetches the latest closed conversations and the count of the last 24 hours. */
export async function refreshClosed() {
  let data;
  try {
    data = await api('GET', '/history');
  } catch (err) {
    await handleApiError(err);
    return;
  }
  if (!state.me) return;
  const list = Array.isArray(data?.handoffs) ? data.handoffs : [];
  state.closed = list.filter((/** @type {unknown} */ x) => isHandoff(x) && x.status === 'closed');
  state.closedCount = Number.isFinite(data?.closedCount) ? Number(data.closedCount) : state.closed.length;
  renderLists();
}

/** Looks for conversations by ITSM number, phone, email, name or text; the results replace the lists. */
export async function runSearch(/** @type {string} */ raw) {
  const query = raw.trim();
  if (Array.from(query).length < 2) {
    clearSearch();
    return;
  }
  let data;
  try {
    data = await api('GET', `/search?q=${encodeURIComponent(query)}`);
  } catch (err) {
    await handleApiError(err);
    return;
  }
  if (!state.me) return;
  const list = Array.isArray(data?.handoffs) ? data.handoffs : [];
  state.search = { query, results: list.filter((/** @type {unknown} */ x) => isHandoff(x)) };
  renderLists();
}

export function clearSearch() {
  state.search = null;
  ui.searchInput.value = '';
  renderLists();
}

/** A handoff closed live: first in the closed list, counted among the last 24 hours' once. */
export function noteClosed(/** @type {HandoffSummary} */ handoff) {
  const known = state.closed.some((x) => x.id === handoff.id);
  state.closed = [handoff, ...state.closed.filter((x) => x.id !== handoff.id)].slice(0, 50);
  if (!known) state.closedCount += 1;
}

export function renderLists() {
  const items = [...state.handoffs.values()];
  for (const { h: handoff } of items) if (handoff.officer && handoff.officerName) state.officerNames.set(handoff.officer, handoff.officerName);
  const waiting = items.filter((i) => i.h.status === 'waiting').sort(compareItems);
  const active = items.filter((i) => i.h.status === 'active').sort(compareItems);
  const mine = active.filter((i) => isMine(i.h));
  const filter = state.filter;
  const shownActive = filter === 'mine' ? mine : active;
  const searching = state.search !== null;
  ui.waitingSection.hidden = searching || !(filter === 'waiting' || filter === 'all');
  ui.activeSection.hidden = searching || !(filter === 'mine' || filter === 'all');
  ui.closedSection.hidden = searching || filter !== 'closed';
  ui.searchSection.hidden = !searching;
  if (state.search) {
    const results = state.search.results;
    ui.searchCount.textContent = String(results.length);
    ui.searchList.replaceChildren(
      ...(results.length
        ? results.map((handoff) => renderItem({ h: handoff, since: sinceOf(handoff) }, null))
        : [h('li', { class: 'queue__empty' }, s('search.none', { query: state.search.query }))]),
    );
  }
  ui.waitingList.replaceChildren(...(waiting.length ? waiting.map((item, i) => renderItem(item, i + 1)) : [h('li', { class: 'queue__empty' }, s('queue.emptyWaiting'))]));
  ui.activeList.replaceChildren(
    ...(shownActive.length ? shownActive.map((item) => renderItem(item, null)) : [h('li', { class: 'queue__empty' }, s(filter === 'mine' ? 'queue.emptyMine' : 'queue.emptyActive'))]),
  );
  if (filter === 'closed') {
    ui.closedList.replaceChildren(
      ...(state.closed.length ? state.closed.map((handoff) => renderItem({ h: handoff, since: Date.parse(handoff.closedAt ?? '') || Date.now() }, null)) : [h('li', { class: 'queue__empty' }, s('queue.emptyClosed'))]),
    );
  }
  ui.waitingCount.textContent = String(waiting.length);
  ui.activeCount.textContent = String(shownActive.length);
  ui.closedCount.textContent = String(state.closedCount);
  /** @type {Record<QueueFilter, number>} */
  const counts = { waiting: waiting.length, mine: mine.length, all: waiting.length + active.length, closed: state.closedCount };
  for (const [name, button] of Object.entries(ui.filterButtons)) {
    button.setAttribute('aria-pressed', String(name === filter));
    const count = button.querySelector('.filter__count');
    if (count) count.textContent = String(counts[/** @type {QueueFilter} */ (name)]);
  }
  document.title = waiting.length ? s('queue.pageTitle', { count: waiting.length, title: s('title') }) : s('title');
}

/**
 * One entry of the queue. `position` is the place in the list as shown (the server's positions
 * order it), so the numbers stay 1, 2, 3… even between two updates.
 * @param {QueueItem} item
 * @param {number | null} position
 */
function renderItem(item, position) {
  const handoff = item.h;
  const selected = state.sel?.id === handoff.id;
  const unread = state.unread.has(handoff.conversationKey);
  const waiting = handoff.status === 'waiting';
  const closed = handoff.status === 'closed';
  const button = h(
    'button',
    { type: 'button', class: 'queue-item__btn', 'aria-current': selected ? 'true' : null },
    h(
      'span',
      { class: 'queue-item__top' },
      position !== null ? h('span', { class: 'queue-item__pos', title: s('queue.position', { position }) }, `#${position}`) : null,
      channelBadge(handoff.channel),
      reasonTag(handoff.reason),
      closed ? null : elapsed(item.since, waiting ? 'queue.waitingFor' : 'queue.activeFor', 'queue-item__time'),
      closed ? h('span', { class: 'queue-item__time', title: fullTime(handoff.closedAt) }, hhmm(handoff.closedAt)) : null,
    ),
    h('span', { class: 'queue-item__name' }, customerLabel(handoff), unread ? h('span', { class: 'queue-item__unread' }, s('queue.newMessage')) : null),
    customerDetail(handoff) ? h('span', { class: 'queue-item__who', testid: 'customer-detail' }, customerDetail(handoff)) : null,
    handoff.lastMessage
      ? h(
          'span',
          { class: 'queue-item__last', testid: 'last-message' },
          h('span', { class: 'queue-item__last-text' }, handoff.lastMessage.from === 'customer' ? '' : `${s(`queue.from.${handoff.lastMessage.from}`)}: `, handoff.lastMessage.text),
          h('time', { class: 'queue-item__last-at', datetime: handoff.lastMessage.at, title: fullTime(handoff.lastMessage.at) }, hhmm(handoff.lastMessage.at)),
        )
      : null,
    handoff.guess ? h('span', { class: 'queue-item__guess' }, handoff.guess) : null,
    closed && handoff.outcome ? h('span', { class: 'queue-item__officer' }, sOr(`queue.outcome.${handoff.outcome}`, handoff.outcome), handoff.officerName ? ` · ${handoff.officerName}` : '') : null,
    handoff.status === 'active'
      ? h('span', { class: 'queue-item__officer' }, isMine(handoff) ? s('queue.heldByYou') : s('queue.heldBy', { officer: handoff.officerName || handoff.officer || '' }))
      : null,
  );
  return h(
    'li',
    {
      class: cls('queue-item', selected && 'is-selected', isMine(handoff) && 'is-mine', unread && 'has-unread', `queue-item--${token(handoff.reason)}`),
      testid: 'handoff-item',
      'data-handoff-id': handoff.id,
      onclick: () => selectHandoff(handoff.id),
    },
    button,
  );
}
