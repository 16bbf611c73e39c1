import { randomUUID } from 'node:crypto';
import { signMetaPayload } from '../../src/channels/meta/signature.js';

/**
 * Signing, posting and building Meta webhooks for end-to-end tests and the benchmark. The shapes
 * follow /work/shared/CHANNELS.md section 3: WhatsApp Cloud API `entry[].changes[].value`,
 * Messenger/Instagram `entry[].messaging[]`. Timestamps are "now" by default, since a message
 * older than 24 hours closes the customer-service window and the bot would not answer.
 */

export type WebhookChannel = 'whatsapp' | 'messenger' | 'instagram';

export interface PostOptions {
  secret: string;
  /** Overrides the computed `X-Hub-Signature-256`; null sends no signature header at all. */
  signature?: string | null;
  headers?: Record<string, string>;
}

export interface PostResult {
  status: number;
  text: string;
}

/**
 * POSTs `body` (an object is serialised with JSON.stringify; a string or Buffer is sent as its
 * exact bytes) to `<baseUrl>/webhooks/<channel>`, signed over those same bytes.
 */
export async function postWebhook(baseUrl: string, channel: WebhookChannel, body: unknown, opts: PostOptions): Promise<PostResult> {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  const signature = opts.signature === undefined ? signMetaPayload(bytes, opts.secret) : opts.signature;
  const res = await fetch(`${baseUrl}/webhooks/${channel}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature !== null ? { 'x-hub-signature-256': signature } : {}),
      ...opts.headers,
    },
    body: bytes,
  });
  return { status: res.status, text: await res.text() };
}

/**
 * Meta's escaped-unicode serialisation: JSON with every non-ASCII UTF-16 unit written as
 * `\uXXXX` (lowercase hex), which is what Messenger signs. Parses to the same value.
 */
export function metaEscapedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// ---- WhatsApp Cloud API ---------------------------------------------------------------------

export interface WaOptions {
  /** wamid; a fresh one by default. */
  id?: string;
  /** The contact's profile name (contacts[].profile.name); empty by default. */
  name?: string;
  /** Unix seconds; now by default. */
  timestamp?: number;
  /** context.id: the business message this answers (interactive replies). */
  contextId?: string;
}

export type WaItem =
  | { kind: 'message'; from: string; name?: string; message: Record<string, unknown> }
  | { kind: 'status'; status: Record<string, unknown> };

export const newWamid = (): string => `wamid.HBgM${randomUUID().replace(/-/g, '').toUpperCase()}`;
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function waMessage(from: string, type: string, content: Record<string, unknown>, opts: WaOptions = {}): WaItem {
  return {
    kind: 'message',
    from,
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    message: {
      from,
      id: opts.id ?? newWamid(),
      timestamp: String(opts.timestamp ?? nowSeconds()),
      ...(opts.contextId ? { context: { from: 'PLN123', id: opts.contextId } } : {}),
      type,
      ...content,
    },
  };
}

/** Builders of single WhatsApp events; combine them with `whatsAppWebhook`. */
export const wa = {
  text: (from: string, body: string, opts?: WaOptions) => waMessage(from, 'text', { text: { body } }, opts),
  image: (from: string, mediaId: string, opts: WaOptions & { mime?: string; caption?: string } = {}) =>
    waMessage(from, 'image', { image: { id: mediaId, mime_type: opts.mime ?? 'image/jpeg', sha256: 'Zm9vYmFy', ...(opts.caption ? { caption: opts.caption } : {}) } }, opts),
  document: (from: string, mediaId: string, opts: WaOptions & { mime?: string; filename?: string } = {}) =>
    waMessage(from, 'document', { document: { id: mediaId, mime_type: opts.mime ?? 'application/pdf', sha256: 'Zm9vYmFy', filename: opts.filename ?? 'file.pdf' } }, opts),
  buttonReply: (from: string, id: string, title: string, opts?: WaOptions) =>
    waMessage(from, 'interactive', { interactive: { type: 'button_reply', button_reply: { id, title } } }, opts),
  /** The answer of a Flow (nfm_reply), as Meta's webhook reference shows it: the form's payload and flow_token as JSON text. */
  flowReply: (from: string, response: Record<string, unknown>, opts?: WaOptions) =>
    waMessage(from, 'interactive', { interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: JSON.stringify(response) } } }, opts),
  listReply: (from: string, id: string, title: string, opts?: WaOptions) =>
    waMessage(from, 'interactive', { interactive: { type: 'list_reply', list_reply: { id, title, description: '' } } }, opts),
  sticker: (from: string, mediaId: string, opts?: WaOptions) =>
    waMessage(from, 'sticker', { sticker: { id: mediaId, mime_type: 'image/webp', sha256: 'Zm9vYmFy', animated: false } }, opts),
  audio: (from: string, mediaId: string, opts?: WaOptions) =>
    waMessage(from, 'audio', { audio: { id: mediaId, mime_type: 'audio/ogg; codecs=opus', sha256: 'Zm9vYmFy', voice: true } }, opts),
  video: (from: string, mediaId: string, opts?: WaOptions) => waMessage(from, 'video', { video: { id: mediaId, mime_type: 'video/mp4', sha256: 'Zm9vYmFy' } }, opts),
  location: (from: string, latitude: number, longitude: number, opts?: WaOptions) =>
    waMessage(from, 'location', { location: { latitude, longitude, name: 'Kantor', address: 'Jl. Trunojoyo' } }, opts),
  reaction: (from: string, messageId: string, emoji: string, opts?: WaOptions) => waMessage(from, 'reaction', { reaction: { message_id: messageId, emoji } }, opts),
  status: (wamid: string, recipientId: string, status: 'sent' | 'delivered' | 'read' | 'failed'): WaItem => ({
    kind: 'status',
    status: {
      id: wamid,
      status,
      timestamp: String(nowSeconds()),
      recipient_id: recipientId,
      ...(status === 'failed'
        ? { errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'More than 24 hours have passed' } }] }
        : { pricing: { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' } }),
    },
  }),
};

/** One change value holding the items' contacts, messages and statuses. */
export function whatsAppValue(items: WaItem[], phoneNumberId: string): Record<string, unknown> {
  const messages = items.flatMap((i) => (i.kind === 'message' ? [i.message] : []));
  const statuses = items.flatMap((i) => (i.kind === 'status' ? [i.status] : []));
  const contacts: Array<Record<string, unknown>> = [];
  for (const i of items) {
    if (i.kind !== 'message' || contacts.some((c) => c.wa_id === i.from)) continue;
    contacts.push({ profile: { name: i.name ?? '' }, wa_id: i.from });
  }
  return {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '62123', phone_number_id: phoneNumberId },
    ...(messages.length ? { contacts, messages } : {}),
    ...(statuses.length ? { statuses } : {}),
  };
}

/**
 * A WhatsApp webhook body. Each inner array becomes its own entry (a batch across entries);
 * a flat list of items makes one entry with one change.
 */
export function whatsAppWebhook(items: WaItem[] | WaItem[][], phoneNumberId: string): Record<string, unknown> {
  const groups = (Array.isArray(items[0]) ? items : [items]) as WaItem[][];
  return {
    object: 'whatsapp_business_account',
    entry: groups.map((group) => ({
      id: 'WABA-102290129340398',
      changes: [{ field: 'messages', value: whatsAppValue(group, phoneNumberId) }],
    })),
  };
}

// ---- Messenger / Instagram ------------------------------------------------------------------

export interface MgOptions {
  /** mid; a fresh one by default. */
  mid?: string;
  /** Milliseconds; now by default. */
  timestamp?: number;
}

export type MgEvent = { sender: { id: string }; recipient?: { id: string }; timestamp?: number } & Record<string, unknown>;

export const newMid = (): string => `m_${randomUUID().replace(/-/g, '')}`;

function mgMessage(psid: string, message: Record<string, unknown>, opts: MgOptions = {}): MgEvent {
  return { sender: { id: psid }, timestamp: opts.timestamp ?? Date.now(), message: { mid: opts.mid ?? newMid(), ...message } };
}

const attachment = (psid: string, type: string, payload: Record<string, unknown>, opts?: MgOptions) =>
  mgMessage(psid, { attachments: [{ type, payload }] }, opts);

/** Builders of single Messenger/Instagram `messaging[]` events; combine them with `messengerWebhook`. */
export const mg = {
  text: (psid: string, text: string, opts?: MgOptions) => mgMessage(psid, { text }, opts),
  /** A tapped quick reply: the title as text and the payload we sent. */
  quickReply: (psid: string, payload: string, title: string, opts?: MgOptions) => mgMessage(psid, { text: title, quick_reply: { payload } }, opts),
  postback: (psid: string, payload: string, title: string, opts: MgOptions = {}): MgEvent => ({
    sender: { id: psid },
    timestamp: opts.timestamp ?? Date.now(),
    postback: { mid: opts.mid ?? newMid(), title, payload },
  }),
  image: (psid: string, url: string, opts?: MgOptions) => attachment(psid, 'image', { url }, opts),
  file: (psid: string, url: string, opts?: MgOptions) => attachment(psid, 'file', { url }, opts),
  audio: (psid: string, url: string, opts?: MgOptions) => attachment(psid, 'audio', { url }, opts),
  video: (psid: string, url: string, opts?: MgOptions) => attachment(psid, 'video', { url }, opts),
  sticker: (psid: string, url: string, opts?: MgOptions) => attachment(psid, 'sticker', { url, sticker_id: 369239263222822 }, opts),
  location: (psid: string, opts?: MgOptions) =>
    attachment(psid, 'location', { coordinates: { lat: -6.2, long: 106.8 } }, opts),
  read: (psid: string): MgEvent => ({ sender: { id: psid }, timestamp: Date.now(), read: { watermark: Date.now() - 1000 } }),
  delivery: (psid: string): MgEvent => ({ sender: { id: psid }, timestamp: Date.now(), delivery: { mids: [newMid()], watermark: Date.now() } }),
  reaction: (psid: string, mid: string, emoji = '❤'): MgEvent => ({
    sender: { id: psid },
    timestamp: Date.now(),
    reaction: { mid, action: 'react', reaction: 'love', emoji },
  }),
  /** Our own outbound message echoed back (must be ignored). */
  echo: (pageId: string, psid: string, text: string): MgEvent => ({
    sender: { id: pageId },
    recipient: { id: psid },
    timestamp: Date.now(),
    message: { mid: newMid(), is_echo: true, app_id: 1517776481860111, text },
  }),
};

/**
 * A Messenger (`object: "page"`) or Instagram (`object: "instagram"`) webhook body. Each inner
 * array becomes its own entry; a flat list makes one entry.
 */
export function messengerWebhook(channel: 'messenger' | 'instagram', events: MgEvent[] | MgEvent[][], accountId: string): Record<string, unknown> {
  const groups = (Array.isArray(events[0]) ? events : [events]) as MgEvent[][];
  return {
    object: channel === 'messenger' ? 'page' : 'instagram',
    entry: groups.map((group) => ({
      id: accountId,
      time: Date.now(),
      messaging: group.map((e) => ({ recipient: { id: accountId }, ...e })),
    })),
  };
}
