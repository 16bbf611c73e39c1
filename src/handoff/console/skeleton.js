// @ts-check
/* global document */
/** The page skeleton: sign-in form, top bar, banners, queue and conversation panes, built once. */

import { s } from './strings.js';
import { h } from './dom.js';
import { clearError } from './banners.js';
import { onLoginSubmit, onLogout } from './session.js';
import { setFilter, runSearch, clearSearch } from './queue.js';
import { toggleSupervisor, loadStats } from './supervisor.js';
import { toggleMute } from './alerts.js';

/** @import { QueueFilter } from './types.js' */

// Built as this module is evaluated (before start() in console.js runs). Modules import each other
// in cycles, which is safe because at load time this only calls function declarations of theirs.
export const ui = buildSkeleton();

/** One of the queue's filters: its name and a count, pressed while it is the one shown. */
function filterButton(/** @type {QueueFilter} */ filter) {
  return h(
    'button',
    { type: 'button', class: 'pill filter', 'aria-pressed': 'false', testid: `filter-${filter}`, 'data-filter': filter, onclick: () => setFilter(filter) },
    h('span', { class: 'filter__label' }, s(`queue.filter.${filter}`)),
    ' ',
    h('span', { class: 'filter__count', testid: `filter-count-${filter}`, title: filter === 'closed' ? s('queue.closedCountHint') : null }, '0'),
  );
}

