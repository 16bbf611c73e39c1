/**
 * The officers' transcript of a conversation: what the customer, the bot and officers said, in
 * order. Shared by the layers that write it (the turn engine, the handoff desk) and the store that
 * keeps it.
 */

/** Metadata of a stored, normalised photo (see src/media). */
export interface PhotoRef {
  sha256: string;
  bytes: number;
  width: number;
  height: number;
  mimeType: string;
  fileName: string;
}

/** What became of an officer's message: queued (being sent), sent, delivered or read (WhatsApp's status webhooks), failed. */
export type Delivery = 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

/** One line of a conversation's transcript as stored. */
export interface TranscriptEntry {
  id: number;
  conversationKey: string;
  at: string;
  from: 'customer' | 'bot' | 'agent';
  text: string;
  /** The officer who wrote it, for `agent` lines. */
  officer: string | null;
  /** File name of a photo the customer sent (shown by the console as an image, from our own store). */
  attachment: string | null;
  /** The buttons a bot message offered, as the customer saw them. */
  choices: string[] | null;
  /** An officer's private note: for officers only, never sent to the customer. */
  note: boolean;
  /** An officer message's delivery (null for other lines). */
  delivery: Delivery | null;
  /** Why it failed, in the channel's words, when it did. */
  deliveryError: string | null;
}

/** A transcript line to append; `photo` is a photo the customer sent to the officer (stored by the photo pipeline). */
export type TranscriptInput = Omit<TranscriptEntry, 'id' | 'at' | 'attachment' | 'choices' | 'note' | 'delivery' | 'deliveryError'> & {
  photo?: PhotoRef | null;
  choices?: string[] | null;
  note?: boolean;
  delivery?: Delivery | null;
};
