/**
 * Builders of Messenger (`object: "page"`) and Instagram (`object: "instagram"`) webhook bodies in
 * the shapes Meta documents (Messenger `messages` / `message_echoes` / `messaging_postbacks` /
 * `message_deliveries` / `message_reads` / `message_reactions` webhook references, Instagram
 * "Webhook Notification Examples"). Ids, mids and CDN URLs look like real ones.
 */

export type Channel = 'messenger' | 'instagram';

export interface RawId {
  id: string;
}

export interface RawAttachment {
  type: string;
  payload?: { url?: string; sticker_id?: number; title?: string; template_type?: string; coordinates?: { lat: number; long: number } } | null;
  title?: string;
  url?: string;
}

export interface RawMessage {
  mid: string;
  text?: string;
  quick_reply?: { payload: string };
  reply_to?: { mid: string } | { story: { url: string; id: string } };
  attachments?: RawAttachment[];
  sticker_id?: number;
  is_echo?: boolean;
  app_id?: number;
  metadata?: string;
  is_deleted?: boolean;
  is_unsupported?: boolean;
}

export interface RawPostback {
  mid?: string;
  title: string;
  payload: string;
  referral?: { ref: string; source: string; type: string };
}

export interface RawMessagingEvent {
  sender: RawId;
  recipient: RawId;
  timestamp?: number;
  message?: RawMessage;
  postback?: RawPostback;
  delivery?: { mids?: string[]; watermark: number };
  read?: { watermark?: number; mid?: string };
  reaction?: { mid: string; action: 'react' | 'unreact'; reaction?: string; emoji?: string };
  optin?: { ref?: string; type?: string; payload?: string };
  referral?: { ref?: string; source: string; type: string };
}

export interface RawChange {
  field: string;
  value: Record<string, unknown>;
}

export interface RawEntry {
  id: string;
  time: number;
  messaging?: RawMessagingEvent[];
  standby?: RawMessagingEvent[];
  changes?: RawChange[];
}

export interface RawWebhook {
  object: string;
  entry: RawEntry[];
}

export const PAGE_ID = '104612345678901';
export const PSID = '7012345678901234';
export const PSID_2 = '7098765432109876';
export const IG_ACCOUNT_ID = '17841400000000001';
export const IGSID = '1234567890123456';
export const IGSID_2 = '6543210987654321';
export const T0 = 1795000000000; // ms, 2026-11-19

export const accountOf = (channel: Channel): string => (channel === 'messenger' ? PAGE_ID : IG_ACCOUNT_ID);
export const userOf = (channel: Channel): string => (channel === 'messenger' ? PSID : IGSID);

export const MESSENGER_IMAGE_URL =
  'https://scontent.xx.fbcdn.net/v/t1.15752-9/468201234_1234567890123456_1234567890123456789_n.jpg?_nc_cat=100&ccb=1-7&_nc_sid=fc17b8&oh=03_Q7cD1QH&oe=67A1B2C3';
export const MESSENGER_FILE_URL =
  'https://cdn.fbsbx.com/v/t59.2708-21/468301234_1234567890_1234567890_n.pdf/KTP_Budi.pdf?_nc_cat=105&ccb=1-7&_nc_sid=2b0e22&oh=03_Q7cD1QH&oe=67A1B2C3';
export const MESSENGER_STICKER_URL = 'https://scontent.xx.fbcdn.net/v/t39.1997-6/39178562_1505197616293642_5411344281094848512_n.png?_nc_cat=1&ccb=1-7&_nc_sid=ac3552';
export const MESSENGER_AUDIO_URL = 'https://cdn.fbsbx.com/v/t59.3654-21/468401234_123_456_n.mp4/audioclip-1795000000000-2345.mp4?_nc_cat=103&ccb=1-7';
export const MESSENGER_VIDEO_URL = 'https://video.xx.fbcdn.net/v/t42.3356-2/468501234_123_456_n.mp4/video-1795000000.mp4?_nc_cat=110&ccb=1-7';
export const IG_IMAGE_URL = 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18012345678901234&signature=AbCdEf0123456789_GhIjKl';
export const IG_FILE_URL = 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18012345678905678&signature=ZyXwVu9876543210_TsRq';
export const IG_STORY_URL = 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18098765432101234&signature=StOrY0123456789';
/** The Messenger "like" thumb: a sticker. */
export const LIKE_STICKER_ID = 369239263222822;

export function webhook(channel: Channel, ...entries: RawEntry[]): RawWebhook {
  return { object: channel === 'messenger' ? 'page' : 'instagram', entry: entries };
}

export function entry(channel: Channel, messaging: RawMessagingEvent[], extra: Partial<RawEntry> = {}): RawEntry {
  return { id: accountOf(channel), time: T0 + 500, messaging, ...extra };
}