function buildSkeleton() {
  const app = /** @type {HTMLElement} */ (document.getElementById('app'));

  const loginUser = h('input', { id: 'login-username', name: 'username', type: 'text', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false', testid: 'login-username' });
  const loginPass = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, testid: 'login-password' });
  const loginSubmit = h('button', { type: 'submit', class: 'btn btn--primary btn--block', testid: 'login-submit' }, s('login.submit'));
  const loginError = h('p', { class: 'login__error', role: 'alert', testid: 'login-error', hidden: true });
  const loginInfo = h('p', { class: 'login__info', role: 'status', hidden: true });
  const loginForm = h(
    'form',
    { class: 'login__form', testid: 'login-form', novalidate: true, onsubmit: onLoginSubmit },
    h('h1', { class: 'login__title' }, s('login.heading')),
    h('p', { class: 'login__intro' }, s('login.intro')),
    loginInfo,
    h('div', { class: 'field' }, h('label', { for: 'login-username' }, s('login.username')), loginUser),
    h('div', { class: 'field' }, h('label', { for: 'login-password' }, s('login.password')), loginPass),
    loginError,
    loginSubmit,
  );
  const login = h('main', { class: 'login', hidden: true }, h('div', { class: 'login__brand' }, s('appName')), loginForm);

  const liveStatus = h('span', { class: 'live', testid: 'live-status', 'data-state': 'connecting', role: 'status' }, s('live.connecting'));
  const officerName = h('span', { class: 'topbar__officer', testid: 'officer-name' });
  const logout = h('button', { type: 'button', class: 'btn btn--ghost', testid: 'logout', onclick: onLogout }, s('header.logout'));
  const supervisorToggle = h('button', { type: 'button', class: 'btn btn--ghost', testid: 'supervisor-open', 'aria-pressed': 'false', hidden: true, onclick: toggleSupervisor }, s('supervisor.open'));
  const muteToggle = h('button', { type: 'button', class: 'btn btn--ghost', testid: 'mute', 'data-muted': 'false', title: s('alerts.hint'), onclick: toggleMute }, s('alerts.mute'));
  const topbar = h('header', { class: 'topbar' }, h('h1', { class: 'topbar__title' }, s('appName')), liveStatus, h('span', { class: 'topbar__spacer' }), muteToggle, supervisorToggle, officerName, logout);

  const errorText = h('span', { class: 'banner__text' });
  const errorBanner = h(
    'div',
    { class: 'banner banner--error', role: 'alert', testid: 'error-banner', hidden: true },
    errorText,
    h('button', { type: 'button', class: 'banner__close', 'aria-label': s('errors.dismiss'), title: s('errors.dismiss'), onclick: clearError }, '×'),
  );
  const notice = h('div', { class: 'banner banner--notice', role: 'status', testid: 'notice', hidden: true });

  const waitingCount = h('span', { class: 'queue__count' }, '0');
  const activeCount = h('span', { class: 'queue__count' }, '0');
  const closedCount = h('span', { class: 'queue__count' }, '0');
  const waitingList = h('ul', { class: 'queue__list', testid: 'waiting-list', 'aria-labelledby': 'queue-waiting' });
  const activeList = h('ul', { class: 'queue__list', testid: 'active-list', 'aria-labelledby': 'queue-active' });
  const closedList = h('ul', { class: 'queue__list', testid: 'closed-list', 'aria-labelledby': 'queue-closed' });
  /** @type {Record<QueueFilter, HTMLButtonElement>} */
  const filterButtons = {
    waiting: filterButton('waiting'),
    mine: filterButton('mine'),
    all: filterButton('all'),
    closed: filterButton('closed'),
  };
  const waitingSection = h('section', { class: 'queue__section' }, h('h2', { class: 'queue__heading', id: 'queue-waiting' }, s('queue.waiting'), ' ', waitingCount), waitingList);
  const activeSection = h('section', { class: 'queue__section' }, h('h2', { class: 'queue__heading', id: 'queue-active' }, s('queue.active'), ' ', activeCount), activeList);
  const closedSection = h('section', { class: 'queue__section', hidden: true }, h('h2', { class: 'queue__heading', id: 'queue-closed' }, s('queue.closedHeading'), ' ', closedCount), closedList);
  const searchInput = h('input', { id: 'search-q', type: 'search', name: 'q', class: 'search__input', testid: 'search-input', maxlength: 100, autocomplete: 'off', spellcheck: 'false', placeholder: s('search.placeholder') });
  const searchForm = h(
    'form',
    { class: 'search', role: 'search', novalidate: true, onsubmit: (/** @type {Event} */ ev) => { ev.preventDefault(); runSearch(searchInput.value); } },
    h('label', { for: 'search-q', class: 'visually-hidden' }, s('search.label')),
    searchInput,
    h('button', { type: 'submit', class: 'btn btn--secondary', testid: 'search-submit' }, s('search.submit')),
  );
  const searchCount = h('span', { class: 'queue__count' }, '0');
  const searchList = h('ul', { class: 'queue__list', testid: 'search-list', 'aria-labelledby': 'queue-search' });
  const searchSection = h(
    'section',
    { class: 'queue__section', hidden: true, testid: 'search-results' },
    h('h2', { class: 'queue__heading', id: 'queue-search' }, s('search.results'), ' ', searchCount, h('button', { type: 'button', class: 'btn btn--link search__clear', testid: 'search-clear', onclick: clearSearch }, s('search.clear'))),
    searchList,
  );
  const queue = h(
    'nav',
    { class: 'queue', 'aria-label': s('queue.heading') },
    searchForm,
    searchSection,
    h('div', { class: 'queue__filters', role: 'group', 'aria-label': s('queue.filters'), testid: 'queue-filters' }, ...Object.values(filterButtons)),
    waitingSection,
    activeSection,
    closedSection,
  );
  const convEmpty = h('p', { class: 'conv__empty' }, s('conversation.empty'));
  const conv = h('section', { class: 'conv', testid: 'conversation', 'aria-label': s('conversation.region') }, convEmpty);

  // The main landmark holds both panes, so a phone showing only the queue still has one.
  const layout = h('main', { class: 'layout' }, queue, conv);
  /** @type {Record<'today' | '7d', HTMLButtonElement>} */
  const statsRanges = {
    today: h('button', { type: 'button', class: 'pill', testid: 'stats-today', 'aria-pressed': 'true', onclick: () => loadStats('today') }, s('supervisor.today')),
    '7d': h('button', { type: 'button', class: 'pill', testid: 'stats-7d', 'aria-pressed': 'false', onclick: () => loadStats('7d') }, s('supervisor.week')),
  };
  const statsCsv = h('a', { class: 'btn btn--secondary', testid: 'supervisor-csv', href: '#', download: '' }, s('supervisor.csv'));
  const statsBody = h('div', { class: 'stats__grid' });
  const supervisor = h(
    'main',
    { class: 'stats', testid: 'supervisor', hidden: true, 'aria-labelledby': 'stats-heading' },
    h('div', { class: 'stats__bar' }, h('h2', { id: 'stats-heading' }, s('supervisor.heading')), h('div', { class: 'stats__ranges', role: 'group', 'aria-label': s('supervisor.range') }, statsRanges.today, statsRanges['7d']), statsCsv),
    statsBody,
  );
  const consoleView = h('div', { class: 'console', hidden: true }, topbar, h('div', { class: 'banners' }, errorBanner, notice), layout, supervisor);

  const loading = h('p', { class: 'app__loading', role: 'status' }, s('loading'));
  app.replaceChildren(loading, login, consoleView);
  app.removeAttribute('aria-busy');
  document.title = s('title');

  return { loading, login, loginForm, loginUser, loginPass, loginSubmit, loginError, loginInfo, consoleView, liveStatus, officerName, logout, errorBanner, errorText, notice, waitingList, activeList, closedList, waitingCount, activeCount, closedCount, waitingSection, activeSection, closedSection, filterButtons, searchInput, searchSection, searchList, searchCount, conv, convEmpty, layout, supervisor, supervisorToggle, statsRanges, statsCsv, statsBody, muteToggle };
}
