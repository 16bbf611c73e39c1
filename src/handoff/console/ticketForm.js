// @ts-check
/** Filing a ticket: the ticket form of the open conversation, its checks and the result. */

/** @import { Ticket, TicketKind, Control, TicketForm, OpenConversation, Child } from './types.js' */
import { s } from './strings.js';
import { h } from './dom.js';
import { isTicket } from './validate.js';
import { ApiError, statusOf, codeOf, api } from './api.js';
import { state } from './state.js';
import { showError, showNotice, handleApiError } from './banners.js';
import { refreshList } from './queue.js';
import { loadDetail, renderConversation } from './conversation.js';
import { REPLY_MAX, suggestReply } from './composer.js';
import { FIELD_KEYS, REQUIRED_FIELDS, SELLER_ONLY_FIELDS } from './fields.js';
import { ticketOf } from './details.js';
import { fillCatalog, provinces } from './catalog.js';

export function toggleTicketForm(/** @type {OpenConversation} */ sel) {
  const v = sel.view;
  if (!v.ticketForm) {
    v.ticketForm = buildTicketForm(sel);
    v.ticketBox.append(v.ticketForm.form);
  }
  const open = v.ticketForm.form.hidden;
  v.ticketForm.form.hidden = !open;
  v.ticketToggle.setAttribute('aria-expanded', String(open));
  v.ticketToggle.textContent = open ? s('ticket.hide') : toggleLabel(sel);
  if (open) v.ticketForm.controls.get('name')?.input.focus();
}

export function closeTicketForm(/** @type {OpenConversation} */ sel) {
  const v = sel.view;
  v.ticketForm?.form.remove();
  v.ticketForm = null;
  v.ticketToggle.setAttribute('aria-expanded', 'false');
  v.ticketToggle.textContent = toggleLabel(sel);
}

/** "Buat tiket", or "Buat tiket lanjutan" once the stay has a ticket. */
function toggleLabel(/** @type {OpenConversation} */ sel) {
  return ticketOf(sel) ? s('ticket.followUpToggle') : s('ticket.toggle');
}

/** @param {OpenConversation} sel @returns {TicketForm} */
function buildTicketForm(sel) {
  const handoff = sel.handoff;
  const followUp = ticketOf(sel)?.itsmNumber ?? null;
  const form = handoff.form && typeof handoff.form === 'object' ? handoff.form : {};
  /** @type {TicketKind} */
  const initialKind = handoff.formKind === 'seller' ? 'seller' : 'complaint';
  /** @type {Map<string, Control>} */
  const controls = new Map();

  /**
   * @param {string} key
   * @param {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} input
   * @param {string} labelText
   * @param {Child} [extra]
   */
  const field = (key, input, labelText, extra) => {
    const error = h('p', { class: 'field__error', id: `ticket-${key}-error`, hidden: true });
    const wrap = h('div', { class: 'field', 'data-field': key }, h('label', { for: input.id }, labelText, h('span', { class: 'field__req', 'aria-hidden': 'true' }, ' *')), input, extra, error);
    input.addEventListener('input', () => clearFieldError(controls.get(key)));
    input.addEventListener('change', () => clearFieldError(controls.get(key)));
    controls.set(key, { wrap, input, error });
    return wrap;
  };

  const radios = /** @type {TicketKind[]} */ (['seller', 'complaint']).map((kind) =>
    h('input', { type: 'radio', name: 'ticket-kind', id: `ticket-kind-${kind}`, value: kind, checked: kind === initialKind }),
  );
  const kindOf = () => /** @type {TicketKind} */ (radios.find((r) => r.checked)?.value === 'seller' ? 'seller' : 'complaint');
  const kindField = h(
    'fieldset',
    { class: 'field field--kind' },
    h('legend', {}, s('ticket.kind')),
    ...radios.map((radio) => h('label', { class: 'choice', for: radio.id }, radio, ' ', s(radio.value === 'seller' ? 'ticket.kindSeller' : 'ticket.kindComplaint'))),
  );

  const catalogSelect = h('select', { id: 'ticket-catalogNumber', name: 'catalogNumber' });
  const catalogNote = h('p', { class: 'hint', hidden: true }, s('ticket.catalogFailed'));
  const catalogField = field('catalogNumber', catalogSelect, s('ticket.catalog'), catalogNote);
  fillCatalog(catalogSelect, catalogNote, typeof handoff.catalogNumber === 'number' ? handoff.catalogNumber : null);

  const inputs = FIELD_KEYS.map((key) => {
    const type = key === 'email' ? 'email' : key === 'phone' ? 'tel' : 'text';
    const input = h('input', { id: `ticket-${key}`, name: key, type, autocomplete: 'off', maxlength: 500, spellcheck: 'false', list: key === 'province' ? 'ticket-provinces' : null });
    const v = form[key];
    input.value = v === null || v === undefined ? '' : String(v);
    return field(key, input, s(`fields.${key}`));
  });

  const description = h('textarea', { id: 'ticket-description', name: 'description', rows: 3, maxlength: REPLY_MAX });
  const descriptionField = field('description', description, s('ticket.description'));

  const message = h('p', { class: 'ticket-form__message', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', testid: 'ticket-submit' }, s('ticket.submit'));
  const element = h(
    'form',
    { class: 'ticket-form', id: 'ticket-form', testid: 'ticket-form', novalidate: true, hidden: true, 'aria-label': s('ticket.heading') },
    h('h3', {}, followUp ? s('ticket.followUpHeading', { number: followUp }) : s('ticket.heading')),
    followUp ? h('p', { class: 'hint', testid: 'follow-up-hint' }, s('ticket.followUpHint', { number: followUp })) : null,
    kindField,
    catalogField,
    ...inputs,
    descriptionField,
    provinceList(),
    h('p', { class: 'hint' }, s('ticket.requiredHint')),
    message,
    submit,
  );

  /** @type {TicketForm} */
  const ticketForm = { form: element, controls, kind: kindOf, submit, message, busy: false, followUp, keepAsTyped: false };
  const updateKind = () => {
    const kind = kindOf();
    for (const [key, control] of controls) {
      const required = key === 'catalogNumber' ? kind === 'complaint' : REQUIRED_FIELDS[kind].includes(key);
      control.wrap.classList.toggle('is-required', required);
      control.input.required = required;
      if (key === 'catalogNumber') control.wrap.hidden = kind !== 'complaint';
      if (SELLER_ONLY_FIELDS.includes(key)) control.wrap.hidden = kind !== 'seller' && !control.wrap.classList.contains('is-invalid');
    }
  };
  for (const radio of radios) radio.addEventListener('change', updateKind);
  updateKind();
  element.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitTicket(sel, ticketForm);
  });
  return ticketForm;
}

