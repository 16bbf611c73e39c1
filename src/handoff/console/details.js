// @ts-check
/* global document */
/** The details beside the transcript: the form so far, the photo, the guess and the ticket filed. */

/** @import { OpenConversation } from './types.js' */
import { s, sOr } from './strings.js';
import { h, present, cls } from './dom.js';
import { photoLink } from './widgets.js';
import { isTicket } from './validate.js';
import { hhmm } from './format.js';
import { state } from './state.js';
import { FIELD_KEYS, REQUIRED_FIELDS } from './fields.js';

/**
 * The stay's ticket: the one just filed here, else the one the server knows (bot or officer).
 * @param {OpenConversation} sel
 * @returns {{ itsmNumber: string, apktNumber: string | null } | null}
 */
export function ticketOf(sel) {
  if (sel.ticket) return sel.ticket;
  const filed = sel.handoff.filed;
  if (filed && typeof filed.itsmNumber === 'string') return filed;
  return isTicket(sel.handoff.ticket) ? sel.handoff.ticket : null;
}

/** The form as far as it got, the photo, the classifier's guess and the ticket filed. */
export function renderInfo(/** @type {OpenConversation} */ sel) {
  const handoff = sel.handoff;
  const form = handoff.form && typeof handoff.form === 'object' ? handoff.form : {};
  const value = (/** @type {string} */ key) => {
    const v = form[key];
    return v === null || v === undefined ? '' : String(v);
  };
  // A complaint asks only for the contact fields; a seller application (or no form yet) for all.
  const keys = handoff.formKind === 'complaint' ? REQUIRED_FIELDS.complaint : FIELD_KEYS;
  const extraKeys = Object.keys(form).filter((k) => !keys.includes(k) && value(k));
  const rows = [...keys, ...extraKeys].map((key) => {
    const v = value(key);
    return h('tr', { class: v ? null : 'is-empty' }, h('th', { scope: 'row' }, sOr(`fields.${key}`, key)), h('td', {}, v || s('form.notFilled')));
  });
  const kind = handoff.formKind === 'seller' ? s('form.kindSeller') : handoff.formKind === 'complaint' ? s('form.kindComplaint') : s('form.kindNone');

  const ticket = ticketOf(sel);
  const filed = sel.handoff.filed && sel.handoff.filed.itsmNumber === ticket?.itsmNumber ? sel.handoff.filed : null;
  const heading = sel.ticketState === 'created' ? s('ticket.created') : sel.ticketState === 'already' ? s('ticket.alreadyFiled') : s('ticket.filed');
  /** @type {Array<[string, string | null | undefined]>} */
  const facts = filed
    ? [
        ['ticket.classification', serviceLabel(filed.catalogNumber, filed.serviceType)],
        ['ticket.filedBy', filed.filedBy ? (filed.filedBy === state.me?.username ? state.me.displayName : filed.filedBy) : s('ticket.filedByBot')],
        ['ticket.createdAt', `${hhmm(filed.createdAt)}`],
        ['ticket.status', filed.status],
        ['ticket.previous', filed.previousNumber],
      ]
    : [];

  sel.view.info.replaceChildren(
    ...present(
      ticket
        ? h(
            'section',
            { class: cls('ticket-result', sel.ticketState === 'created' && 'ticket-result--new'), testid: 'ticket-panel' },
            h('h3', { class: 'ticket-result__heading' }, heading),
            h('div', { class: 'ticket-result__label' }, s('ticket.itsmNumber')),
            h('div', { class: 'ticket-result__number', testid: 'ticket-number' }, ticket.itsmNumber),
            ticket.apktNumber ? h('div', { class: 'ticket-result__apkt' }, h('span', { class: 'ticket-result__label' }, s('ticket.apktNumber')), ' ', ticket.apktNumber) : null,
            facts.length
              ? h(
                  'dl',
                  { class: 'ticket-result__facts', testid: 'ticket-facts' },
                  ...facts.filter(([, v]) => v).flatMap(([k, v]) => [h('dt', {}, s(k)), h('dd', {}, String(v))]),
                )
              : null,
          )
        : null,
      h(
        'section',
        { class: 'info-block' },
        h('h3', {}, s('form.heading')),
        h('p', { class: 'info-block__kind' }, kind),
        h('table', { class: 'form-table', testid: 'form-table' }, h('tbody', {}, ...rows)),
      ),
      handoff.guess ? h('section', { class: 'info-block' }, h('h3', {}, s('conversation.guess')), h('p', { class: 'guess' }, handoff.guess)) : null,
      historyBlock(sel),
      handoff.thumbnail
        ? h(
            'section',
            { class: 'info-block' },
            h('h3', {}, s('conversation.photo')),
            photoLink(handoff.thumbnail, s('conversation.photo'), 'thumbnail', 'thumbnail', null),
            h('p', { class: 'hint' }, s('conversation.openPhoto')),
          )
        : null,
    ),
  );
}

/** "7. Pendaftaran…", unless the catalogue's service type already starts with its number ("07. Melakukan…"). */
function serviceLabel(/** @type {number | null} */ number, /** @type {string} */ serviceType) {
  return number && !/^\d+\.\s/.test(serviceType) ? `${number}. ${serviceType}` : serviceType;
}

/** The customer's earlier stays with the officers and their tickets (from the conversation's detail). */
function historyBlock(/** @type {OpenConversation} */ sel) {
  const history = sel.history;
  if (!history) return null;
  const stays = Array.isArray(history.handoffs) ? history.handoffs : [];
  const tickets = Array.isArray(history.tickets) ? history.tickets : [];
  const date = (/** @type {string | null} */ iso) => (iso ? `${new Date(iso).toLocaleDateString(document.documentElement.lang || undefined)} ${hhmm(iso)}` : '');
  return h(
    'section',
    { class: 'info-block', testid: 'customer-history' },
    h('h3', {}, s('history.heading')),
    stays.length === 0 && tickets.length === 0 ? h('p', { class: 'hint' }, s('history.none')) : null,
    tickets.length
      ? h(
          'div',
          {},
          h('h4', { class: 'history__heading' }, s('history.tickets')),
          h(
            'ul',
            { class: 'history__list', testid: 'history-tickets' },
            ...tickets.map((t) => h('li', {}, h('strong', {}, t.number), ` · ${serviceLabel(t.catalogNumber, t.serviceType)} · ${t.status} · ${date(t.createdAt)}`)),
          ),
        )
      : null,
    stays.length
      ? h(
          'div',
          {},
          h('h4', { class: 'history__heading' }, s('history.handoffs')),
          h(
            'ul',
            { class: 'history__list', testid: 'history-handoffs' },
            ...stays.map((stay) =>
              h(
                'li',
                {},
                s('history.stay', { date: date(stay.requestedAt), outcome: stay.outcome ? sOr(`queue.outcome.${stay.outcome}`, stay.outcome) : sOr(`status.${stay.status}`, stay.status) }),
                stay.ticket ? ` · ${stay.ticket.itsmNumber}` : '',
              ),
            ),
          ),
        )
      : null,
  );
}
