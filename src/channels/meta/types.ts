import type { DeliveryReceipt, OutboundAttachment } from '../../core/outbound.js';
import type { FieldKey } from '../../../dialogs/fields/index.js';
/** The three Meta channels; also the Bot Framework `channelId` their activities carry. */
export type MetaChannel = 'whatsapp' | 'messenger' | 'instagram';

/** Where an inbound photo (or file) can be fetched from. */
export type MediaRef =
  /** WhatsApp: a media id, resolved to a short-lived URL through the Graph API (both with the token). */
  | { kind: 'whatsappMedia'; id: string; mimeType?: string }
  /** Messenger / Instagram: a signed CDN URL that needs no token but expires. */
  | { kind: 'cdnUrl'; url: string };

/** One user message from a webhook, in a shape common to the three channels. */
export interface InboundMessage {
  channel: MetaChannel;
  /** The business account that received it: WhatsApp phone_number_id, Page id, IG account id. */
  accountId: string;
  /** wa_id (WhatsApp), PSID (Messenger), IGSID (Instagram). */
  userId: string;
  /** wamid / mid: the de-duplication key. */
  messageId: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** The sender's profile name where the channel gives it (WhatsApp contacts[].profile.name). */
  profileName?: string;
  content:
    | { kind: 'text'; text: string }
    /** A tap on a reply button, list row, quick reply or postback: `value` is the id/payload we sent. */
    | { kind: 'choice'; value: string; title: string }
    /** A photo, or a file that might be one (the photo pipeline decides by its bytes). */
    | { kind: 'media'; media: MediaRef; declaredType?: string; caption?: string }
    /**
     * The answer of a form the bot sent (a WhatsApp Flow): its flow_token as given back, the
     * token's nonce once the channel verified it for this sender (null until then, or when it is
     * not valid), and the fields as given.
     */
    | { kind: 'form'; token: string; nonce: string | null; answers: Partial<Record<FieldKey, string>> }
    /** Sticker, audio, video, location, contacts, ...: answered politely. */
    | { kind: 'unsupported'; what: string };
}

/** What a webhook body contained: the user messages, and how many events were ignored on purpose. */
export interface ParsedWebhook {
  messages: InboundMessage[];
  /** Status updates, reactions, read receipts, echoes, events for other accounts. */
  ignored: number;
  /** Delivery receipts of messages we sent (WhatsApp `statuses`), also counted as ignored messages. */
  receipts?: DeliveryReceipt[];
}

/** A reply in words (see src/bot/renderReply.ts), ready for a channel to lay out. */
export interface OutboundReply {
  text: string;
  choices: Array<{ title: string; value: string }>;
  /** Language of the conversation, for the few words a channel adds itself (a list's button label). */
  locale?: 'id' | 'en';
  /** A photo or PDF an officer sends (base64, so the reply can wait in the send queue as JSON); `text` is then its caption. */
  attachment?: OutboundAttachment;
  /** A form to send with the text (WhatsApp: the seller application's Flow), named by its nonce. */
  form?: OutboundForm;
}

export interface OutboundForm {
  kind: 'sellerApplication';
  nonce: string;
  prefill?: { name?: string; phone?: string };
}