/** The provinces the bot accepts, offered as the officer types (the server checks the entry). */
function provinceList() {
  const list = h('datalist', { id: 'ticket-provinces' });
  provinces().then((names) => list.replaceChildren(...names.map((name) => h('option', { value: name }))));
  return list;
}

function clearFieldError(/** @type {Control | undefined} */ control) {
  if (!control || !control.wrap.classList.contains('is-invalid')) return;
  control.wrap.classList.remove('is-invalid');
  control.input.removeAttribute('aria-invalid');
  control.input.removeAttribute('aria-describedby');
  control.error.textContent = '';
  control.error.hidden = true;
}

/**
 * Marks the inputs named in `errors` (field -> code), with the server's explanation when it gave
 * one; an email typo gets its suggestion as a button and a "keep as typed" box; a missing photo is
 * said above the button (the officer asks the customer for it in the chat).
 * @param {TicketForm} ticketForm
 * @param {Record<string, unknown>} errors
 * @param {Record<string, unknown>} [messages]
 * @param {Record<string, unknown>} [suggestions]
 */
function markFieldErrors(ticketForm, errors, messages = {}, suggestions = {}) {
  /** @type {Control | null} */
  let first = null;
  /** @type {string[]} */
  const formLevel = [];
  for (const [rawKey, code] of Object.entries(errors)) {
    const key = rawKey.replace(/^fields\./, '');
    const said = typeof messages[key] === 'string' ? String(messages[key]) : null;
    const control = ticketForm.controls.get(key);
    if (!control) {
      if (said) formLevel.push(said);
      continue;
    }
    control.wrap.hidden = false;
    control.wrap.classList.add('is-invalid');
    control.input.setAttribute('aria-invalid', 'true');
    control.input.setAttribute('aria-describedby', control.error.id);
    const text = said ?? (code === 'required' || code === 'missing' ? s('ticket.errorRequired') : s('ticket.errorInvalid'));
    const suggestion = typeof suggestions[key] === 'string' ? String(suggestions[key]) : null;
    control.error.replaceChildren(text, ...(suggestion ? typoChoices(ticketForm, control, suggestion) : []));
    control.error.hidden = false;
    first ??= control;
  }
  ticketForm.message.textContent = [s('ticket.checkFields'), ...formLevel].join(' ');
  ticketForm.message.hidden = false;
  first?.input.focus();
}

