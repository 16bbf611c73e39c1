import { z } from 'zod';
import type { DeliveryReceipt } from '../../core/outbound.js';
import type { InboundMessage, ParsedWebhook } from '../meta/types.js';
import {
  changeSchema,
  contactSchema,
  entrySchema,
  envelopeSchema,
  interactiveSchema,
  mediaSchema,
  messageSchema,
  templateButtonSchema,
  textSchema,
  valueSchema,
  type WhatsAppContact,
  type WhatsAppMessage,
} from './whatsAppSchemas.js';
import { readFlowReply } from './flows/flowReply.js';

export interface ParseWhatsAppOptions {
  /** Our business number: changes for any other phone_number_id are ignored. */
  phoneNumberId: string;
}

type Content = InboundMessage['content'];

/**
 * Message types that are not something the user said to us, so they get no answer at all:
 * a reaction to one of our messages, a `system` notice (number or BSUID changed), and the
 * `request_welcome` event WhatsApp sends when a user opens a chat for the first time.
 */
const SILENT_TYPES = new Set(['reaction', 'system', 'request_welcome']);

/**
 * Types that may hold a photo (the photo pipeline then decides by the bytes). A document is never
 * taken as the product photo, whatever it holds: the customer is asked to send it as a photo.
 */
const MEDIA_TYPES = new Set(['image']);

/**
 * Reads a WhatsApp Cloud API webhook body (`object: "whatsapp_business_account"`).
 *
 * Returns `null` only when the body is not a WhatsApp webhook envelope (the caller answers 400).
 * Inside the envelope everything is permissive: every `entry[]`, `changes[]` and `messages[]`
 * item is read, and whatever is not a user message for `opts.phoneNumberId` is counted in
 * `ignored`: status updates, `errors[]`, reactions, `system` messages, group messages, changes of
 * another field or for another business number, and items of a shape we do not know. Unknown
 * message types become `unsupported` (the bot answers them politely). The messages come back
 * sorted by timestamp (stable), since WhatsApp promises no order inside or across webhooks.
 */
export function parseWhatsAppWebhook(body: unknown, opts: ParseWhatsAppOptions): ParsedWebhook | null {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return null;

  const messages: InboundMessage[] = [];
  const receipts: DeliveryReceipt[] = [];
  let ignored = 0;
  for (const rawEntry of envelope.data.entry) {
    const entry = entrySchema.safeParse(rawEntry);
    if (!entry.success) {
      ignored += 1;
      continue;
    }
    for (const rawChange of entry.data.changes ?? []) {
      const result = readChange(rawChange, opts.phoneNumberId);
      messages.push(...result.messages);
      receipts.push(...(result.receipts ?? []));
      ignored += result.ignored;
    }
  }
  // Array.prototype.sort is stable: messages with the same second keep their arrival order.
  messages.sort((a, b) => a.timestamp - b.timestamp);
  return { messages, ignored, ...(receipts.length ? { receipts } : {}) };
}

function readChange(raw: unknown, phoneNumberId: string): ParsedWebhook {
  const change = changeSchema.safeParse(raw);
  // account_update, message_template_status_update, smb_message_echoes, ...: not user messages.
  if (!change.success || change.data.field !== 'messages') return { messages: [], ignored: 1 };
  const value = valueSchema.safeParse(change.data.value);
  if (!value.success) return { messages: [], ignored: 1 };
  const { metadata, contacts = [], messages = [], statuses = [], errors = [] } = value.data;

  if (metadata.phone_number_id !== phoneNumberId) {
    // Another number of the same WABA (or app): its events are not ours to answer.
    return { messages: [], ignored: Math.max(1, messages.length + statuses.length + errors.length) };
  }

  const people = contacts.flatMap((c) => {
    const parsed = contactSchema.safeParse(c);
    return parsed.success ? [parsed.data] : [];
  });
  const out: InboundMessage[] = [];
  let ignored = statuses.length + errors.length;
  for (const rawMessage of messages) {
    const message = toInboundMessage(rawMessage, phoneNumberId, people);
    if (message) out.push(message);
    else ignored += 1;
  }
  const receipts = statuses.flatMap((raw) => {
    const parsed = statusSchema.safeParse(raw);
    if (!parsed.success) return [];
    const { id, status, errors: why = [] } = parsed.data;
    const error = why.map((e) => [e.code, e.title ?? e.message].filter((x) => x !== undefined).join(' ')).join('; ');
    return [{ messageId: id, status, ...(status === 'failed' && error ? { error } : {}) }];
  });
  return { messages: out, ignored, ...(receipts.length ? { receipts } : {}) };
}

