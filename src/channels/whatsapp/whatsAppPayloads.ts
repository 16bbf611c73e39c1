import { splitText, truncate } from '../meta/textLimits.js';
import type { OutboundReply } from '../meta/types.js';

/**
 * Words a channel adds around a reply. They are read by the user, so they come from locales/
 * (the caller passes `t(locale, ...)`), never from here.
 */
export interface WhatsAppLabels {
  /** The button that opens a list message (at most 20 characters). */
  listButton: string;
  /** The title of the list's single section (at most 24 characters). */
  listSection: string;
  /** The body of an interactive message whose reply has no text; `listButton` when not given. */
  prompt?: string;
}

/** Text message body (Meta text-messages page). Counted in UTF-16 units, the stricter count. */
export const TEXT_MAX = 4096;
/** Reply buttons: at most 3; title ≤ 20 and unique; id ≤ 256; body ≤ 1024. */
export const MAX_BUTTONS = 3;
export const BUTTON_TITLE_MAX = 20;
export const BUTTON_ID_MAX = 256;
export const BUTTON_BODY_MAX = 1024;
/** List: at most 10 rows; button label ≤ 20; section title ≤ 24; row title ≤ 24, description ≤ 72, id ≤ 200; body ≤ 4096. */
export const MAX_LIST_ROWS = 10;
export const LIST_BUTTON_MAX = 20;
export const LIST_SECTION_TITLE_MAX = 24;
export const LIST_ROW_TITLE_MAX = 24;
export const LIST_ROW_DESCRIPTION_MAX = 72;
export const LIST_ROW_ID_MAX = 200;
export const LIST_BODY_MAX = 4096;

