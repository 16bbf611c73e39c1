import type { HandoffReason } from '../../dialogs/events.js';
import type { TranscriptEntry } from '../core/transcript.js';

export type { HandoffReason, TranscriptEntry };
export type HandoffStatus = 'waiting' | 'active' | 'closed';

/** One stay of a conversation with the officers: waiting in the queue, held by an officer, closed. */
export interface Handoff {
  id: number;
  conversationKey: string;
  channel: string;
  conversationId: string;
  status: HandoffStatus;
  reason: HandoffReason;
  /** Queue order before age: 0 urgent, 1 stuck, 2 the rest (HANDOFF_PRIORITY). */
  priority: number;
  officer: string | null;
  requestedAt: string;
  takenAt: string | null;
  closedAt: string | null;
  /** How it ended: handed back to the bot, or closed by the officer. */
  outcome: 'handedBack' | 'closed' | null;
  /** The ticket the officer filed from the console during this handoff, if any. */
  ticket: { itsmNumber: string; apktNumber: string } | null;
}


/** The ticket of a stay with the officers, as the console's ticket panel shows it. */
export interface FiledTicketView {
  itsmNumber: string;
  apktNumber: string | null;
  /** The classification: the catalogue's service type. */
  serviceType: string;
  catalogNumber: number | null;
  /** The officer who filed it; null when the bot did. */
  filedBy: string | null;
  createdAt: string;
  status: string;
  /** The ticket this one follows up, if any. */
  previousNumber: string | null;
}

/** What the console shows of a conversation besides the transcript. */
export interface HandoffSummary extends Handoff {
  /** Display name of the officer holding it. */
  officerName: string | null;
  /** Seconds since the customer asked (waiting) or since the officer took it (active). */
  waitingSeconds: number;
  position: number | null;
  /** The form as far as it got: field key -> value. */
  form: Record<string, string>;
  formKind: 'seller' | 'complaint' | null;
  /** The complaint's catalogue type, when chosen or guessed. */
  catalogNumber: number | null;
  /** File name of the photo/screenshot thumbnail (GET /agent/api/photos/:file), if any. */
  thumbnail: string | null;
  /** The classifier's guess for the conversation (catalogue label or intent), if any. */
  guess: string | null;
  /** The name the channel gives for the customer (WhatsApp profile name), if any. */
  customerName: string | null;
  /** The name the applicant gave in the form, if any. */
  formName: string | null;
  /** The customer's number, masked (`+62*******011`), if the channel or the form gave one. */
  phone: string | null;
  /** The conversation's latest line (a preview), for the queue. */
  lastMessage: { from: TranscriptEntry['from']; text: string; at: string } | null;
  /** The ticket of this stay (filed by the bot or an officer), if any. */
  filed: FiledTicketView | null;
  /** Whether a message can reach the customer now (24-hour window; 7 days for an officer on Messenger/Instagram). */
  windowOpen: boolean;
}

/** Events the console follows live (server-sent events). */
export type HandoffEvent =
  | { type: 'handoff'; handoff: Handoff }
  | { type: 'transcript'; entry: TranscriptEntry };
