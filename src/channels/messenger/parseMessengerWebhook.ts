import { createHash } from 'node:crypto';
import type { InboundMessage, ParsedWebhook } from '../meta/types.js';
import {
  attachmentSchema,
  entrySchema,
  envelopeSchema,
  messageSchema,
  messagingEventSchema,
  postbackSchema,
  type MessengerAttachment,
  type MessengerMessage,
} from './messengerSchemas.js';

export type MessengerFamilyChannel = 'messenger' | 'instagram';

/** The webhook `object` each channel's envelope carries. */
const ENVELOPE_OBJECT: Record<MessengerFamilyChannel, string> = { messenger: 'page', instagram: 'instagram' };

/** Attachment types that may hold a photo; everything else (a file too) is answered as unsupported. */
const MEDIA_TYPES = new Set(['image']);

type Content = InboundMessage['content'];

/**
 * Reads a Messenger (`object: "page"`) or Instagram (`object: "instagram"`) webhook body.
 *
 * Returns `null` only when the body is not this channel's envelope (the caller answers 400).
 * Inside the envelope everything is permissive: every `entry[]` and every `messaging[]` item is
 * read in arrival order, and whatever is not a user message (echoes, deliveries, reads,
 * reactions, opt-ins, referrals, deleted messages, `standby[]` events of threads another app owns,
 * comment `changes[]`, or an item of a shape we do not know) is counted in `ignored`.
 */
export function parseMessengerWebhook(body: unknown, channel: MessengerFamilyChannel): ParsedWebhook | null {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success || envelope.data.object !== ENVELOPE_OBJECT[channel]) return null;

  const messages: InboundMessage[] = [];
  let ignored = 0;
  for (const rawEntry of envelope.data.entry) {
    const entry = entrySchema.safeParse(rawEntry);
    if (!entry.success) {
      ignored += 1;
      continue;
    }
    ignored += (entry.data.standby?.length ?? 0) + (entry.data.changes?.length ?? 0);
    for (const rawEvent of entry.data.messaging ?? []) {
      const message = toInboundMessage(rawEvent, channel, entry.data.time);
      if (message) messages.push(message);
      else ignored += 1;
    }
  }
  return { messages, ignored };
}

/**
 * A stable de-duplication key for a postback that has no `mid` (events from before Graph v11.0, or
 * from a platform that leaves it out): the same tap redelivered gives the same id.
 */
export function derivePostbackId(senderId: string, timestamp: number, payload: string): string {
  const digest = createHash('sha256').update(`${senderId}\n${timestamp}\n${payload}`).digest('hex');
  return `pb.${digest.slice(0, 32)}`;
}

function toInboundMessage(raw: unknown, channel: MessengerFamilyChannel, entryTime: number | undefined): InboundMessage | null {
  const event = messagingEventSchema.safeParse(raw);
  if (!event.success) return null;
  const { sender, recipient, message, postback } = event.data;
  const timestamp = event.data.timestamp ?? entryTime;
  if (timestamp === undefined) return null;
  const base = { channel, accountId: recipient.id, userId: sender.id, timestamp };

  if (message !== undefined) {
    const parsed = messageSchema.safeParse(message);
    if (!parsed.success) return null;
    const m = parsed.data;
    // Our own sends (or a human's from the Page inbox / IG app) and unsends are not user input.
    if (m.is_echo === true || m.is_deleted === true) return null;
    const content = messageContent(m);
    return content ? { ...base, messageId: m.mid, content } : null;
  }

  if (postback !== undefined) {
    const parsed = postbackSchema.safeParse(postback);
    if (!parsed.success) return null;
    const { mid, title, payload } = parsed.data;
    return {
      ...base,
      messageId: mid ?? derivePostbackId(sender.id, timestamp, payload),
      content: { kind: 'choice', value: payload, title: nonBlank(title) ?? payload },
    };
  }

  // delivery, read, reaction, optin, referral, message_edit, account_linking, handover, ...
  return null;
}

function messageContent(m: MessengerMessage): Content | null {
  const choice = m.quick_reply?.payload;
  if (choice !== undefined) return { kind: 'choice', value: choice, title: nonBlank(m.text) ?? choice };
  if (m.is_unsupported === true) return { kind: 'unsupported', what: 'unsupported' };

  const attachments = (m.attachments ?? []).map(readAttachment);
  const first = attachments[0];
  if (first) {
    // During Messenger's sticker transition (until 2026-08-30) a sticker arrives as BOTH a
    // `sticker` and an `image` attachment, in an order not promised: look at all of them.
    if (m.sticker_id != null || attachments.some(isSticker)) return { kind: 'unsupported', what: 'sticker' };
    // A typed link comes with a `fallback` link preview: the words are what the user sent.
    const text = nonBlank(m.text);
    if (text !== undefined && attachments.every((a) => a.type === 'fallback')) return { kind: 'text', text };
    const url = first.payload?.url;
    if (MEDIA_TYPES.has(first.type) && url) {
      return { kind: 'media', media: { kind: 'cdnUrl', url }, declaredType: first.type, ...(text !== undefined ? { caption: text } : {}) };
    }
    return { kind: 'unsupported', what: first.type === 'file' ? 'document' : first.type };
  }

  const text = nonBlank(m.text);
  return text !== undefined ? { kind: 'text', text } : null;
}

function readAttachment(raw: unknown): MessengerAttachment {
  const parsed = attachmentSchema.safeParse(raw);
  return parsed.success ? parsed.data : { type: 'unknown' };
}

/**
 * Messenger stickers: `type: "sticker"`, or (legacy, until 2026-08-30) an `image` whose payload has
 * `sticker_id`. Instagram sends stickers as plain `image` attachments with no marker: those stay
 * media and the photo pipeline judges the bytes.
 */
function isSticker(a: MessengerAttachment): boolean {
  return a.type === 'sticker' || a.payload?.sticker_id != null;
}

function nonBlank(s: string | undefined): string | undefined {
  return s !== undefined && s.trim() !== '' ? s : undefined;
}
