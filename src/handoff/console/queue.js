// @ts-check
/* global document */
/** The queue: the waiting and active handoffs, fetched and drawn. */

/** @import { QueueItem } from './types.js' */
import { s } from './strings.js';
import { h, cls, token } from './dom.js';
import { sinceOf, customerLabel } from './format.js';
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

/** Waiting: by queue position, then oldest first. Active: oldest first. */
function compareItems(/** @type {QueueItem} */ a, /** @type {QueueItem} */ b) {
  const pa = a.h.position ?? Number.MAX_SAFE_INTEGER;
  const pb = b.h.position ?? Number.MAX_SAFE_INTEGER;
  if (a.h.status === 'waiting' && pa !== pb) return pa - pb;
  const ta = Date.parse((a.h.status === 'active' ? a.h.takenAt : a.h.requestedAt) ?? '') || 0;
  const tb = Date.parse((b.h.status === 'active' ? b.h.takenAt : b.h.requestedAt) ?? '') || 0;
  return ta - tb || a.h.id - b.h.id;
}

export function renderLists() {
  const items = [...state.handoffs.values()];
  const waiting = items.filter((i) => i.h.status === 'waiting').sort(compareItems);
  const active = items.filter((i) => i.h.status === 'active').sort(compareItems);
  ui.waitingList.replaceChildren(...(waiting.length ? waiting.map((item, i) => renderItem(item, i + 1)) : [h('li', { class: 'queue__empty' }, s('queue.emptyWaiting'))]));
  ui.activeList.replaceChildren(...(active.length ? active.map((item) => renderItem(item, null)) : [h('li', { class: 'queue__empty' }, s('queue.emptyActive'))]));
  ui.waitingCount.textContent = String(waiting.length);
  ui.activeCount.textContent = String(active.length);
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
  const button = h(
    'button',
    { type: 'button', class: 'queue-item__btn', 'aria-current': selected ? 'true' : null },
    h(
      'span',
      { class: 'queue-item__top' },
      position !== null ? h('span', { class: 'queue-item__pos', title: s('queue.position', { position }) }, `#${position}`) : null,
      channelBadge(handoff.channel),
      reasonTag(handoff.reason),
      elapsed(item.since, waiting ? 'queue.waitingFor' : 'queue.activeFor', 'queue-item__time'),
    ),
    h('span', { class: 'queue-item__name' }, customerLabel(handoff), unread ? h('span', { class: 'queue-item__unread' }, s('queue.newMessage')) : null),
    handoff.guess ? h('span', { class: 'queue-item__guess' }, handoff.guess) : null,
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
