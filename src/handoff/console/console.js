// @ts-check
/* global document, window, EventSource, HTMLElement, confirm, ResizeObserver */
/**
 * PLN 123 agent console: the page officers (CSO) use to take over conversations the bot hands
 * to them. Plain ES module, no build step, no framework; runs under a strict Content-Security-
 * Policy (no inline script or style, no eval).
 *
 * Security rule of this file: everything is built with createElement/textContent (see h()).
 * Nothing here turns a string into markup (test/handoff/consolePage.test.ts lists the forbidden
 * APIs and checks this file for them), so customer text (messages, form values, names) can only
 * ever appear as text. Keep it that way.
 *
 * Every sentence shown comes from the `agent` section of the locale files, injected by the
 * server as JSON in <script type="application/json" id="agent-strings">.
 */

/**
 * @typedef {{ itsmNumber: string, apktNumber: string }} Ticket
 * @typedef {{
 *   id: number, conversationKey: string, channel: string, conversationId: string,
 *   status: 'waiting' | 'active' | 'closed', reason: string,
 *   officer: string | null, officerName: string | null,
 *   requestedAt: string, takenAt: string | null, closedAt: string | null,
 *   outcome: 'handedBack' | 'closed' | null, waitingSeconds: number, position: number | null,
 *   form: Record<string, string>, formKind: 'seller' | 'complaint' | null, catalogNumber: number | null,
 *   thumbnail: string | null, guess: string | null, customerName: string | null,
 *   ticket: Ticket | null, windowOpen: boolean
 * }} HandoffSummary
 * @typedef {{
 *   id: number, conversationKey: string, at: string, from: 'customer' | 'bot' | 'agent',
 *   text: string, officer: string | null, attachment: string | null
 * }} TranscriptEntry
 * @typedef {{ username: string, displayName: string, csrfToken: string }} Me
 * @typedef {{ number: number, label: string, group: string }} CatalogEntry
 * @typedef {{ h: HandoffSummary, since: number }} QueueItem
 * @typedef {'seller' | 'complaint'} TicketKind
 * @typedef {{ wrap: HTMLElement, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, error: HTMLElement }} Control
 * @typedef {{
 *   form: HTMLFormElement, controls: Map<string, Control>, kind: () => TicketKind,
 *   submit: HTMLButtonElement, message: HTMLElement, busy: boolean
 * }} TicketForm
 * @typedef {{ root: HTMLFormElement, textarea: HTMLTextAreaElement, send: HTMLButtonElement, warning: HTMLElement, counter: HTMLElement }} Composer
 * @typedef {{
 *   root: HTMLElement, head: HTMLElement, notes: HTMLElement, info: HTMLElement,
 *   transcriptWrap: HTMLElement, transcript: HTMLOListElement, transcriptEmpty: HTMLElement,
 *   ticketBox: HTMLElement, ticketToggle: HTMLButtonElement, ticketForm: TicketForm | null,
 *   composer: Composer
 * }} ConversationView
 * @typedef {{
 *   id: number, token: number, key: string, handoff: HandoffSummary, since: number,
 *   transcript: Map<number, TranscriptEntry>, loaded: boolean, stick: boolean,
 *   busy: boolean, sending: boolean, ticket: Ticket | null, ticketState: 'created' | 'already' | null,
 *   view: ConversationView
 * }} OpenConversation
 * @typedef {Node | string | null | undefined | false} Child
 */

const API = '/agent/api';
const REPLY_MAX = 2000;
const FIELD_KEYS = ['name', 'businessName', 'productType', 'city', 'province', 'phone', 'email'];
/** @type {Record<TicketKind, string[]>} */
const REQUIRED_FIELDS = { seller: FIELD_KEYS, complaint: ['name', 'phone', 'email'] };
const SELLER_ONLY_FIELDS = ['businessName', 'productType', 'city', 'province'];
const CATALOG_SIZE = 40;
/** Waits before re-opening the event stream after the server refused or dropped it for good. */
const RETRY_MS = [2000, 5000, 10000, 30000];

// ---------------------------------------------------------------------------------------------
// Strings

/** @type {Record<string, string>} */
const STRINGS = loadStrings();

/** @returns {Record<string, string>} */
function loadStrings() {
  const el = document.getElementById('agent-strings');
  try {
    const parsed = JSON.parse(el?.textContent ?? '{}');
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * The sentence `key` with `{placeholders}` filled in (values are never re-scanned).
 * @param {string} key
 * @param {Record<string, string | number>} [vars]
 */
function s(key, vars = {}) {
  const template = Object.hasOwn(STRINGS, key) ? STRINGS[key] : key;
  return String(template).replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(vars, name) ? String(vars[name]) : whole));
}

/**
 * Like s(), for keys built from server values (channel, reason…): the raw value when unknown.
 * @param {string} key
 * @param {string} fallback
 */
function sOr(key, fallback) {
  return Object.hasOwn(STRINGS, key) ? s(key) : fallback;
}

// ---------------------------------------------------------------------------------------------
// DOM helpers (the only way this file creates elements)

