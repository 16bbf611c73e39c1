import type { Command } from './commands.js';
import type { FiledTicket } from '../src/tickets/types.js';

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
 * Events the bot sends the conversation machine. Cancelling and asking for an officer are their
 * own events (not text) so that every state handles them the same way, at the top of the chart.
 */
export type DialogEvent =
  | { type: 'USER'; text: string; command: Command | null }
  | { type: 'PHOTO'; source: PhotoInput; declaredType?: string }
  /** Something that is neither text nor a photo (sticker, audio, location, ...). */
  | { type: 'UNSUPPORTED'; what: string }
  | { type: 'CANCEL' }
  | { type: 'OFFICER' }
  | { type: 'LANGUAGE'; locale: 'id' | 'en' }
  /** Sent by the engine before the user's event when the channel tells who the sender is. */
  | { type: 'PROFILE'; profile: SenderProfile }
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

/** Why a conversation goes to the officers' queue. */
export type HandoffReason = 'asked' | 'stuck' | 'urgent' | 'unplaced';
