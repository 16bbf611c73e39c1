// @ts-check
/** The complaint catalogue of the ticket form: fetched once per session, shown as a select. */

/** @import { CatalogEntry } from './types.js' */
import { s } from './strings.js';
import { h } from './dom.js';
import { statusOf, api } from './api.js';
import { state } from './state.js';
import { handleApiError } from './banners.js';

const CATALOG_SIZE = 40;

/** @returns {Promise<{ entries: CatalogEntry[], provinces: string[] } | null>} the complaint catalogue and the provinces, fetched once per session */
function loadCatalog() {
  if (!state.catalog) {
    const request = api('GET', '/catalog').then(
      (data) => {
        const entries = Array.isArray(data?.entries) ? data.entries : [];
        const provinces = Array.isArray(data?.provinces) ? data.provinces : [];
        return {
          entries: entries.filter((/** @type {any} */ e) => e && Number.isInteger(e.number) && typeof e.label === 'string'),
          provinces: provinces.filter((/** @type {unknown} */ p) => typeof p === 'string'),
        };
      },
      async (err) => {
        if (state.catalog === request) state.catalog = null; // try again next time
        if (statusOf(err) === 401) await handleApiError(err);
        return null;
      },
    );
    state.catalog = request;
  }
  return state.catalog;
}

/** The province names the bot accepts (empty when the catalogue could not be fetched). */
export async function provinces() {
  return (await loadCatalog())?.provinces ?? [];
}

/** Fills the catalogue select (grouped), keeping what is selected or pre-selecting `initial`. */
export function fillCatalog(/** @type {HTMLSelectElement} */ select, /** @type {HTMLElement} */ note, /** @type {number | null} */ initial) {
  select.replaceChildren(h('option', { value: '' }, s('ticket.catalogLoading')));
  select.disabled = true;
  loadCatalog().then((catalog) => {
    const entries = catalog?.entries ?? null;
    /** @type {(HTMLOptionElement | HTMLOptGroupElement)[]} */
    const options = [h('option', { value: '' }, s('ticket.catalogChoose'))];
    if (entries && entries.length) {
      /** @type {Map<string, HTMLOptGroupElement>} */
      const groups = new Map();
      for (const entry of entries) {
        const text = entry.label.startsWith(`${entry.number}.`) ? entry.label : `${entry.number}. ${entry.label}`;
        const option = h('option', { value: entry.number }, text);
        const groupName = typeof entry.group === 'string' ? entry.group : '';
        if (!groupName) {
          options.push(option);
          continue;
        }
        let group = groups.get(groupName);
        if (!group) {
          group = h('optgroup', { label: groupName });
          groups.set(groupName, group);
          options.push(group);
        }
        group.append(option);
      }
      note.hidden = true;
    } else {
      for (let n = 1; n <= CATALOG_SIZE; n += 1) options.push(h('option', { value: n }, s('ticket.catalogNumber', { number: n })));
      note.hidden = entries !== null;
    }
    select.replaceChildren(...options);
    select.value = initial !== null && Number.isInteger(initial) ? String(initial) : '';
    if (select.selectedIndex < 0) select.value = '';
    select.disabled = false;
  });
}