/**
 * An element with attributes, listeners (`onclick: fn`) and children (strings become text nodes).
 * Attribute names are always written in this file; values from the server only ever go into
 * attribute values or text, never into markup.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') el.className = String(value);
    else if (name === 'testid') el.dataset.testid = String(value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

/**
 * The children that are there (for replaceChildren, which does not skip null).
 * @param {...Child} children
 * @returns {(Node | string)[]}
 */
function present(...children) {
  return /** @type {(Node | string)[]} */ (children.filter((c) => c !== null && c !== undefined && c !== false));
}

/** @param {...(string | false | null | undefined)} names */
function cls(...names) {
  return names.filter(Boolean).join(' ');
}

/** A server value usable in a class name (channel, reason, status), or 'other'. */
function token(/** @type {unknown} */ value) {
  return typeof value === 'string' && /^[a-z0-9-]{1,24}$/i.test(value) ? value.toLowerCase() : 'other';
}

// ---------------------------------------------------------------------------------------------
// Formatting

function pad2(/** @type {number} */ n) {
  return String(n).padStart(2, '0');
}

/** Local HH:MM of an ISO time. */
function hhmm(/** @type {string | null | undefined} */ iso) {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime()) ? `${pad2(d.getHours())}:${pad2(d.getMinutes())}` : '';
}

/** Full local date and time, for tooltips. */
function fullTime(/** @type {string | null | undefined} */ iso) {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime()) ? d.toLocaleString(document.documentElement.lang || undefined) : '';
}

/** 75 -> "1:15", 3725 -> "1:02:05". */
function duration(/** @type {number} */ seconds) {
  const total = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  return hours > 0 ? `${hours}:${pad2(minutes)}:${pad2(secs)}` : `${minutes}:${pad2(secs)}`;
}

/** An element counting up every second from `since` (ms, local clock), as sentence `key`. */
function elapsed(/** @type {number} */ since, /** @type {string} */ key, /** @type {string} */ className) {
  const el = h('span', { class: className, 'data-since': since, 'data-tpl': key });
  el.textContent = s(key, { time: duration((Date.now() - since) / 1000) });
  return el;
}

function tick() {
  const now = Date.now();
  for (const el of document.querySelectorAll('[data-since]')) {
    if (!(el instanceof HTMLElement)) continue;
    const since = Number(el.dataset.since);
    if (Number.isFinite(since)) el.textContent = s(el.dataset.tpl ?? '', { time: duration((now - since) / 1000) });
  }
}

/** The local time the count of `h.waitingSeconds` started, so it can count up from there. */
function sinceOf(/** @type {HandoffSummary} */ handoff) {
  const seconds = Number(handoff.waitingSeconds);
  return Date.now() - (Number.isFinite(seconds) && seconds > 0 ? seconds : 0) * 1000;
}

function customerLabel(/** @type {HandoffSummary} */ handoff) {
  if (handoff.customerName) return handoff.customerName;
  const id = String(handoff.conversationId || handoff.id);
  return s('queue.unknownCustomer', { id: id.slice(-6) });
}

/** An officer as the server names one: a user name, or an object with a display name. */
function officerLabel(/** @type {unknown} */ officer) {
  if (typeof officer === 'string') return officer;
  if (officer && typeof officer === 'object') {
    const o = /** @type {{ displayName?: unknown, username?: unknown }} */ (officer);
    if (typeof o.displayName === 'string' && o.displayName) return o.displayName;
    if (typeof o.username === 'string') return o.username;
  }
  return '';
}

function photoUrl(/** @type {string} */ fileName) {
  return `${API}/photos/${encodeURIComponent(fileName)}`;
}

/** `<sha>.thumb.jpg` -> `<sha>.jpg`; other names unchanged. */
function fullPhotoName(/** @type {string} */ fileName) {
  return fileName.replace(/\.thumb(\.[A-Za-z0-9]+)$/, '$1');
}

/** A photo thumbnail that opens the full photo in a new tab. */
function photoLink(/** @type {string} */ fileName, /** @type {string} */ alt, /** @type {string} */ className, /** @type {string | null} */ testid, /** @type {(() => void) | null} */ onLoad) {
  const img = h('img', { src: photoUrl(fileName), alt, class: className, testid, loading: 'lazy', decoding: 'async' });
  if (onLoad) img.addEventListener('load', onLoad);
  return h('a', { href: photoUrl(fullPhotoName(fileName)), target: '_blank', rel: 'noopener noreferrer', class: 'photo-link', title: s('conversation.openPhoto') }, img);
}

function channelBadge(/** @type {string} */ channel) {
  return h('span', { class: `badge badge--${token(channel)}` }, sOr(`channel.${channel}`, String(channel)));
}

function reasonTag(/** @type {string} */ reason) {
  return h('span', { class: `tag tag--${token(reason)}` }, sOr(`reason.${reason}`, String(reason)));
}

function statusTag(/** @type {string} */ status) {
  return h('span', { class: `status status--${token(status)}` }, sOr(`status.${status}`, String(status)));
}

// ---------------------------------------------------------------------------------------------
// Validation of what the server sends (the page must not break on an unexpected shape)

/** @returns {value is HandoffSummary} */
function isHandoff(/** @type {unknown} */ value) {
  const v = /** @type {Record<string, unknown> | null} */ (value && typeof value === 'object' ? value : null);
  return !!v && typeof v.id === 'number' && typeof v.conversationKey === 'string' && typeof v.status === 'string';
}

