/**
 * Builders of WhatsApp Cloud API webhook bodies in the shapes Meta documents (the "messages
 * webhook reference" pages: text, image, document, interactive, button, sticker, audio, location,
 * reaction, system, unsupported, status and errors; /work/shared/CHANNELS.md section 3.1). Ids,
 * wamids, media ids and hashes look like real ones.
 */

export const WABA_ID = '102290129340398';
export const PHONE_NUMBER_ID = '106540352242922';
export const DISPLAY_PHONE_NUMBER = '15550783881';
export const OTHER_PHONE_NUMBER_ID = '109876543210987';

export const USER = '6281234567890';
export const USER_2 = '6285712345678';
export const BSUID = 'ID.1502576394655843';
/** 2026-11-19, unix seconds. */
export const T0 = 1795000000;

// ---- Types: the raw shapes -------------------------------------------------------------------

export interface RawContact {
  profile?: { name?: string };
  wa_id?: string;
  user_id?: string;
  identity_key_hash?: string;
}

export interface RawError {
  code: number;
  title: string;
  message?: string;
  error_data?: { details: string };
  href?: string;
}

export interface RawMedia {
  id: string;
  mime_type: string;
  sha256: string;
  caption?: string;
  url?: string;
  filename?: string;
  animated?: boolean;
  voice?: boolean;
}

export interface RawMessage {
  from?: string;
  from_user_id?: string;
  id: string;
  timestamp: string;
  type: string;
  context?: { from?: string; id?: string; forwarded?: boolean; frequently_forwarded?: boolean };
  text?: { body: string };
  image?: RawMedia;
  document?: RawMedia;
  sticker?: RawMedia;
  audio?: RawMedia;
  video?: RawMedia;
  location?: { latitude: number; longitude: number; name?: string; address?: string; url?: string };
  interactive?:
    | { type: 'button_reply'; button_reply: { id: string; title: string } }
    | { type: 'list_reply'; list_reply: { id: string; title: string; description?: string } }
    | { type: string; [key: string]: unknown };
  button?: { payload?: string; text?: string };
  reaction?: { message_id: string; emoji?: string };
  system?: { body: string; type: string; wa_id?: string; customer?: string; user_id?: string; parent_user_id?: string };
  unsupported?: { type: string };
  errors?: RawError[];
  group_id?: string;
  [key: string]: unknown;
}

export interface RawStatus {
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed' | 'played';
  timestamp: string;
  recipient_id: string;
  recipient_user_id?: string;
  biz_opaque_callback_data?: string;
  pricing?: { billable?: boolean; pricing_model: string; type?: string; category: string };
  errors?: RawError[];
}

export interface RawValue {
  messaging_product: 'whatsapp';
  metadata: { display_phone_number: string; phone_number_id: string };
  contacts?: RawContact[];
  messages?: RawMessage[];
  statuses?: RawStatus[];
  errors?: RawError[];
  [key: string]: unknown;
}

export interface RawChange {
  field: string;
  value: RawValue | Record<string, unknown>;
}

export interface RawEntry {
  id: string;
  changes: RawChange[];
}

export interface RawWebhook {
  object: 'whatsapp_business_account';
  entry: RawEntry[];
}

// ---- Envelope ---------------------------------------------------------------------------------

export function webhook(...entries: RawEntry[]): RawWebhook {
  return { object: 'whatsapp_business_account', entry: entries };
}

export function entry(...changes: RawChange[]): RawEntry {
  return { id: WABA_ID, changes };
}

export function messagesChange(value: RawValue): RawChange {
  return { field: 'messages', value };
}

export interface ValueParts {
  contacts?: RawContact[];
  messages?: RawMessage[];
  statuses?: RawStatus[];
  errors?: RawError[];
  phoneNumberId?: string;
}

export function value(parts: ValueParts): RawValue {
  return {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: DISPLAY_PHONE_NUMBER, phone_number_id: parts.phoneNumberId ?? PHONE_NUMBER_ID },
    ...(parts.contacts ? { contacts: parts.contacts } : {}),
    ...(parts.messages ? { messages: parts.messages } : {}),
    ...(parts.statuses ? { statuses: parts.statuses } : {}),
    ...(parts.errors ? { errors: parts.errors } : {}),
  };
}

export function contact(waId: string, name: string, extra: Partial<RawContact> = {}): RawContact {
  return { profile: { name }, wa_id: waId, ...extra };
}

/** One webhook, one entry, one change, holding the sender's contact and the messages. */
export function single(message: RawMessage, name = 'Budi Santoso'): RawWebhook {
  const contacts = message.from !== undefined ? [contact(message.from, name)] : [];
  return webhook(entry(messagesChange(value({ contacts, messages: [message] }))));
}

// ---- Messages ---------------------------------------------------------------------------------

export interface MessageOptions {
  from?: string;
  /** Unix seconds. */
  timestamp?: number;
  n?: number | string;
  contextId?: string;
}

export const wamid = (n: number | string): string => `wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNBRkIxNEQ2RjM2QjM3QjUwQjY${n}AA==`;
export const OUR_WAMID = 'wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjQ1QTlCNjQ3RkY4QjJFQjA2AA==';

