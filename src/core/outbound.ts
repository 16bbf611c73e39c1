import type { Activity } from 'botbuilder';

/**
 * What became of a message sent outside a customer's turn:
 * - `sent`: it went out (free text; a Bot Framework conversation by its stored reference);
 * - `template`: outside the 24-hour window on WhatsApp, the approved template went instead (notices only);
 * - `windowClosed`: Meta would refuse it (24 hours; 7 days for an officer on Messenger/Instagram);
 * - `unsupported`: no way to reach the conversation (no stored Bot Framework reference, a channel that is off);
 * - `failed`: the channel refused it or could not be reached.
 */
export type DeliveryOutcome = 'sent' | 'template' | 'windowClosed' | 'unsupported' | 'failed';

/** A conversation as the stores name it: the channel and the channel's own id of the conversation. */
export interface ConversationTarget {
  channel: string;
  conversationId: string;
}

export interface OutboundMessage {
  /** Already in words (the caller renders its message keys in the conversation's language). */
  activities: Array<Partial<Activity>>;
  /** An officer's own words may go with Meta's human-agent tag outside the 24-hour window; the bot's never do. */
  byOfficer: boolean;
  /**
   * A notice the applicant must get some way (the support team's reply to their ticket): outside
   * the window on WhatsApp the approved template with these body parameters instead, and every
   * case it cannot reach them recorded in `delivery_failures` under `why`. Without it, the
   * message goes as it is or not at all.
   */
  notice?: { why: string; templateParameters: string[] };
  /** Told the channel's ids of what went out (WhatsApp's wamid), for its delivery receipts. */
  onSent?: (messageIds: string[]) => void;
}

/** What a channel says became of a message it took (WhatsApp's status webhooks). */
export interface DeliveryReceipt {
  /** The channel's id of the message (the id the send was answered with). */
  messageId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  /** Why it failed, in the channel's words. */
  error?: string;
}

/**
 * The one way out for proactive messages (officers' replies, the bot resuming after a hand-back,
 * late ticket numbers, support-team replies). Wired by the service over the channels' adapters and
 * handed down as this interface, so the layers below send without knowing the channels. Never throws.
 */
export interface OutboundMessenger {
  /** Whether a message can reach the conversation now; `byOfficer` allows Meta's human-agent tag. */
  windowOpen(target: ConversationTarget, byOfficer: boolean): Promise<boolean>;
  send(target: ConversationTarget, message: OutboundMessage): Promise<DeliveryOutcome>;
}

/** A file an officer sends to the customer: a JPEG or PNG photo, or a PDF (base64, so it can wait in a queue as JSON). */
export interface OutboundAttachment {
  mimeType: 'image/jpeg' | 'image/png' | 'application/pdf';
  fileName: string;
  dataBase64: string;
}