/** @returns {value is TranscriptEntry} */
function isEntry(/** @type {unknown} */ value) {
  const v = /** @type {Record<string, unknown> | null} */ (value && typeof value === 'object' ? value : null);
  return (
    !!v &&
    typeof v.id === 'number' &&
    typeof v.conversationKey === 'string' &&
    (v.from === 'customer' || v.from === 'bot' || v.from === 'agent') &&
    (typeof v.text === 'string' || v.text === null || v.text === undefined)
  );
}

/** @returns {value is Ticket} */
function isTicket(/** @type {unknown} */ value) {
  const v = /** @type {Record<string, unknown> | null} */ (value && typeof value === 'object' ? value : null);
  return !!v && typeof v.itsmNumber === 'string';
}

/** @returns {unknown} */
function parseJson(/** @type {string} */ text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// API

class ApiError extends Error {
  /**
   * @param {number} status HTTP status; 0 when the server could not be reached.
   * @param {Record<string, unknown>} body
   */
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** HTTP status of a failed call (0 = network), or -1 for anything else. */
function statusOf(/** @type {unknown} */ err) {
  return err instanceof ApiError ? err.status : -1;
}

/** The `error` code of a failed call's JSON body, or ''. */
function codeOf(/** @type {unknown} */ err) {
  return err instanceof ApiError && typeof err.body.error === 'string' ? err.body.error : '';
}

/**
 * A JSON call to the console API. POSTs carry the CSRF token (except sign-in, before there is
 * one). Resolves with the JSON body (null for 204); rejects with ApiError.
 * @param {'GET' | 'POST'} method
 * @param {string} path under /agent/api
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (method === 'POST') {
    headers['Content-Type'] = 'application/json';
    if (state.me) headers['X-CSRF-Token'] = state.me.csrfToken;
  }
  let res;
  try {
    res = await fetch(`${API}${path}`, {
      method,
      headers,
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, {});
  }
  let data = null;
  if (res.status !== 204 && (res.headers.get('content-type') ?? '').includes('json')) {
    data = await res.json().catch(() => null);
  }
  if (res.ok) return data;
  throw new ApiError(res.status, data && typeof data === 'object' ? data : {});
}

// ---------------------------------------------------------------------------------------------
// State

const state = {
  /** @type {Me | null} */
  me: null,
  /** Waiting and active handoffs by id. @type {Map<number, QueueItem>} */
  handoffs: new Map(),
  /** Conversations with customer messages the officer has not opened yet. @type {Set<string>} */
  unread: new Set(),
  /** @type {OpenConversation | null} */
  sel: null,
  selTokens: 0,
  /** Unsent replies by conversation key. @type {Map<string, string>} */
  drafts: new Map(),
  /** @type {EventSource | null} */
  events: null,
  streamOpened: false,
  retryCount: 0,
  retryTimer: 0,
  /**
   * Live updates are numbered; `touched` has the number of the last one per handoff, so a list
   * or detail answer that was asked for before that update does not overwrite it.
   */
  seq: 0,
  /** @type {Map<number, number>} */
  touched: new Map(),
  listLoading: false,
  listAgain: false,
  /** @type {Promise<CatalogEntry[] | null> | null} */
  catalog: null,
  noticeTimer: 0,
};

function isMine(/** @type {HandoffSummary} */ handoff) {
  return handoff.status === 'active' && !!state.me && handoff.officer === state.me.username;
}

// ---------------------------------------------------------------------------------------------
// Page skeleton

const ui = buildSkeleton();

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
  const topbar = h('header', { class: 'topbar' }, h('span', { class: 'topbar__title' }, s('appName')), liveStatus, h('span', { class: 'topbar__spacer' }), officerName, logout);

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
  const waitingList = h('ul', { class: 'queue__list', testid: 'waiting-list', 'aria-labelledby': 'queue-waiting' });
  const activeList = h('ul', { class: 'queue__list', testid: 'active-list', 'aria-labelledby': 'queue-active' });
  const queue = h(
    'nav',
    { class: 'queue', 'aria-label': s('queue.heading') },
    h('section', { class: 'queue__section' }, h('h2', { class: 'queue__heading', id: 'queue-waiting' }, s('queue.waiting'), ' ', waitingCount), waitingList),
    h('section', { class: 'queue__section' }, h('h2', { class: 'queue__heading', id: 'queue-active' }, s('queue.active'), ' ', activeCount), activeList),
  );
  const convEmpty = h('p', { class: 'conv__empty' }, s('conversation.empty'));
  const conv = h('main', { class: 'conv', testid: 'conversation' }, convEmpty);

  const consoleView = h('div', { class: 'console', hidden: true }, topbar, h('div', { class: 'banners' }, errorBanner, notice), h('div', { class: 'layout' }, queue, conv));

  const loading = h('p', { class: 'app__loading', role: 'status' }, s('loading'));
  app.replaceChildren(loading, login, consoleView);
  app.removeAttribute('aria-busy');
  document.title = s('title');

  return { loading, login, loginForm, loginUser, loginPass, loginSubmit, loginError, loginInfo, consoleView, liveStatus, officerName, logout, errorBanner, errorText, notice, waitingList, activeList, waitingCount, activeCount, conv, convEmpty };
}