export function message(type: string, content: Partial<RawMessage>, opts: MessageOptions = {}): RawMessage {
  return {
    ...(opts.contextId ? { context: { from: DISPLAY_PHONE_NUMBER, id: opts.contextId } } : {}),
    from: opts.from ?? USER,
    id: wamid(opts.n ?? 1),
    timestamp: String(opts.timestamp ?? T0),
    type,
    ...content,
  };
}

export const textMessage = (body: string, opts?: MessageOptions): RawMessage => message('text', { text: { body } }, opts);

export const MEDIA_ID = '1234567890123456';
export const SHA256_B64 = 'Kx6Vq0dW3aXc8yq3n1yq4kYxw1l6cQ0m4YtV0pZbJgk=';
export const SHA256_HEX = '2b1e95ab4756dda5dcf32ab79f5ca8e24631c3597a71034ce18b54a5966c2609';
export const MEDIA_URL = 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1234567890123456&source=webhook&ext=1795000000&hash=ARmS0d9-abcdefgh';

export function imageMessage(media: Partial<RawMedia> = {}, opts?: MessageOptions): RawMessage {
  return message('image', { image: { mime_type: 'image/jpeg', sha256: SHA256_B64, id: MEDIA_ID, ...media } }, opts);
}

export function documentMessage(media: Partial<RawMedia> = {}, opts?: MessageOptions): RawMessage {
  return message('document', { document: { filename: 'KTP_Budi.pdf', mime_type: 'application/pdf', sha256: SHA256_HEX, id: MEDIA_ID, ...media } }, opts);
}

export const buttonReplyMessage = (id: string, title: string, opts?: MessageOptions): RawMessage =>
  message('interactive', { interactive: { type: 'button_reply', button_reply: { id, title } } }, { contextId: OUR_WAMID, ...opts });

export const listReplyMessage = (id: string, title: string, description?: string, opts?: MessageOptions): RawMessage =>
  message('interactive', { interactive: { type: 'list_reply', list_reply: { id, title, ...(description !== undefined ? { description } : {}) } } }, { contextId: OUR_WAMID, ...opts });

/** A tap on a template's quick-reply button. */
export const templateButtonMessage = (payload: string, text: string, opts?: MessageOptions): RawMessage =>
  message('button', { button: { payload, text } }, { contextId: OUR_WAMID, ...opts });

export const stickerMessage = (opts?: MessageOptions): RawMessage =>
  message('sticker', { sticker: { mime_type: 'image/webp', sha256: SHA256_B64, id: '2345678901234567', animated: false } }, opts);

export const audioMessage = (opts?: MessageOptions): RawMessage =>
  message('audio', { audio: { mime_type: 'audio/ogg; codecs=opus', sha256: SHA256_B64, id: '3456789012345678', voice: true } }, opts);

export const videoMessage = (opts?: MessageOptions): RawMessage =>
  message('video', { video: { mime_type: 'video/mp4', sha256: SHA256_B64, id: '4567890123456789' } }, opts);

export const locationMessage = (opts?: MessageOptions): RawMessage =>
  message('location', { location: { latitude: -6.2349, longitude: 106.8026, name: 'PLN Kantor Pusat', address: 'Jl. Trunojoyo Blok M I/135, Jakarta' } }, opts);

export const contactsMessage = (opts?: MessageOptions): RawMessage =>
  message('contacts', { contacts: [{ name: { formatted_name: 'Siti Aminah', first_name: 'Siti' }, phones: [{ phone: '+62 812-0000-1111', type: 'CELL', wa_id: '6281200001111' }] }] }, opts);

export const reactionMessage = (emoji = '👍', opts?: MessageOptions): RawMessage => message('reaction', { reaction: { message_id: OUR_WAMID, emoji } }, opts);

/** `system` messages come without a contacts array. */
export const systemMessage = (opts?: MessageOptions): RawMessage =>
  message(
    'system',
    { system: { body: `User Budi Santoso changed from ${USER} to 6281298765432`, wa_id: '6281298765432', type: 'user_changed_number' } },
    opts,
  );

export const unsupportedMessage = (opts?: MessageOptions): RawMessage =>
  message(
    'unsupported',
    {
      errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }],
      unsupported: { type: 'edit' },
    },
    opts,
  );

// ---- Statuses and errors ----------------------------------------------------------------------

export const RE_ENGAGEMENT_ERROR: RawError = {
  code: 131047,
  title: 'Re-engagement message',
  message: 'Re-engagement message',
  error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
  href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
};

export function status(state: RawStatus['status'], opts: { recipient?: string; timestamp?: number } = {}): RawStatus {
  const base = { id: OUR_WAMID, status: state, timestamp: String(opts.timestamp ?? T0), recipient_id: opts.recipient ?? USER };
  if (state === 'failed') return { ...base, errors: [RE_ENGAGEMENT_ERROR] };
  if (state === 'read') return base;
  return { ...base, pricing: { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' } };
}

export const THROUGHPUT_ERROR: RawError = {
  code: 130429,
  title: 'Rate limit hit',
  message: '(#130429) Rate limit hit',
  error_data: { details: 'Cloud API message throughput has been reached.' },
  href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
};
