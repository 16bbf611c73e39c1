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
import { fillCatalog } from './catalog.js';

export function toggleTicketForm(/** @type {OpenConversation} */ sel) {
  const v = sel.view;
  if (!v.ticketForm) {
    v.ticketForm = buildTicketForm(sel);
    v.ticketBox.append(v.ticketForm.form);
  }
  const open = v.ticketForm.form.hidden;
  v.ticketForm.form.hidden = !open;
  v.ticketToggle.setAttribute('aria-expanded', String(open));
  v.ticketToggle.textContent = open ? s('ticket.hide') : s('ticket.toggle');
  if (open) v.ticketForm.controls.get('name')?.input.focus();
}

export function closeTicketForm(/** @type {OpenConversation} */ sel) {
  const v = sel.view;
  v.ticketForm?.form.remove();
  v.ticketForm = null;
  v.ticketToggle.setAttribute('aria-expanded', 'false');
  v.ticketToggle.textContent = s('ticket.toggle');
}

/** @param {OpenConversation} sel @returns {TicketForm} */
function buildTicketForm(sel) {
  const handoff = sel.handoff;
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
    const input = h('input', { id: `ticket-${key}`, name: key, type, autocomplete: 'off', maxlength: 500, spellcheck: 'false' });
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
    h('h3', {}, s('ticket.heading')),
    kindField,
    catalogField,
    ...inputs,
    descriptionField,
    h('p', { class: 'hint' }, s('ticket.requiredHint')),
    message,
    submit,
  );

  /** @type {TicketForm} */
  const ticketForm = { form: element, controls, kind: kindOf, submit, message, busy: false };
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

function clearFieldError(/** @type {Control | undefined} */ control) {
  if (!control || !control.wrap.classList.contains('is-invalid')) return;
  control.wrap.classList.remove('is-invalid');
  control.input.removeAttribute('aria-invalid');
  control.input.removeAttribute('aria-describedby');
  control.error.textContent = '';
  control.error.hidden = true;
}

/**
 * Marks the inputs named in `errors` (field -> 'required' | 'invalid' | other code).
 * @param {TicketForm} ticketForm
 * @param {Record<string, unknown>} errors
 */
function markFieldErrors(ticketForm, errors) {
  /** @type {Control | null} */
  let first = null;
  for (const [rawKey, code] of Object.entries(errors)) {
    const control = ticketForm.controls.get(rawKey.replace(/^fields\./, ''));
    if (!control) continue;
    control.wrap.hidden = false;
    control.wrap.classList.add('is-invalid');
    control.input.setAttribute('aria-invalid', 'true');
    control.input.setAttribute('aria-describedby', control.error.id);
    control.error.textContent = code === 'required' || code === 'missing' ? s('ticket.errorRequired') : s('ticket.errorInvalid');
    control.error.hidden = false;
    first ??= control;
  }
  ticketForm.message.textContent = s('ticket.checkFields');
  ticketForm.message.hidden = false;
  first?.input.focus();
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
  /** @type {{ kind: TicketKind, fields: Record<string, string>, catalogNumber?: number, description?: string }} */
  const body = { kind, fields };
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
      markFieldErrors(ticketForm, /** @type {Record<string, unknown>} */ (errBody.fields));
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