/** A status update of a message we sent: sent, delivered, read or failed (with Meta's reason). */
const statusSchema = z.object({
  id: z.string().min(1).max(256),
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  errors: z
    .array(z.object({ code: z.number().optional(), title: z.string().max(200).optional(), message: z.string().max(500).optional() }).loose())
    .max(10)
    .optional(),
}).loose();

function toInboundMessage(raw: unknown, accountId: string, contacts: WhatsAppContact[]): InboundMessage | null {
  const parsed = messageSchema.safeParse(raw);
  if (!parsed.success) return null;
  const m = parsed.data;
  if (SILENT_TYPES.has(m.type)) return null;
  // A message written in a group: answering it 1:1 with the seller flow would be wrong.
  if (m.group_id !== undefined) return null;

  const contact = contactOf(m, contacts);
  // The wa_id digits; a user with a username may come with only a business-scoped user id.
  const userId = m.from ?? m.from_user_id ?? nonBlank(contact?.user_id);
  if (userId === undefined) return null;

  const profileName = nonBlank(contact?.profile?.name);
  return {
    channel: 'whatsapp',
    accountId,
    userId,
    messageId: m.id,
    timestamp: m.timestamp * 1000,
    ...(profileName !== undefined ? { profileName } : {}),
    content: messageContent(m),
  };
}

/** The `contacts[]` entry of the sender: matched by wa_id (or BSUID), else the only one. */
function contactOf(m: WhatsAppMessage, contacts: WhatsAppContact[]): WhatsAppContact | undefined {
  const byWaId = m.from !== undefined ? contacts.find((c) => c.wa_id === m.from) : undefined;
  if (byWaId) return byWaId;
  const byUserId = m.from_user_id !== undefined ? contacts.find((c) => c.user_id === m.from_user_id) : undefined;
  if (byUserId) return byUserId;
  return contacts.length === 1 ? contacts[0] : undefined;
}

function messageContent(m: WhatsAppMessage): Content {
  const unsupported: Content = { kind: 'unsupported', what: m.type };
  const payload = m[m.type];

  switch (m.type) {
    case 'text': {
      const text = textSchema.safeParse(payload);
      return text.success ? { kind: 'text', text: text.data.body } : unsupported;
    }
    case 'interactive': {
      const interactive = interactiveSchema.safeParse(payload);
      if (!interactive.success) return unsupported;
      const { type, button_reply: buttonReply, list_reply: listReply } = interactive.data;
      // The seller application's Flow answered; its token is verified by the channel (whatsAppChannel.ts).
      if (type === 'nfm_reply') {
        const form = readFlowReply(payload);
        return form ? { kind: 'form', token: form.token, nonce: null, answers: form.answers } : unsupported;
      }
      const reply = type === 'button_reply' ? buttonReply : type === 'list_reply' ? listReply : undefined;
      // call_permission_reply, ...: nothing we ever sent.
      if (!reply) return unsupported;
      return { kind: 'choice', value: reply.id, title: nonBlank(reply.title) ?? reply.id };
    }
    case 'button': {
      const button = templateButtonSchema.safeParse(payload);
      if (!button.success) return unsupported;
      const value = button.data.payload ?? button.data.text;
      if (value === undefined) return unsupported;
      return { kind: 'choice', value, title: nonBlank(button.data.text) ?? value };
    }
    default: {
      if (!MEDIA_TYPES.has(m.type)) return unsupported;
      const media = mediaSchema.safeParse(payload);
      if (!media.success) return unsupported;
      const { id, mime_type: mimeType, caption } = media.data;
      const text = nonBlank(caption);
      return {
        kind: 'media',
        media: { kind: 'whatsappMedia', id, ...(mimeType !== undefined ? { mimeType } : {}) },
        ...(mimeType !== undefined ? { declaredType: mimeType } : {}),
        ...(text !== undefined ? { caption: text } : {}),
      };
    }
  }
}

function nonBlank(s: string | undefined): string | undefined {
  return s !== undefined && s.trim() !== '' ? s : undefined;
}
