// @ts-check
/* global window */
/**
 * PLN 123 agent console: the page officers (CSO) use to take over conversations the bot hands
 * to them. Plain ES modules (this one is the entry point), no build step, no framework; runs
 * under a strict Content-Security-Policy (no inline script or style, no eval).
 *
 * Security rule of these modules: everything is built with createElement/textContent (see h() in
 * dom.js). Nothing here turns a string into markup (test/handoff/consolePage.test.ts lists the
 * forbidden APIs and checks every module for them), so customer text (messages, form values,
 * names) can only ever appear as text. Keep it that way.
 *
 * Every sentence shown comes from the `agent` section of the locale files, injected by the
 * server as JSON in <script type="application/json" id="agent-strings"> (see strings.js).
 *
 * Modules: strings, dom, format, widgets (small elements), validate (server shapes), api, state,
 * skeleton (the page frame), banners, session (sign-in), events (live stream), queue,
 * conversation, transcript, details, composer (reply box), fields, catalog, ticketForm; types holds
 * the JSDoc types only. They import each other in cycles, which is safe: while loading, a module
 * only defines things, except strings.js (reads the embedded JSON) and skeleton.js (builds the
 * page frame with h() and s(), whose modules are in no cycle). Everything else runs from start().
 */

import { s } from './strings.js';
import { tick } from './widgets.js';
import { statusOf, api } from './api.js';
import { showLogin, enterConsole } from './session.js';

async function start() {
  window.setInterval(tick, 1000);
  try {
    enterConsole(await api('GET', '/me'));
  } catch (err) {
    const status = statusOf(err);
    showLogin(status === 401 ? '' : status === 0 ? s('errors.network') : s('errors.generic', { status }));
  }
}

start();
