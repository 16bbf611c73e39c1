// @ts-check
/* global document, window */
/** Signing in and out, and the officer's session (fresh CSRF token, expiry). */

/** @import { Me } from './types.js' */
import { s } from './strings.js';
import { ApiError, statusOf, api } from './api.js';
import { state } from './state.js';
import { ui } from './skeleton.js';
import { clearError, handleApiError } from './banners.js';
import { duration } from './format.js';
import { closeEvents, openEvents } from './events.js';
import { refreshList, renderLists, refreshClosed } from './queue.js';
import { resetSupervisor } from './supervisor.js';
import { renderMute, askNotificationPermission } from './alerts.js';

function setLoginError(/** @type {string} */ message) {
  ui.loginError.textContent = message;
  ui.loginError.hidden = !message;
}

/** "5 menit" (whole minutes, rounded up) from a minute on, else "42 detik". */
function waitText(/** @type {number} */ seconds) {
  return seconds >= 60 ? s('login.waitMinutes', { n: Math.ceil(seconds / 60) }) : s('login.waitSeconds', { n: seconds });
}

/**
 * A refused sign-in (429): says once how long to wait, and keeps the button disabled, counting
 * down on it (not in the alert, which a screen reader would read out every second), until then.
 * @param {number} seconds the server's retryAfterSeconds
 */
function waitBeforeRetry(seconds) {
  window.clearInterval(state.loginWaitTimer);
  const until = Date.now() + seconds * 1000;
  setLoginError(s('login.tooManyAttemptsWait', { time: waitText(seconds) }));
  const tick = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left > 0) {
      ui.loginSubmit.disabled = true;
      ui.loginSubmit.textContent = s('login.waitButton', { time: duration(left) });
      return;
    }
    window.clearInterval(state.loginWaitTimer);
    state.loginWaitTimer = 0;
    ui.loginSubmit.disabled = false;
    ui.loginSubmit.textContent = s('login.submit');
    setLoginError('');
  };
  state.loginWaitTimer = window.setInterval(tick, 1000);
  tick();
}

/** The wait a 429 answer gives, in whole seconds; 0 when it gives none. */
function retryAfterOf(/** @type {unknown} */ err) {
  const seconds = err instanceof ApiError ? Number(err.body.retryAfterSeconds) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 0;
}

/**
 * The sign-in form, everything of the previous session dropped.
 * @param {string} [error] shown as an error (e.g. the session ended)
 * @param {string} [info] shown as information (e.g. signed out)
 */
export function showLogin(error = '', info = '') {
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
  state.listLoaded = false;
  state.closed = [];
  state.closedCount = 0;
  state.search = null;
  state.filter = 'all';
  state.officerNames = new Map();
  resetSupervisor();
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
export function enterConsole(me) {
  state.me = me;
  ui.loading.hidden = true;
  ui.login.hidden = true;
  ui.consoleView.hidden = false;
  ui.loginInfo.hidden = true;
  setLoginError('');
  showOfficer();
  ui.supervisorToggle.hidden = me.supervisor !== true;
  renderMute();
  clearError();
  renderLists();
  refreshList();
  refreshClosed();
  openEvents();
}

function showOfficer() {
  if (!state.me) return;
  ui.officerName.textContent = state.me.displayName || state.me.username;
  ui.officerName.title = s('header.signedInAs', { name: state.me.username });
}

/** @param {SubmitEvent} ev */
export async function onLoginSubmit(ev) {
  ev.preventDefault();
  if (state.loginWaitTimer) return;
  // Signing in is a click: the moment a browser lets the page ask to show notifications.
  askNotificationPermission();
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
    else if (status === 429 && retryAfterOf(err) > 0) waitBeforeRetry(retryAfterOf(err));
    else if (status === 429) setLoginError(s('login.tooManyAttempts'));
    else if (status === 400) setLoginError(s('login.missing'));
    else setLoginError(s('login.failed'));
    if (status === -1) console.error(err);
    ui.loginPass.focus();
  } finally {
    // A wait under way keeps the button (waitBeforeRetry gives it back).
    if (!state.loginWaitTimer) {
      ui.loginSubmit.disabled = false;
      ui.loginSubmit.textContent = s('login.submit');
    }
  }
}

export async function onLogout() {
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
export async function refreshMe() {
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
