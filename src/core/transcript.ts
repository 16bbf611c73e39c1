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
}

/** A transcript line to append; `photo` is a photo the customer sent to the officer (stored by the photo pipeline). */
export type TranscriptInput = Omit<TranscriptEntry, 'id' | 'at' | 'attachment'> & { photo?: PhotoRef | null };
