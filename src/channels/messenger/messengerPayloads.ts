import { t } from '../../i18n/messages.js';
import { splitText, truncate, utf16Length } from '../meta/textLimits.js';
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
  return truncate(title, QUICK_REPLY_TITLE_MAX);
}

function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export { splitText };