// ---------------------------------------------------------------------------------------------
// Banners

function showError(/** @type {string} */ message) {
  ui.errorText.textContent = message;
  ui.errorBanner.hidden = false;
}

function clearError() {
  ui.errorText.textContent = '';
  ui.errorBanner.hidden = true;
}

function showNotice(/** @type {string} */ message) {
  ui.notice.textContent = message;
  ui.notice.hidden = false;
  window.clearTimeout(state.noticeTimer);
  state.noticeTimer = window.setTimeout(() => {
    ui.notice.hidden = true;
  }, 6000);
}

/**
 * Says what went wrong with a call, in the officer's words. 401: back to the sign-in form;
 * 403 csrf: fetch a fresh token and ask the officer to try again.
 * @param {unknown} err
 */
async function handleApiError(err) {
  if (!(err instanceof ApiError)) {
    console.error(err);
    showError(s('errors.unexpected'));
    return;
  }
  if (err.status === 401) {
    if (state.me) showLogin(s('login.sessionExpired'));
    return;
  }
  if (err.status === 403 && codeOf(err) === 'csrf') {
    if (await refreshMe()) showError(s('errors.csrf'));
    return;
  }
  if (err.status === 0) showError(s('errors.network'));
  else if (err.status === 404) showError(s('errors.notFound'));
  else if (err.status === 409 && codeOf(err) === 'not_holder') showError(s('errors.notHolder'));
  else if (err.status === 400) showError(s('errors.badRequest'));
  else showError(s('errors.generic', { status: err.status }));
}

// ---------------------------------------------------------------------------------------------
// Signing in and out

function setLoginError(/** @type {string} */ message) {
  ui.loginError.textContent = message;
  ui.loginError.hidden = !message;
}

/**
 * The sign-in form, everything of the previous session dropped.
 * @param {string} [error] shown as an error (e.g. the session ended)
 * @param {string} [info] shown as information (e.g. signed out)
 */
function showLogin(error = '', info = '') {
  closeEvents();
  window.clearTimeout(state.retryTimer);
  state.me = null;
  state.sel = null;
  state.handoffs = new Map();
  state.touched = new Map();
  state.unread = new Set();
  state.drafts = new Map();
  state.catalog = null;
  state.streamOpened = false;
  ui.conv.replaceChildren(ui.convEmpty);
  ui.waitingList.replaceChildren();
  ui.activeList.replaceChildren();
  document.body.classList.remove('has-selection');
  clearError();
  ui.notice.hidden = true;
  ui.loading.hidden = true;
  ui.consoleView.hidden = true;
  ui.login.hidden = false;
  setLoginError(error);
  ui.loginInfo.textContent = info;
  ui.loginInfo.hidden = !info;
  ui.loginPass.value = '';
  document.title = s('title');
  (ui.loginUser.value ? ui.loginPass : ui.loginUser).focus();
}

/** @param {Me} me */
function enterConsole(me) {
  state.me = me;
  ui.loading.hidden = true;
  ui.login.hidden = true;
  ui.consoleView.hidden = false;
  ui.loginInfo.hidden = true;
  setLoginError('');
  showOfficer();
  clearError();
  renderLists();
  refreshList();
  openEvents();
}

function showOfficer() {
  if (!state.me) return;
  ui.officerName.textContent = state.me.displayName || state.me.username;
  ui.officerName.title = s('header.signedInAs', { name: state.me.username });
}

/** @param {SubmitEvent} ev */
async function onLoginSubmit(ev) {
  ev.preventDefault();
  const username = ui.loginUser.value.trim();
  const password = ui.loginPass.value;
  ui.loginInfo.hidden = true;
  if (!username || !password) {
    setLoginError(s('login.missing'));
    (username ? ui.loginPass : ui.loginUser).focus();
    return;
  }
  setLoginError('');
  ui.loginSubmit.disabled = true;
  ui.loginSubmit.textContent = s('login.submitting');
  try {
    const me = await api('POST', '/login', { username, password });
    ui.loginPass.value = '';
    enterConsole(me);
  } catch (err) {
    ui.loginPass.value = '';
    const status = statusOf(err);
    if (status === 401) setLoginError(s('login.invalidCredentials'));
    else if (status === 429) setLoginError(s('login.tooManyAttempts'));
    else if (status === 400) setLoginError(s('login.missing'));
    else setLoginError(s('login.failed'));
    if (status === -1) console.error(err);
    ui.loginPass.focus();
  } finally {
    ui.loginSubmit.disabled = false;
    ui.loginSubmit.textContent = s('login.submit');
  }
}

async function onLogout() {
  ui.logout.disabled = true;
  try {
    await api('POST', '/logout');
    showLogin('', s('login.signedOut'));
  } catch (err) {
    if (statusOf(err) === 401) showLogin('', s('login.signedOut'));
    else await handleApiError(err);
  } finally {
    ui.logout.disabled = false;
  }
}

/**
 * Fetches the officer (and a fresh CSRF token) again. False when that failed; a 401 has then
 * already brought back the sign-in form.
 * @returns {Promise<boolean>}
 */
