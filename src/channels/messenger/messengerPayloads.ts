import { t } from '../../i18n/messages.js';
import type { OutboundReply } from '../meta/types.js';

export interface MessengerPayloadOptions {
  channel: 'messenger' | 'instagram';
  /** A human officer writing outside the 24-hour window: sent with the HUMAN_AGENT tag (7 days). */
  humanAgent: boolean;
}

/** Messenger: `text` must be under 2000 characters (counted here in UTF-16 units, the stricter count). */
export const MESSENGER_TEXT_MAX_CHARS = 2000;
/** Instagram: 1000 BYTES of UTF-8, so an emoji (4 bytes) costs four. */
export const INSTAGRAM_TEXT_MAX_BYTES = 1000;
/** Quick replies per message, on both channels. */
export const MAX_QUICK_REPLIES = 13;
/** Quick-reply title: longer titles are cut (Instagram truncates them itself; Messenger may refuse). */
export const QUICK_REPLY_TITLE_MAX = 20;
export const QUICK_REPLY_PAYLOAD_MAX = 1000;


const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

interface QuickReply {
  content_type: 'text';
  title: string;
  payload: string;
}

/**
 * Send API bodies (`POST /me/messages`) for one reply, in sending order.
 *
 * - The text loses WhatsApp-style `*bold*` markers (neither Messenger nor Instagram renders them)
 *   and is split on paragraph, line, then word boundaries to fit the channel (Messenger 2000
 *   characters, Instagram 1000 UTF-8 bytes), never inside a character or grapheme cluster.
 * - Up to 13 choices become text quick replies on the LAST body; more than 13 (or a choice that
 *   cannot be a quick reply) become a numbered list appended to the text, with no quick replies.
 * - `humanAgent` sends with `messaging_type: MESSAGE_TAG` + `tag: HUMAN_AGENT`, else `RESPONSE`.
 */
export function messengerPayloads(recipientId: string, reply: OutboundReply, opts: MessengerPayloadOptions): Array<Record<string, unknown>> {
  const quickReplies = toQuickReplies(reply.choices);
  let text = stripBoldMarkers(reply.text).trim();
  if (reply.choices.length > 0 && !quickReplies) {
    const list = reply.choices.map((c, i) => `${i + 1}. ${stripBoldMarkers(c.title).trim() || c.value}`).join('\n');
    text = text ? `${text}\n\n${list}` : list;
  }
  // Quick replies need a text; the words come from locales/ like every sentence a user reads.
  if (!text && quickReplies) text = t(reply.locale ?? 'id', 'choices.prompt');
  if (!text) return [];

  const measure = opts.channel === 'instagram' ? utf8Bytes : utf16Length;
  const limit = opts.channel === 'instagram' ? INSTAGRAM_TEXT_MAX_BYTES : MESSENGER_TEXT_MAX_CHARS;
  const chunks = splitText(text, limit, measure);

  const envelope = opts.humanAgent ? { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' } : { messaging_type: 'RESPONSE' };
  return chunks.map((chunk, i) => {
    const last = i === chunks.length - 1;
    const message: Record<string, unknown> = { text: chunk };
    if (last && quickReplies) message.quick_replies = quickReplies;
    return { recipient: { id: recipientId }, ...envelope, message };
  });
}

/**
 * Removes single asterisks used as WhatsApp bold markers: `*kirim*` becomes `kirim`, `*Nomor
 * Lapor*` becomes `Nomor Lapor`. An asterisk stays when it is not hugging a word on the inside
 * (`5 * 3`), sits inside a word (`a*b`), or is part of a run (`**`, `***`).
 */
export function stripBoldMarkers(text: string): string {
  return text.replace(/(?<![\p{L}\p{N}_*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\p{L}\p{N}_*])/gu, '$1');
}

/** Up to 13 text quick replies, or `undefined` when the choices must be written out instead. */
function toQuickReplies(choices: OutboundReply['choices']): QuickReply[] | undefined {
  if (choices.length === 0 || choices.length > MAX_QUICK_REPLIES) return undefined;
  // A payload Meta would refuse (empty, or too long) cannot be cut without breaking the answer.
  if (choices.some((c) => c.value.length === 0 || c.value.length > QUICK_REPLY_PAYLOAD_MAX)) return undefined;
  return choices.map((c) => ({
    content_type: 'text',
    title: truncateTitle(stripBoldMarkers(c.title).trim() || c.value),
    payload: c.value,
  }));
}

/** At most 20 UTF-16 units, cut on a grapheme boundary and ended with '…' when cut. */
export function truncateTitle(title: string): string {
  if (title.length <= QUICK_REPLY_TITLE_MAX) return title;
  let out = '';
  for (const { segment } of graphemes.segment(title)) {
    if (out.length + segment.length > QUICK_REPLY_TITLE_MAX - 1) break;
    out += segment;
  }
  return `${out.trimEnd()}…`;
}

function utf16Length(s: string): number {
  return s.length;
}

function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * Splits `text` into pieces each measuring at most `limit`. Each cut prefers, in this order, a
 * paragraph break, a line break, then a space, as long as it keeps at least half of the room; else
 * the last space anywhere; else the last grapheme boundary that fits. The whitespace at a cut is
 * dropped. Pieces are never empty.
 */
export function splitText(text: string, limit: number, measure: (s: string) => number): string[] {
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest) {
    if (measure(rest) <= limit) {
      chunks.push(rest);
      break;
    }
    const end = fittingPrefixEnd(rest, limit, measure);
    const cut = findCut(rest, end);
    const chunk = rest.slice(0, cut).trimEnd();
    chunks.push(chunk);
    rest = rest.slice(cut).trimStart();
  }
  return chunks;
}

/** The largest grapheme-boundary index whose prefix fits (at least one grapheme, so progress is made). */
function fittingPrefixEnd(text: string, limit: number, measure: (s: string) => number): number {
  let end = 0;
  let size = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    const next = size + measure(segment);
    if (next > limit) return end > 0 ? end : index + segment.length;
    size = next;
    end = index + segment.length;
  }
  return end;
}

/** Where to cut `text` so that the piece is `text.slice(0, cut)` with `cut <= end`. */
function findCut(text: string, end: number): number {
  const window = text.slice(0, end + 1);
  const halfway = Math.floor(end / 2);
  const candidates = [lastBreak(window, /\n[^\S\n]*\n/g, end), lastBreak(window, /\n/g, end), lastBreak(window, /\s/g, end)];
  for (const at of candidates) if (at !== undefined && at >= halfway) return at;
  return candidates[2] ?? end;
}

/** The start of the last match of `re` in `window` that begins at or before `end` and after 0. */
function lastBreak(window: string, re: RegExp, end: number): number | undefined {
  let found: number | undefined;
  for (const match of window.matchAll(re)) {
    if (match.index > 0 && match.index <= end) found = match.index;
  }
  return found;
}
