// @ts-check
/* global window */
/** The error and notice banners, and what a failed API call tells the officer. */

import { s } from './strings.js';
import { ApiError, codeOf } from './api.js';
import { state } from './state.js';
import { ui } from './skeleton.js';
import { showLogin, refreshMe } from './session.js';

export function showError(/** @type {string} */ message, /** @type {'network' | ''} */ kind = '') {
  ui.errorText.textContent = message;
  ui.errorBanner.hidden = false;
  ui.errorBanner.dataset.kind = kind;
}

/** The connection is back: an error that only said it was lost goes. */
export function clearNetworkError() {
  if (ui.errorBanner.dataset.kind === 'network') clearError();
}

export function clearError() {
  ui.errorText.textContent = '';
  ui.errorBanner.hidden = true;
}

export function showNotice(/** @type {string} */ message) {
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
export async function handleApiError(err) {
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
  if (err.status === 0) showError(s('errors.network'), 'network');
  else if (err.status === 404) showError(s('errors.notFound'));
  else if (err.status === 409 && codeOf(err) === 'not_holder') showError(s('errors.notHolder'));
  else if (err.status === 400) showError(s('errors.badRequest'));
  else showError(s('errors.generic', { status: err.status }));
}