async function refreshMe() {
  try {
    const me = await api('GET', '/me');
    if (state.me) {
      state.me = me;
      showOfficer();
    }
    return true;
  } catch (err) {
    if (statusOf(err) === 401 && state.me) showLogin(s('login.sessionExpired'));
    return false;
  }
}

async function start() {
  window.setInterval(tick, 1000);
  try {
    enterConsole(await api('GET', '/me'));
  } catch (err) {
    const status = statusOf(err);
    showLogin(status === 401 ? '' : status === 0 ? s('errors.network') : s('errors.generic', { status }));
  }
}

// ---------------------------------------------------------------------------------------------
// Live updates (server-sent events)

function setLive(/** @type {'connecting' | 'live' | 'reconnecting'} */ live) {
  ui.liveStatus.dataset.state = live;
  ui.liveStatus.textContent = s(`live.${live}`);
}

function closeEvents() {
  if (state.events) state.events.close();
  state.events = null;
}

function openEvents() {
  closeEvents();
  window.clearTimeout(state.retryTimer);
  setLive(state.streamOpened ? 'reconnecting' : 'connecting');
  const es = new EventSource(`${API}/events`);
  state.events = es;
  es.addEventListener('open', () => {
    if (state.events !== es) return;
    state.retryCount = 0;
    setLive('live');
    // Whatever happened while the stream was not there (or before it first opened) is fetched again.
    if (state.streamOpened) resync();
    else refreshList();
    state.streamOpened = true;
  });
  es.addEventListener('error', () => {
    if (state.events !== es) return;
    setLive('reconnecting');
    // CONNECTING: the browser reconnects by itself. CLOSED: the server refused the stream (signed
    // out, or an error status); find out which, then try again later.
    if (es.readyState === EventSource.CLOSED) scheduleReopen();
  });
  es.addEventListener('handoff', (ev) => {
    const handoff = parseJson(/** @type {MessageEvent} */ (ev).data);
    if (state.events === es && isHandoff(handoff)) applyHandoff(handoff);
  });
  es.addEventListener('transcript', (ev) => {
    const entry = parseJson(/** @type {MessageEvent} */ (ev).data);
    if (state.events === es && isEntry(entry)) onTranscriptEntry(entry);
  });
}

function scheduleReopen() {
  closeEvents();
  const delay = RETRY_MS[Math.min(state.retryCount, RETRY_MS.length - 1)];
  state.retryCount += 1;
  window.clearTimeout(state.retryTimer);
  state.retryTimer = window.setTimeout(async () => {
    if (!state.me) return;
    const signedIn = await refreshMe();
    if (!state.me) return;
    if (signedIn) openEvents();
    else scheduleReopen();
  }, delay);
}

function resync() {
  refreshList();
  if (state.sel) loadDetail(state.sel);
}

/** A new or changed handoff (live update or the answer to an action). */
function applyHandoff(/** @type {HandoffSummary} */ handoff) {
  state.seq += 1;
  state.touched.set(handoff.id, state.seq);
  if (handoff.status === 'closed') state.handoffs.delete(handoff.id);
  else state.handoffs.set(handoff.id, { h: handoff, since: sinceOf(handoff) });
  renderLists();
  const sel = state.sel;
  if (sel && sel.id === handoff.id) {
    sel.handoff = handoff;
    sel.since = sinceOf(handoff);
    renderConversation(sel);
  }
}

function onTranscriptEntry(/** @type {TranscriptEntry} */ entry) {
  const sel = state.sel;
  if (sel && sel.key === entry.conversationKey) {
    addEntries(sel, [entry]);
  } else if (entry.from === 'customer') {
    state.unread.add(entry.conversationKey);
    renderLists();
  }
}

// ---------------------------------------------------------------------------------------------
// The queue

