// @ts-check
/** Replying: the reply box of the open conversation and sending what the officer wrote. */

/** @import { Composer, OpenConversation } from './types.js' */
import { s } from './strings.js';
import { h } from './dom.js';
import { statusOf, codeOf, api, upload } from './api.js';
import { state, isMine } from './state.js';
import { handleApiError } from './banners.js';
import { refreshList } from './queue.js';
import { loadDetail } from './conversation.js';
import { addEntries } from './transcript.js';
import { matchingCommands, cannedText, renderCannedList } from './canned.js';

export const REPLY_MAX = 2000;
/** The largest file the service takes from an officer (OFFICER_FILE_MAX_BYTES). */
const FILE_MAX = 5 * 1024 * 1024;

/** @param {OpenConversation} sel @returns {Composer} */
export function buildComposer(sel) {
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
  const canned = h('ul', { class: 'canned', role: 'listbox', id: 'canned-list', testid: 'canned-list', 'aria-label': s('reply.cannedList'), hidden: true });
  textarea.setAttribute('aria-controls', 'canned-list');
  const modeReply = h('button', { type: 'button', class: 'pill composer__mode', testid: 'mode-reply', 'aria-pressed': 'true' }, s('reply.modeReply'));
  const modeNote = h('button', { type: 'button', class: 'pill composer__mode composer__mode--note', testid: 'mode-note', 'aria-pressed': 'false' }, s('reply.modeNote'));
  // A photo or PDF for the customer: the box's text, if any, goes with it as the caption.
  const fileInput = h('input', { type: 'file', id: 'attach-input', class: 'visually-hidden', testid: 'attach-input', accept: 'image/jpeg,image/png,application/pdf', tabindex: '-1', 'aria-label': s('reply.attachHint') });
  const attach = h('button', { type: 'button', class: 'pill composer__attach', testid: 'attach', title: s('reply.attachHint') }, s('reply.attach'));
  attach.addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (file) sendFile(sel, file);
  });
  const root = h(
    'form',
    { class: 'composer', novalidate: true, hidden: true },
    h('div', { class: 'composer__modes', role: 'group', 'aria-label': s('reply.heading') }, modeReply, modeNote, attach, fileInput, h('span', { class: 'composer__hint' }, s('reply.cannedHint'))),
    warning,
    canned,
    h('div', { class: 'composer__row' }, textarea, h('div', { class: 'composer__side' }, send, counter)),
  );
  /** @type {Composer} */
  const composer = { root, textarea, send, warning, counter, canned, mode: 'reply', modeReply, modeNote };
  const setMode = (/** @type {'reply' | 'note'} */ mode) => {
    composer.mode = mode;
    modeReply.setAttribute('aria-pressed', String(mode === 'reply'));
    modeNote.setAttribute('aria-pressed', String(mode === 'note'));
    root.classList.toggle('composer--note', mode === 'note');
    textarea.placeholder = mode === 'note' ? s('reply.notePlaceholder') : s('reply.placeholder');
    send.textContent = mode === 'note' ? s('reply.saveNote') : s('reply.send');
    textarea.focus();
  };
  modeReply.addEventListener('click', () => setMode('reply'));
  modeNote.addEventListener('click', () => setMode('note'));
  const updateCounter = () => {
    counter.textContent = s('reply.counter', { count: textarea.value.length, max: REPLY_MAX });
    counter.classList.toggle('is-near-limit', textarea.value.length > REPLY_MAX * 0.9);
  };
  const pick = (/** @type {string} */ text) => {
    textarea.value = text;
    textarea.dispatchEvent(new Event('input'));
    textarea.focus();
  };
  updateCounter();
  root.addEventListener('submit', (ev) => {
    ev.preventDefault();
    sendReply(sel);
  });
  textarea.addEventListener('keydown', (ev) => {
    const commands = matchingCommands(textarea.value);
    // A command being typed: Enter or Tab takes the first match, Escape leaves the text as it is.
    if (commands && commands.length > 0 && (ev.key === 'Enter' || ev.key === 'Tab') && !ev.shiftKey) {
      ev.preventDefault();
      pick(cannedText(sel, commands[0] ?? ''));
      return;
    }
    if (ev.key === 'Escape' && !canned.hidden) {
      renderCannedList(canned, null, sel, pick);
      return;
    }
    // Enter sends, Shift+Enter is a new line; not while an input method is composing a word.
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
      ev.preventDefault();
      sendReply(sel);
    }
  });
  textarea.addEventListener('input', () => {
    updateCounter();
    renderCannedList(canned, matchingCommands(textarea.value), sel, pick);
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
export function suggestReply(/** @type {OpenConversation} */ sel, /** @type {string} */ text) {
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
  const note = composer.mode === 'note';
  sel.sending = true;
  composer.send.disabled = true;
  composer.send.textContent = s('reply.sending');
  composer.textarea.readOnly = true;
  try {
    const data = await api('POST', `/handoffs/${encodeURIComponent(sel.id)}/${note ? 'notes' : 'reply'}`, { text });
    composer.textarea.value = '';
    composer.textarea.dispatchEvent(new Event('input'));
    if (data?.entry) addEntries(sel, [data.entry]);
    // What became of a reply is shown on the message itself (sent, or failed with a resend button).
    setReplyWarning(composer, '');
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
    composer.send.textContent = note ? s('reply.saveNote') : s('reply.send');
    composer.textarea.readOnly = false;
    if (state.sel === sel) composer.textarea.focus();
  }
}

/** Uploads a photo or PDF for the customer, with the reply box's text as its caption. */
async function sendFile(/** @type {OpenConversation} */ sel, /** @type {File} */ file) {
  const composer = sel.view.composer;
  if (sel.sending || state.sel !== sel || !isMine(sel.handoff)) return;
  if (file.size > FILE_MAX) {
    setReplyWarning(composer, s('reply.fileTooLarge'));
    return;
  }
  const caption = composer.mode === 'reply' ? composer.textarea.value.trim() : '';
  sel.sending = true;
  composer.send.disabled = true;
  try {
    const data = await upload(`/handoffs/${encodeURIComponent(sel.id)}/files`, file, { 'X-File-Name': encodeURIComponent(file.name), 'X-Caption': encodeURIComponent(caption) });
    if (caption) {
      composer.textarea.value = '';
      composer.textarea.dispatchEvent(new Event('input'));
    }
    if (data?.entry) addEntries(sel, [data.entry]);
    setReplyWarning(composer, '');
  } catch (err) {
    const code = codeOf(err);
    if (code === 'unsupported_file' || code === 'channel_refuses_file' || code === 'too_large') setReplyWarning(composer, s(`reply.file.${code}`));
    else if (statusOf(err) === 409 && code === 'not_holder') setReplyWarning(composer, s('reply.notHolder'));
    else await handleApiError(err);
  } finally {
    sel.sending = false;
    composer.send.disabled = false;
  }
}

/** Sends a failed officer message again (the message's "Kirim ulang" button). */
export async function resend(/** @type {OpenConversation} */ sel, /** @type {number} */ entryId) {
  try {
    const data = await api('POST', `/handoffs/${encodeURIComponent(sel.id)}/messages/${encodeURIComponent(entryId)}/resend`, {});
    if (data?.entry) addEntries(sel, [data.entry]);
  } catch (err) {
    if (statusOf(err) === 409) {
      refreshList();
      if (state.sel === sel) loadDetail(sel);
    } else {
      await handleApiError(err);
    }
  }
}
