import type { Act } from './understanding.js';
import type { FieldKey } from './fields/index.js';
import type { FiledTicket } from '../src/tickets/types.js';
import type { HandoffReason } from '../src/core/handoffReason.js';

/** Where a photo comes from; the photo pipeline (src/media) fetches and checks it. */
export type PhotoInput =
  | { kind: 'url'; url: string; headers?: Record<string, string> }
  | { kind: 'dataUrl'; url: string }
  | { kind: 'bytes'; data: Buffer }
  | { kind: 'download'; download: (maxBytes: number, signal?: AbortSignal) => Promise<Buffer> };

/** What a channel knows about the sender, offered as one-tap answers (WhatsApp profile name and number). */
export interface SenderProfile {
  name?: string;
  /** E.164 */
  phone?: string;
}

/**
 * Events the conversation machine takes. A text message reaches it as USER with its act (what the
 * understanding step read it as, against the open question); cancelling, asking for an officer and
 * switching language are their own events, so every state handles them the same way, at the top
 * of the chart.
 */
export type DialogEvent =
  | { type: 'USER'; text: string; act: Act }
  | { type: 'PHOTO'; source: PhotoInput; declaredType?: string }
  /** Something that is neither text nor a photo (sticker, audio, location, ...). */
  | { type: 'UNSUPPORTED'; what: string }
  | { type: 'CANCEL' }
  | { type: 'OFFICER' }
  | { type: 'LANGUAGE'; locale: 'id' | 'en' }
  /** Sent by the engine before the user's event when the channel tells who the sender is. */
  | { type: 'PROFILE'; profile: SenderProfile }
  /**
   * The answer of a form sent to the customer (the WhatsApp Flow of the seller application): the
   * nonce of its flow_token once the channel verified it (null when the token was not this
   * conversation's, or expired), and the fields as the form gave them (not yet validated).
   */
  | { type: 'FORM'; nonce: string | null; answers: Partial<Record<FieldKey, string>> }
  | HandoffControlEvent;

/**
 * What the officers' side tells the conversation (src/handoff), never the customer: an officer
 * took it over, handed it back to the bot, closed it, or filed the ticket from the console.
 */
export type HandoffControlEvent =
  | { type: 'OFFICER_JOINED'; officer: string }
  | { type: 'HANDED_BACK' }
  | { type: 'HANDOFF_CLOSED' }
  | { type: 'FILED_BY_OFFICER'; ticket: FiledTicket };

/** A text message as a channel hands it over, before the understanding step has read it (src/bot/dialogEngine.ts). */
export interface TextInput {
  type: 'TEXT';
  text: string;
}

/** What a turn starts from: a text still to be understood, or an event the machine takes as it is. */
export type TurnEvent = TextInput | DialogEvent;

export type { HandoffReason };
