// @ts-check
/* global window, document, Notification, AudioContext */
/**
 * Telling the officer a customer started waiting: a short tone (Web Audio, no sound file) and,
 * when the page is not in view and the browser allows it, a desktop notification. One button in
 * the top bar mutes both (remembered in this browser). The browser's permission for notifications
 * is asked when the officer signs in or unmutes (browsers ask only after a click).
 */

/** @import { HandoffSummary } from './types.js' */
import { s } from './strings.js';
import { customerLabel } from './format.js';
import { ui } from './skeleton.js';

const MUTE_KEY = 'pln123.console.muted';

/** @type {AudioContext | null} */
let audio = null;

export function isMuted() {
  try {
    return localStorage.getItem(MUTE_KEY) === '1';
  } catch {
    return false;
  }
}

/** The button's look: muted or not. */
export function renderMute() {
  const muted = isMuted();
  ui.muteToggle.dataset.muted = String(muted);
  ui.muteToggle.textContent = muted ? s('alerts.unmute') : s('alerts.mute');
}

/** Mutes or unmutes; unmuting (a click) is also when the browser may ask for notifications. */
export function toggleMute() {
  const muted = !isMuted();
  try {
    localStorage.setItem(MUTE_KEY, muted ? '1' : '0');
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
  if (!muted) askNotificationPermission();
  renderMute();
}

/** Asks the browser, once, for desktop notifications (only from a click: browsers ignore it otherwise). */
export function askNotificationPermission() {
  if (isMuted() || typeof Notification === 'undefined' || Notification.permission !== 'default') return;
  void Notification.requestPermission().catch(() => undefined);
}

/** A customer has just joined the queue: a tone, and a notification if the console is not in view. */
export function alertWaiting(/** @type {HandoffSummary} */ handoff) {
  if (isMuted()) return;
  beep();
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || !document.hidden) return;
  try {
    const note = new Notification(s('alerts.title'), { body: s('alerts.body', { name: customerLabel(handoff) }), tag: `handoff-${handoff.id}` });
    note.addEventListener('click', () => window.focus());
  } catch {
    // Some browsers allow notifications from a service worker only: the tone was enough.
  }
}

function beep() {
  try {
    audio ??= new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.35);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.35);
  } catch {
    // No audio device (or not allowed before a click): the list and the title still show it.
  }
}
