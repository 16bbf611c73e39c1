// @ts-check
/** Transferring the open conversation to another officer at the console. */

/** @import { OpenConversation } from './types.js' */
import { s } from './strings.js';
import { h } from './dom.js';
import { api, statusOf, codeOf } from './api.js';
import { state } from './state.js';
import { showError, showNotice, handleApiError } from './banners.js';
import { applyHandoff } from './events.js';
import { isHandoff } from './validate.js';

/** The officers at the console now, but this one (also remembered for naming them in transcripts). */
async function colleagues() {
  const data = await api('GET', '/officers');
  const list = Array.isArray(data?.officers) ? data.officers : [];
  /** @type {Array<{ username: string, displayName: string }>} */
  const officers = list.filter((/** @type {any} */ o) => o && typeof o.username === 'string' && typeof o.displayName === 'string');
  for (const o of officers) state.officerNames.set(o.username, o.displayName);
  return officers;
}

/** Opens (or closes) the transfer box under the conversation's header. */
export async function toggleTransfer(/** @type {OpenConversation} */ sel, /** @type {HTMLElement} */ box) {
  if (!box.hidden) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.hidden = false;
  box.replaceChildren(h('p', { class: 'hint' }, s('loading')));
  let officers;
  try {
    officers = await colleagues();
  } catch (err) {
    box.hidden = true;
    await handleApiError(err);
    return;
  }
  if (state.sel !== sel) return;
  if (officers.length === 0) {
    box.replaceChildren(h('p', { class: 'hint', testid: 'transfer-none' }, s('conversation.transferNone')));
    return;
  }
  const select = h(
    'select',
    { id: 'transfer-to', testid: 'transfer-select' },
    h('option', { value: '' }, s('conversation.transferChoose')),
    ...officers.map((o) => h('option', { value: o.username }, o.displayName)),
  );
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', testid: 'transfer-submit' }, s('conversation.transferSubmit'));
  const form = h('form', { class: 'transfer', novalidate: true }, h('label', { for: 'transfer-to' }, s('conversation.transferTo')), select, submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const to = select.value;
    if (!to) {
      select.focus();
      return;
    }
    submit.disabled = true;
    try {
      const data = await api('POST', `/handoffs/${encodeURIComponent(sel.id)}/transfer`, { to });
      if (isHandoff(data?.handoff)) applyHandoff(data.handoff);
      box.hidden = true;
      box.replaceChildren();
      showNotice(s('conversation.transferred', { officer: state.officerNames.get(to) ?? to }));
    } catch (err) {
      if (statusOf(err) === 409 && codeOf(err) === 'officer_offline') showError(s('conversation.transferOffline'));
      else await handleApiError(err);
    } finally {
      submit.disabled = false;
    }
  });
  box.replaceChildren(form);
  select.focus();
}
