/** Why a conversation went to the officers' queue. */
export type HandoffReason = 'asked' | 'stuck' | 'urgent' | 'unplaced';
export type HandoffStatus = 'waiting' | 'active' | 'closed';

/** One stay of a conversation with the officers: waiting in the queue, held by an officer, closed. */
export interface Handoff {
  id: number;
  conversationKey: string;
  channel: string;
  conversationId: string;
  status: HandoffStatus;
  reason: HandoffReason;
  officer: string | null;
  requestedAt: string;
  takenAt: string | null;
  closedAt: string | null;
  /** How it ended: handed back to the bot, or closed by the officer. */
  outcome: 'handedBack' | 'closed' | null;
}

/** One line of a conversation's transcript, as the console shows it (always as text, never HTML). */
export interface TranscriptEntry {
  id: number;
  conversationKey: string;
  at: string;
  from: 'customer' | 'bot' | 'agent';
  text: string;
  /** The officer who wrote it, for `agent` lines. */
  officer: string | null;
}

/** What the console shows of a conversation besides the transcript. */
export interface HandoffSummary extends Handoff {
  /** Seconds since the customer asked (waiting) or since the officer took it (active). */
  waitingSeconds: number;
  position: number | null;
  /** The form as far as it got: field key -> value (values as the customer gave them). */
  form: Record<string, string>;
  formKind: 'seller' | 'complaint' | null;
  /** File name of the photo/screenshot thumbnail (GET /agent/photos/:file), if any. */
  thumbnail: string | null;
  /** The classifier's guess for the conversation (catalogue label or intent), if any. */
  guess: string | null;
}

/** Events the console follows live (server-sent events). */
export type HandoffEvent =
  | { type: 'handoff'; handoff: Handoff }
  | { type: 'transcript'; entry: TranscriptEntry };
