// @ts-check
/**
 * Canned responses: the officer types `/` and a command (`/terima`), picks one from the list, and
 * the reply box gets its text with the customer's name and the ticket number filled in. The texts
 * are data in locales/<lang>.json (`agent.canned.<command>`).
 */

/** @import { OpenConversation } from './types.js' */
import { s, keysUnder } from './strings.js';
import { h } from './dom.js';
import { ticketOf } from './details.js';

/** The commands matching what the officer typed (`/te` → terima), or null when not typing one. */
export function matchingCommands(/** @type {string} */ value) {
  const m = /^\/(\S*)$/.exec(value.trim());
  if (!m) return null;
  const typed = (m[1] ?? '').toLowerCase();
  return keysUnder('canned.').filter((command) => command.startsWith(typed));
}

/** The text of `/command` for this conversation: the customer's name and the ticket number filled in. */
export function cannedText(/** @type {OpenConversation} */ sel, /** @type {string} */ command) {
  const handoff = sel.handoff;
  const name = handoff.formName || handoff.customerName || s('cannedDefaultName');
  const ticket = ticketOf(sel)?.itsmNumber ?? s('cannedNoTicket');
  return s(`canned.${command}`, { name, ticket });
}

/**
 * The list under the reply box while a command is typed; `pick` puts the chosen text in the box.
 * @param {HTMLUListElement} list
 * @param {string[] | null} commands
 * @param {OpenConversation} sel
 * @param {(text: string) => void} pick
 */
export function renderCannedList(list, commands, sel, pick) {
  list.hidden = !commands || commands.length === 0;
  if (!commands) {
    list.replaceChildren();
    return;
  }
  list.replaceChildren(
    ...commands.map((command, i) =>
      h(
        'li',
        { role: 'option', id: `canned-${command}`, 'aria-selected': i === 0 ? 'true' : 'false', class: 'canned__item', testid: 'canned-item', 'data-command': command, onmousedown: (/** @type {Event} */ ev) => ev.preventDefault(), onclick: () => pick(cannedText(sel, command)) },
        h('span', { class: 'canned__command' }, `/${command}`),
        ' ',
        h('span', { class: 'canned__preview' }, cannedText(sel, command)),
      ),
    ),
  );
}