type Body = Record<string, unknown>;
type Choice = OutboundReply['choices'][number];

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Graph API bodies (`POST /{phone-number-id}/messages`) that render one reply, in sending order.
 *
 * - Text is split at 4096 characters on a paragraph, line, then word boundary (never inside a
 *   character or grapheme cluster). WhatsApp renders `*bold*` itself: the text is left as is.
 * - 1–3 choices: one reply-buttons message (titles ≤ 20, unique). 4–10: one list message (row
 *   titles ≤ 24, the full title as description when cut). More than 10, or a value Meta would
 *   refuse as an id (empty, too long, repeated): a numbered list appended to the text.
 * - A text longer than the interactive body allows (1024 for buttons, 4096 for a list) goes
 *   first as text messages, and the interactive message carries its last paragraph (or its last
 *   ≤ 1024 / 4096 characters).
 *
 * `to` is the wa_id digits; it is sent as `+<digits>` (without the `+` Meta would prefix the
 * business number's country code). A business-scoped user id (`ID.123...`) goes in `recipient`.
 */
/** The fields every message send starts with: the product, and the recipient (a number, or a BSUID). */
export function whatsAppEnvelope(to: string): Body {
  return { messaging_product: 'whatsapp', recipient_type: 'individual', ...recipientOf(to) };
}

export function whatsAppPayloads(to: string, reply: OutboundReply, labels: WhatsAppLabels): Body[] {
  const envelope: Body = whatsAppEnvelope(to);
  const text = reply.text.trim();
  const choices = reply.choices;

  const kind = interactiveKind(choices);
  if (kind === undefined) {
    const all = choices.length > 0 ? joinParagraphs(text, numberedList(choices)) : text;
    return splitText(all, TEXT_MAX).map((chunk) => textBody(envelope, chunk));
  }

  const bodyMax = kind === 'button' ? BUTTON_BODY_MAX : LIST_BODY_MAX;
  const { lead, tail } = splitForInteractive(text, bodyMax);
  const bodyText = tail || labels.prompt?.trim() || labels.listButton.trim();
  const interactive = kind === 'button' ? buttonsInteractive(bodyText, choices) : listInteractive(bodyText, choices, labels);
  return [...splitText(lead, TEXT_MAX).map((chunk) => textBody(envelope, chunk)), { ...envelope, type: 'interactive', interactive }];
}

/** `to: "+<digits>"` for a wa_id; `recipient` for a business-scoped user id (which has no phone). */
function recipientOf(userId: string): Body {
  const digits = userId.trim().replace(/^\+/, '');
  return /^\d+$/.test(digits) ? { to: `+${digits}` } : { recipient: userId.trim() };
}

/** A text message's body (links not previewed). */
export function textBody(envelope: Body, body: string): Body {
  return { ...envelope, type: 'text', text: { body, preview_url: false } };
}

/** Which interactive message renders `choices`, or `undefined` when they must be written out. */
function interactiveKind(choices: Choice[]): 'button' | 'list' | undefined {
  if (choices.length === 0 || choices.length > MAX_LIST_ROWS) return undefined;
  const kind = choices.length <= MAX_BUTTONS ? 'button' : 'list';
  const idMax = kind === 'button' ? BUTTON_ID_MAX : LIST_ROW_ID_MAX;
  // An id cannot be cut without breaking the answer, and Meta refuses empty or repeated ones.
  const ids = choices.map((c) => c.value);
  if (ids.some((id) => id.trim() === '' || id.length > idMax) || new Set(ids).size !== ids.length) return undefined;
  return kind;
}

function buttonsInteractive(body: string, choices: Choice[]): Body {
  const titles = uniqueTitles(choices.map(labelOf), BUTTON_TITLE_MAX);
  return {
    type: 'button',
    body: { text: body },
    action: { buttons: choices.map((c, i) => ({ type: 'reply', reply: { id: c.value, title: titles[i] ?? '' } })) },
  };
}

function listInteractive(body: string, choices: Choice[], labels: WhatsAppLabels): Body {
  const full = choices.map(labelOf);
  const titles = uniqueTitles(full, LIST_ROW_TITLE_MAX);
  const rows = choices.map((c, i) => {
    const title = titles[i] ?? '';
    const whole = full[i] ?? '';
    // The row title was cut (or changed to stay unique): the description shows the whole of it.
    return { id: c.value, title, ...(title !== whole ? { description: truncate(whole, LIST_ROW_DESCRIPTION_MAX) } : {}) };
  });
  return {
    type: 'list',
    body: { text: body },
    action: {
      button: truncate(oneLine(labels.listButton), LIST_BUTTON_MAX),
      sections: [{ title: truncate(oneLine(labels.listSection), LIST_SECTION_TITLE_MAX), rows }],
    },
  };
}

/** What a choice shows: its title on one line, or its value when the title is blank. */
function labelOf(c: Choice): string {
  return oneLine(c.title) || oneLine(c.value);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function numberedList(choices: Choice[]): string {
  return choices.map((c, i) => `${i + 1}. ${labelOf(c)}`).join('\n');
}

function joinParagraphs(a: string, b: string): string {
  return a && b ? `${a}\n\n${b}` : a || b;
}

export { truncate };

/**
 * Titles cut to `max` and unique (case-insensitively, since Meta refuses repeated button titles):
 * a title equal to an earlier one gets a number, ` 2`, ` 3`, ..., made room for by cutting it
 * further.
 */
export function uniqueTitles(titles: string[], max: number): string[] {
  const taken = new Set<string>();
  return titles.map((title) => {
    let candidate = truncate(title, max);
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) {
      const suffix = ` ${n}`;
      candidate = `${truncate(title, max - suffix.length)}${suffix}`;
    }
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}

/**
 * Splits the text of an interactive message into `lead` (sent first, as text messages) and
 * `tail` (the interactive body, at most `max`). A text that fits stays whole in `tail`; a longer
 * one keeps its last paragraph there, or, when even that is too long, its last `max` characters
 * from a word boundary on.
 */
export function splitForInteractive(text: string, max: number): { lead: string; tail: string } {
  if (text.length <= max) return { lead: '', tail: text };
  const breaks = [...text.matchAll(/\n[^\S\n]*\n\s*/g)];
  const last = breaks.at(-1);
  if (last) {
    const start = last.index + last[0].length;
    const paragraph = text.slice(start);
    if (paragraph.length <= max) return { lead: text.slice(0, last.index).trimEnd(), tail: paragraph };
  }
  const start = tailStart(text, max);
  return { lead: text.slice(0, start).trimEnd(), tail: text.slice(start).trimStart() };
}

/** The smallest grapheme-boundary index from which `text` measures at most `max`, moved to a word start when one is near. */
function tailStart(text: string, max: number): number {
  const earliest = text.length - max;
  let start = text.length;
  for (const { index } of graphemes.segment(text)) {
    if (index >= earliest) {
      start = index;
      break;
    }
  }
  const space = text.slice(start).search(/[^\S\u00a0\u202f]/);
  return space !== -1 && space <= max / 2 ? start + space : start;
}

export { splitText };