/** Fetches the waiting and active handoffs; one request at a time, again if asked meanwhile. */
async function refreshList() {
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

function renderLists() {
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

// ---------------------------------------------------------------------------------------------
// The open conversation

function selectHandoff(/** @type {number} */ id) {
  if (state.sel?.id === id) {
    document.body.classList.add('has-selection');
    return;
  }
  const item = state.handoffs.get(id);
  if (!item) return;
  const handoff = item.h;
  /** @type {OpenConversation} */
  const sel = {
    id,
    token: ++state.selTokens,
    key: handoff.conversationKey,
    handoff,
    since: item.since,
    transcript: new Map(),
    loaded: false,
    stick: true,
    busy: false,
    sending: false,
    ticket: null,
    ticketState: null,
    view: /** @type {ConversationView} */ (/** @type {unknown} */ (null)),
  };
  sel.view = buildConversationView(sel);
  state.sel = sel;
  state.unread.delete(handoff.conversationKey);
  ui.conv.replaceChildren(sel.view.root);
  document.body.classList.add('has-selection');
  renderConversation(sel);
  renderTranscript(sel);
  renderLists();
  loadDetail(sel);
}

function selectNone() {
  state.sel = null;
  ui.conv.replaceChildren(ui.convEmpty);
  document.body.classList.remove('has-selection');
  renderLists();
}

/** Fetches the handoff and its transcript; merges them with what live updates brought meanwhile. */
async function loadDetail(/** @type {OpenConversation} */ sel) {
  const startSeq = state.seq;
  let data;
  try {
    data = await api('GET', `/handoffs/${encodeURIComponent(sel.id)}`);
  } catch (err) {
    if (state.sel !== sel) return;
    if (statusOf(err) === 404) {
      showError(s('errors.notFound'));
      selectNone();
      refreshList();
      return;
    }
    await handleApiError(err);
    return;
  }
  if (state.sel !== sel) return;
  if (isHandoff(data?.handoff) && (state.touched.get(sel.id) ?? 0) <= startSeq) {
    sel.handoff = data.handoff;
    sel.since = sinceOf(data.handoff);
  }
  sel.loaded = true;
  addEntries(sel, Array.isArray(data?.transcript) ? data.transcript : []);
  renderConversation(sel);
  renderTranscript(sel);
}

/** @param {OpenConversation} sel @param {unknown[]} entries */
function addEntries(sel, entries) {
  let added = false;
  for (const entry of entries) {
    if (!isEntry(entry) || entry.conversationKey !== sel.key || sel.transcript.has(entry.id)) continue;
    sel.transcript.set(entry.id, entry);
    added = true;
  }
  if (added) renderTranscript(sel);
}

/** @param {OpenConversation} sel @returns {ConversationView} */
function buildConversationView(sel) {
  const head = h('header', { class: 'conv__head' });
  const notes = h('div', { class: 'conv__notes' });
  const info = h('div', { class: 'conv__info' });
  const transcript = h('ol', { class: 'transcript', testid: 'transcript', 'aria-label': s('conversation.transcript') });
  const transcriptEmpty = h('p', { class: 'transcript__empty' }, s('conversation.loading'));
  const transcriptWrap = h('div', { class: 'conv__transcript', tabindex: '0' }, transcriptEmpty, transcript);
  // Follow the conversation unless the officer scrolled up to read: only a move upwards unsticks,
  // so our own scrolling to the bottom (measured after a photo grew the list) never does.
  let lastTop = 0;
  transcriptWrap.addEventListener('scroll', () => {
    const atBottom = transcriptWrap.scrollHeight - transcriptWrap.scrollTop - transcriptWrap.clientHeight < 48;
    if (atBottom) sel.stick = true;
    else if (transcriptWrap.scrollTop < lastTop) sel.stick = false;
    lastTop = transcriptWrap.scrollTop;
  });
  // Photos and wrapped lines grow the list after it is drawn; stay at the bottom if following.
  new ResizeObserver(() => {
    if (sel.stick) transcriptWrap.scrollTop = transcriptWrap.scrollHeight;
  }).observe(transcript);
  const ticketToggle = h('button', { type: 'button', class: 'btn btn--secondary', testid: 'ticket-toggle', 'aria-expanded': 'false', 'aria-controls': 'ticket-form' }, s('ticket.toggle'));
  const ticketBox = h('section', { class: 'ticket', hidden: true }, ticketToggle);
  ticketToggle.addEventListener('click', () => toggleTicketForm(sel));
  const composer = buildComposer(sel);
  const root = h('div', { class: 'conv__view' }, head, notes, h('div', { class: 'conv__body' }, transcriptWrap, h('aside', { class: 'conv__details' }, info, ticketBox)), composer.root);
  return { root, head, notes, info, transcriptWrap, transcript, transcriptEmpty, ticketBox, ticketToggle, ticketForm: null, composer };
}

/** Header, notes, details and which controls the officer has; the transcript and inputs stay. */
function renderConversation(/** @type {OpenConversation} */ sel) {
  if (state.sel !== sel) return;
  const handoff = sel.handoff;
  const v = sel.view;
  const mine = isMine(handoff);
  const holder = handoff.officerName || handoff.officer || '';

  const actions = [];
  if (handoff.status === 'waiting') {
    actions.push(h('button', { type: 'button', class: 'btn btn--primary', testid: 'take', disabled: sel.busy, onclick: () => act(sel, 'take') }, s('actions.take')));
  }
  if (mine) {
    actions.push(h('button', { type: 'button', class: 'btn btn--secondary', testid: 'handback', disabled: sel.busy, onclick: () => act(sel, 'handback') }, s('actions.handback')));
    actions.push(h('button', { type: 'button', class: 'btn btn--danger', testid: 'close', disabled: sel.busy, onclick: () => act(sel, 'close') }, s('actions.close')));
  }
  const meta = [h('span', { title: fullTime(handoff.requestedAt) }, s('conversation.requestedAt', { time: hhmm(handoff.requestedAt) }))];
  if (handoff.status !== 'closed') meta.push(elapsed(sel.since, handoff.status === 'waiting' ? 'queue.waitingFor' : 'queue.activeFor', 'conv__elapsed'));
  if (handoff.status === 'active') meta.push(h('span', {}, mine ? s('queue.heldByYou') : s('queue.heldBy', { officer: holder })));

  v.head.replaceChildren(
    ...present(
      h('button', { type: 'button', class: 'btn btn--link conv__back', onclick: selectNone }, s('conversation.back')),
      h('div', { class: 'conv__title' }, h('h2', {}, customerLabel(handoff)), channelBadge(handoff.channel), reasonTag(handoff.reason), statusTag(handoff.status)),
      h('div', { class: 'conv__meta' }, ...meta.flatMap((m, i) => (i ? [h('span', { class: 'conv__sep', 'aria-hidden': 'true' }, '·'), m] : [m]))),
      actions.length ? h('div', { class: 'conv__actions' }, ...actions) : null,
    ),
  );

  const notes = [];
  if (handoff.status !== 'closed' && handoff.windowOpen === false) notes.push(h('p', { class: 'note note--warning' }, s('conversation.windowClosed')));
  if (handoff.status === 'waiting') notes.push(h('p', { class: 'note' }, s('conversation.takeHint')));
  if (handoff.status === 'active' && !mine) notes.push(h('p', { class: 'note' }, s('conversation.heldByOther', { officer: holder })));
  if (handoff.status === 'closed') notes.push(h('p', { class: 'note' }, handoff.outcome === 'handedBack' ? s('conversation.closedHandedBack') : s('conversation.closedClosed')));
  v.notes.replaceChildren(...notes);

  renderInfo(sel);
  const ticket = sel.ticket ?? (isTicket(handoff.ticket) ? handoff.ticket : null);
  v.ticketBox.hidden = !mine || !!ticket;
  if (ticket && v.ticketForm) closeTicketForm(sel);
  v.composer.root.hidden = !mine;
}

/** The form as far as it got, the photo, the classifier's guess and the ticket filed. */
function renderInfo(/** @type {OpenConversation} */ sel) {
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

/** The transcript in order; stays at the bottom if the officer was there. */
function renderTranscript(/** @type {OpenConversation} */ sel) {
  if (state.sel !== sel) return;
  const v = sel.view;
  const entries = [...sel.transcript.values()].sort((a, b) => a.id - b.id);
  const keepBottom = () => {
    if (sel.stick) v.transcriptWrap.scrollTop = v.transcriptWrap.scrollHeight;
  };
  const previousTop = v.transcriptWrap.scrollTop;
  v.transcript.replaceChildren(...entries.map((entry) => renderEntry(sel, entry, keepBottom)));
  v.transcriptEmpty.textContent = sel.loaded ? s('conversation.noMessages') : s('conversation.loading');
  v.transcriptEmpty.hidden = entries.length > 0;
  if (sel.stick) keepBottom();
  else v.transcriptWrap.scrollTop = previousTop;
}

/** @param {OpenConversation} sel @param {TranscriptEntry} entry @param {() => void} onImageLoad */
function renderEntry(sel, entry, onImageLoad) {
  let who;
  if (entry.from === 'customer') who = sel.handoff.customerName || s('conversation.customer');
  else if (entry.from === 'bot') who = s('conversation.bot');
  else if (state.me && entry.officer === state.me.username) who = s('conversation.you', { name: state.me.displayName || state.me.username });
  else who = s('conversation.agent', { name: entry.officer ?? '' });
  return h(
    'li',
    { class: `msg msg--${entry.from}`, testid: 'transcript-entry', 'data-from': entry.from },
    h('div', { class: 'msg__meta' }, h('span', { class: 'msg__who' }, who), ' ', h('time', { datetime: entry.at, title: fullTime(entry.at) }, hhmm(entry.at))),
    entry.text ? h('div', { class: 'msg__text' }, entry.text) : null,
    entry.attachment ? photoLink(entry.attachment, s('conversation.attachment'), 'msg__photo', null, onImageLoad) : null,
  );
}

/**
 * Take over, hand back to the bot, or close (after a confirmation).
 * @param {OpenConversation} sel
 * @param {'take' | 'handback' | 'close'} action
 */
async function act(sel, action) {
  if (sel.busy || state.sel !== sel) return;
  if (action === 'close' && !confirm(s('actions.confirmClose'))) return;
  sel.busy = true;
  renderConversation(sel);
  let done = false;
  try {
    const data = await api('POST', `/handoffs/${encodeURIComponent(sel.id)}/${action}`, {});
    if (isHandoff(data?.handoff)) applyHandoff(data.handoff);
    done = true;
  } catch (err) {
    const status = statusOf(err);
    if (action === 'take' && status === 409 && codeOf(err) === 'already_taken') {
      const officer = err instanceof ApiError ? officerLabel(err.body.officer) : '';
      showError(officer ? s('errors.alreadyTaken', { officer }) : s('errors.alreadyTakenUnknown'));
      refreshList();
      if (state.sel === sel) loadDetail(sel);
    } else if (status === 409 && codeOf(err) === 'not_holder') {
      showError(s('errors.notHolder'));
      refreshList();
      if (state.sel === sel) loadDetail(sel);
    } else {
      await handleApiError(err);
    }
  } finally {
    sel.busy = false;
    renderConversation(sel);
  }
  if (!done) return;
  if (action === 'take') {
    showNotice(s('actions.taken'));
    if (state.sel === sel) sel.view.composer.textarea.focus();
  } else {
    showNotice(s(action === 'handback' ? 'actions.handedBack' : 'actions.closed'));
    if (state.sel === sel) selectNone();
  }
}

// ---------------------------------------------------------------------------------------------
// Replying

/** @param {OpenConversation} sel @returns {Composer} */
function buildComposer(sel) {
  const textarea = h('textarea', {
    id: 'reply-text',
    class: 'composer__text',
    testid: 'reply-text',
    rows: 3,
    maxlength: REPLY_MAX,
    placeholder: s('reply.placeholder'),
    'aria-label': s('reply.heading'),
  });
  textarea.value = state.drafts.get(sel.key) ?? '';
  const send = h('button', { type: 'submit', class: 'btn btn--primary', testid: 'reply-send' }, s('reply.send'));
  const counter = h('span', { class: 'composer__counter', 'aria-hidden': 'true' });
  const warning = h('p', { class: 'composer__warning', role: 'alert', testid: 'reply-warning', hidden: true });
  const root = h(
    'form',
    { class: 'composer', novalidate: true, hidden: true },
    warning,
    h('div', { class: 'composer__row' }, textarea, h('div', { class: 'composer__side' }, send, counter)),
  );
  /** @type {Composer} */
  const composer = { root, textarea, send, warning, counter };
  const updateCounter = () => {
    counter.textContent = s('reply.counter', { count: textarea.value.length, max: REPLY_MAX });
    counter.classList.toggle('is-near-limit', textarea.value.length > REPLY_MAX * 0.9);
  };
  updateCounter();
  root.addEventListener('submit', (ev) => {
    ev.preventDefault();
    sendReply(sel);
  });
  textarea.addEventListener('keydown', (ev) => {
    // Enter sends, Shift+Enter is a new line; not while an input method is composing a word.
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
      ev.preventDefault();
      sendReply(sel);
    }
  });
  textarea.addEventListener('input', () => {
    updateCounter();
    if (textarea.value) state.drafts.set(sel.key, textarea.value);
    else state.drafts.delete(sel.key);
  });
  return composer;
}

function setReplyWarning(/** @type {Composer} */ composer, /** @type {string} */ message) {
  composer.warning.textContent = message;
  composer.warning.hidden = !message;
}

/** Puts `text` in the reply box (after what is there already) for the officer to check and send. */
function suggestReply(/** @type {OpenConversation} */ sel, /** @type {string} */ text) {
  const textarea = sel.view.composer.textarea;
  const current = textarea.value.trim();
  textarea.value = current ? `${current}\n\n${text}` : text;
  textarea.dispatchEvent(new Event('input'));
  textarea.focus();
}

async function sendReply(/** @type {OpenConversation} */ sel) {
  const composer = sel.view.composer;
  if (sel.sending || state.sel !== sel || !isMine(sel.handoff)) return;
  const text = composer.textarea.value.trim();
  if (!text) {
    composer.textarea.focus();
    return;
  }
  if (text.length > REPLY_MAX) {
    setReplyWarning(composer, s('reply.tooLong', { max: REPLY_MAX }));
    return;
  }
  sel.sending = true;
  composer.send.disabled = true;
  composer.send.textContent = s('reply.sending');
  composer.textarea.readOnly = true;
  try {
    const data = await api('POST', `/handoffs/${encodeURIComponent(sel.id)}/reply`, { text });
    composer.textarea.value = '';
    composer.textarea.dispatchEvent(new Event('input'));
    if (data?.entry) addEntries(sel, [data.entry]);
    const delivery = data?.delivery;
    if (delivery === 'sent') setReplyWarning(composer, '');
    else if (delivery === 'windowClosed' || delivery === 'unsupported') setReplyWarning(composer, s(`reply.${delivery}`));
    else setReplyWarning(composer, s('reply.failed'));
  } catch (err) {
    if (statusOf(err) === 409 && codeOf(err) === 'not_holder') {
      setReplyWarning(composer, s('reply.notHolder'));
      refreshList();
      if (state.sel === sel) loadDetail(sel);
    } else if (statusOf(err) === 400) {
      setReplyWarning(composer, s('reply.tooLong', { max: REPLY_MAX }));
    } else {
      await handleApiError(err);
    }
  } finally {
    sel.sending = false;
    composer.send.disabled = false;
    composer.send.textContent = s('reply.send');
    composer.textarea.readOnly = false;
    if (state.sel === sel) composer.textarea.focus();
  }
}

// ---------------------------------------------------------------------------------------------
// Filing a ticket

/** @returns {Promise<CatalogEntry[] | null>} the complaint catalogue, fetched once per session */
function loadCatalog() {
  if (!state.catalog) {
    const request = api('GET', '/catalog').then(
      (data) => {
        const entries = Array.isArray(data?.entries) ? data.entries : [];
        return entries.filter((/** @type {any} */ e) => e && Number.isInteger(e.number) && typeof e.label === 'string');
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

/** Fills the catalogue select (grouped), keeping what is selected or pre-selecting `initial`. */
function fillCatalog(/** @type {HTMLSelectElement} */ select, /** @type {HTMLElement} */ note, /** @type {number | null} */ initial) {
  select.replaceChildren(h('option', { value: '' }, s('ticket.catalogLoading')));
  select.disabled = true;
  loadCatalog().then((entries) => {
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

function toggleTicketForm(/** @type {OpenConversation} */ sel) {
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

function closeTicketForm(/** @type {OpenConversation} */ sel) {
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

// ---------------------------------------------------------------------------------------------

start();