/** A webhook with one entry holding the given events. */
export function single(channel: Channel, ...events: RawMessagingEvent[]): RawWebhook {
  return webhook(channel, entry(channel, events));
}

export interface EventOptions {
  user?: string;
  timestamp?: number;
}

/** A user -> business event (sender = user, recipient = the Page / IG account). */
export function fromUser(channel: Channel, body: Omit<RawMessagingEvent, 'sender' | 'recipient'>, opts: EventOptions = {}): RawMessagingEvent {
  return { sender: { id: opts.user ?? userOf(channel) }, recipient: { id: accountOf(channel) }, timestamp: opts.timestamp ?? T0, ...body };
}

export const mid = (channel: Channel, n: number | string): string =>
  channel === 'messenger' ? `m_Aq8fKZ0b1c2d3e4f5g6h7i8j9k0lMnOpQrStUvWxYz${n}` : `aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDE${n}`;

export function textMessage(channel: Channel, text: string, opts: EventOptions & { n?: number } = {}): RawMessagingEvent {
  return fromUser(channel, { message: { mid: mid(channel, opts.n ?? 1), text } }, opts);
}

export function attachmentMessage(channel: Channel, attachments: RawAttachment[], extra: Partial<RawMessage> = {}, opts: EventOptions = {}): RawMessagingEvent {
  return fromUser(channel, { message: { mid: mid(channel, 'att'), attachments, ...extra } }, opts);
}

export const image = (url: string): RawAttachment => ({ type: 'image', payload: { url } });
export const file = (url: string): RawAttachment => ({ type: 'file', payload: { url } });
export const audio = (url: string): RawAttachment => ({ type: 'audio', payload: { url } });
export const video = (url: string): RawAttachment => ({ type: 'video', payload: { url } });
/** Legacy Messenger sticker: an `image` whose payload carries `sticker_id`. */
export const stickerAsImage = (): RawAttachment => ({ type: 'image', payload: { url: MESSENGER_STICKER_URL, sticker_id: LIKE_STICKER_ID } });
/** Messenger sticker since 2026-06 (the only form after 2026-08-30). */
export const stickerTyped = (): RawAttachment => ({ type: 'sticker', payload: { url: MESSENGER_STICKER_URL, sticker_id: LIKE_STICKER_ID } });
/** Legacy Messenger location share. */
export const location = (): RawAttachment => ({
  type: 'location',
  title: "Budi's Location",
  url: 'https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.bing.com%2Fmaps%2Fdefault.aspx%3Fv%3D2%26pc%3DFACEBK',
  payload: { coordinates: { lat: -6.2088, long: 106.8456 } },
});
/** A link share or an unsupported share (payload may be null). */
export const fallback = (payload: RawAttachment['payload'] = null): RawAttachment => ({
  type: 'fallback',
  title: 'PLN Mobile',
  url: 'https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.pln.co.id%2F',
  payload,
});
export const storyMention = (): RawAttachment => ({ type: 'story_mention', payload: { url: IG_STORY_URL } });

export function quickReplyTap(channel: Channel, title: string, payload: string, opts: EventOptions = {}): RawMessagingEvent {
  return fromUser(channel, { message: { mid: mid(channel, 'qr'), text: title, quick_reply: { payload } } }, opts);
}

export function postback(channel: Channel, title: string, payload: string, postbackMid?: string, opts: EventOptions = {}): RawMessagingEvent {
  return fromUser(channel, { postback: { ...(postbackMid ? { mid: postbackMid } : {}), title, payload } }, opts);
}

/** Our own (or a Page inbox human's) message coming back: sender and recipient are swapped. */
export function echo(channel: Channel, text: string): RawMessagingEvent {
  return {
    sender: { id: accountOf(channel) },
    recipient: { id: userOf(channel) },
    timestamp: T0 + 10,
    message: { mid: mid(channel, 'echo'), is_echo: true, app_id: 1517776481860111, text },
  };
}

export function delivery(channel: Channel): RawMessagingEvent {
  return { sender: { id: userOf(channel) }, recipient: { id: accountOf(channel) }, delivery: { mids: [mid(channel, 'echo')], watermark: T0 + 20 } };
}

export function read(channel: Channel): RawMessagingEvent {
  return fromUser(channel, { read: channel === 'messenger' ? { watermark: T0 + 30 } : { mid: mid(channel, 'echo') } }, { timestamp: T0 + 30 });
}

export function reaction(channel: Channel): RawMessagingEvent {
  return fromUser(channel, { reaction: { mid: mid(channel, 'echo'), action: 'react', reaction: 'love', emoji: '❤️' } }, { timestamp: T0 + 40 });
}
