// @ts-check
/** The details beside the transcript: the form so far, the photo, the guess and the ticket filed. */

/** @import { OpenConversation } from './types.js' */
import { s, sOr } from './strings.js';
import { h, present, cls } from './dom.js';
import { photoLink } from './widgets.js';
import { isTicket } from './validate.js';
import { FIELD_KEYS } from './fields.js';

/** The form as far as it got, the photo, the classifier's guess and the ticket filed. */
export function renderInfo(/** @type {OpenConversation} */ sel) {
  const handoff = sel.handoff;
  const form = handoff.form && typeof handoff.form === 'object' ? handoff.form : {};
  const value = (/** @type {string} */ key) => {
    const v = form[key];
    return v === null || v === undefined ? '' : String(v);
  };
  const extraKeys = Object.keys(form).filter((k) => !FIELD_KEYS.includes(k) && value(k));
  const rows = [...FIELD_KEYS, ...extraKeys].map((key) => {
    const v = value(key);
    return h('tr', { class: v ? null : 'is-empty' }, h('th', { scope: 'row' }, sOr(`fields.${key}`, key)), h('td', {}, v || s('form.notFilled')));
  });
  const kind = handoff.formKind === 'seller' ? s('form.kindSeller') : handoff.formKind === 'complaint' ? s('form.kindComplaint') : s('form.kindNone');

  const ticket = sel.ticket ?? (isTicket(handoff.ticket) ? handoff.ticket : null);
  const heading = sel.ticketState === 'created' ? s('ticket.created') : sel.ticketState === 'already' ? s('ticket.alreadyFiled') : s('ticket.filed');

  sel.view.info.replaceChildren(
    ...present(
      ticket
        ? h(
            'section',
            { class: cls('ticket-result', sel.ticketState === 'created' && 'ticket-result--new') },
            h('h3', { class: 'ticket-result__heading' }, heading),
            h('div', { class: 'ticket-result__label' }, s('ticket.itsmNumber')),
            h('div', { class: 'ticket-result__number', testid: 'ticket-number' }, ticket.itsmNumber),
            ticket.apktNumber ? h('div', { class: 'ticket-result__apkt' }, h('span', { class: 'ticket-result__label' }, s('ticket.apktNumber')), ' ', ticket.apktNumber) : null,
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