/** "Pakai <suggestion>" and "Tetap seperti diketik" under a field the bot would have queried. */
function typoChoices(/** @type {TicketForm} */ ticketForm, /** @type {Control} */ control, /** @type {string} */ suggestion) {
  const use = h('button', { type: 'button', class: 'btn btn--link', testid: 'use-suggestion' }, s('ticket.useSuggestion', { value: suggestion }));
  use.addEventListener('click', () => {
    control.input.value = suggestion;
    clearFieldError(control);
    control.input.focus();
  });
  const keep = h('input', { type: 'checkbox', id: 'ticket-keep-typed', testid: 'keep-as-typed', checked: ticketForm.keepAsTyped });
  keep.addEventListener('change', () => {
    ticketForm.keepAsTyped = keep.checked;
  });
  return [' ', use, h('label', { class: 'choice', for: 'ticket-keep-typed' }, keep, ' ', s('ticket.keepAsTyped'))];
}

/** @param {OpenConversation} sel @param {TicketForm} ticketForm */
async function submitTicket(sel, ticketForm) {
  if (ticketForm.busy || state.sel !== sel) return;
  for (const control of ticketForm.controls.values()) clearFieldError(control);
  ticketForm.message.hidden = true;

  const kind = ticketForm.kind();
  /** @type {Record<string, string>} */
  const fields = {};
  for (const key of FIELD_KEYS) fields[key] = ticketForm.controls.get(key)?.input.value.trim() ?? '';
  /** @type {Record<string, string>} */
  const errors = {};
  for (const key of REQUIRED_FIELDS[kind]) if (!fields[key]) errors[key] = 'required';
  /** @type {{ kind: TicketKind, fields: Record<string, string>, catalogNumber?: number, description?: string, followUp?: boolean, keepEmailAsTyped?: boolean }} */
  const body = { kind, fields };
  if (ticketForm.followUp) body.followUp = true;
  if (ticketForm.keepAsTyped) body.keepEmailAsTyped = true;
  if (kind === 'complaint') {
    const n = Number(ticketForm.controls.get('catalogNumber')?.input.value);
    if (Number.isInteger(n) && n >= 1) body.catalogNumber = n;
    else errors.catalogNumber = 'required';
  }
  const description = ticketForm.controls.get('description')?.input.value.trim() ?? '';
  if (description) body.description = description;
  if (Object.keys(errors).length) {
    markFieldErrors(ticketForm, errors);
    return;
  }

  ticketForm.busy = true;
  ticketForm.submit.disabled = true;
  ticketForm.submit.textContent = s('ticket.submitting');
  try {
    const data = await api('POST', `/handoffs/${encodeURIComponent(sel.id)}/ticket`, body);
    if (isTicket(data?.ticket)) ticketFiled(sel, data.ticket, 'created', kind);
  } catch (err) {
    const status = statusOf(err);
    const code = codeOf(err);
    const errBody = err instanceof ApiError ? err.body : {};
    if (status === 400 && code === 'invalid_fields' && errBody.fields && typeof errBody.fields === 'object') {
      const record = (/** @type {unknown} */ x) => (x && typeof x === 'object' ? /** @type {Record<string, unknown>} */ (x) : {});
      markFieldErrors(ticketForm, record(errBody.fields), record(errBody.messages), record(errBody.suggestions));
    } else if (status === 409 && code === 'already_filed' && isTicket(errBody.ticket)) {
      ticketFiled(sel, errBody.ticket, 'already', kind);
    } else if (status === 409 && code === 'not_holder') {
      showError(s('errors.notHolder'));
      refreshList();
      if (state.sel === sel) loadDetail(sel);
    } else {
      await handleApiError(err);
    }
  } finally {
    ticketForm.busy = false;
    ticketForm.submit.disabled = false;
    ticketForm.submit.textContent = s('ticket.submit');
  }
}

/**
 * Shows the ticket number prominently and, for a new ticket, puts a suggested reply in the box.
 * @param {OpenConversation} sel
 * @param {Ticket} ticket
 * @param {'created' | 'already'} how
 * @param {TicketKind} kind
 */
function ticketFiled(sel, ticket, how, kind) {
  if (state.sel !== sel) return;
  sel.ticket = ticket;
  sel.ticketState = how;
  closeTicketForm(sel);
  renderConversation(sel);
  if (how === 'created') {
    suggestReply(sel, s(kind === 'seller' ? 'ticket.suggestedReplySeller' : 'ticket.suggestedReply', { number: ticket.itsmNumber }));
    showNotice(s('ticket.replySuggested'));
  }
}
