// @ts-check
/** Calls to the console's JSON API (/agent/api): CSRF token, JSON bodies, errors as ApiError. */

import { state } from './state.js';

export const API = '/agent/api';

export class ApiError extends Error {
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
export function statusOf(/** @type {unknown} */ err) {
  return err instanceof ApiError ? err.status : -1;
}

/** The `error` code of a failed call's JSON body, or ''. */
export function codeOf(/** @type {unknown} */ err) {
  return err instanceof ApiError && typeof err.body.error === 'string' ? err.body.error : '';
}

/**
 * Sends a file's bytes to the console API (the officer's photo or PDF for the customer), with the
 * CSRF token; `headers` carry its name and caption. Resolves with the JSON answer; rejects with ApiError.
 * @param {string} path under /agent/api
 * @param {Blob} file
 * @param {Record<string, string>} headers
 * @returns {Promise<any>}
 */
export async function upload(path, file, headers) {
  let res;
  try {
    res = await fetch(`${API}${path}`, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/octet-stream', ...(state.me ? { 'X-CSRF-Token': state.me.csrfToken } : {}), ...headers },
      body: file,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, {});
  }
  const data = (res.headers.get('content-type') ?? '').includes('json') ? await res.json().catch(() => null) : null;
  if (res.ok) return data;
  throw new ApiError(res.status, data && typeof data === 'object' ? data : {});
}

/**
 * A JSON call to the console API. POSTs carry the CSRF token (except sign-in, before there is
 * one). Resolves with the JSON body (null for 204); rejects with ApiError.
 * @param {'GET' | 'POST'} method
 * @param {string} path under /agent/api
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function api(method, path, body) {
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
