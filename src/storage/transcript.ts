import type { Kysely, Selectable } from 'kysely';
import type { TranscriptEntry, TranscriptInput } from '../core/transcript.js';
import type { Schema } from './schema.js';

/**
 * Writing and reading transcript lines, shared by the handoff store (a line at a time: an officer's
 * reply) and the conversation store (a turn's lines in the same transaction as the turn's state,
 * so a turn costs one commit, and a turn that turns out to be a duplicate leaves no lines behind).
 */

/** Text as stored: without NUL characters, which PostgreSQL cannot hold in text (applied on both, so they read the same). */
export const transcriptText = (text: string): string => text.replaceAll('\u0000', '');

/** The columns a TranscriptEntry is made of. */
export const TRANSCRIPT_COLUMNS = ['id', 'conversation_key', 'at', 'sender', 'text', 'officer', 'attachment'] as const;

type TranscriptRow = Pick<Selectable<Schema['transcript']>, (typeof TRANSCRIPT_COLUMNS)[number]>;

export const toTranscriptEntry = (r: TranscriptRow): TranscriptEntry => ({
  id: r.id,
  conversationKey: r.conversation_key,
  at: r.at,
  from: r.sender,
  text: r.text,
  officer: r.officer,
  attachment: r.attachment,
});

/** Appends lines with one statement, in order (ids ascending); on `db`, or inside the caller's transaction when given one. */
export async function appendTranscript(db: Kysely<Schema>, entries: TranscriptInput[], now: Date): Promise<TranscriptEntry[]> {
  if (entries.length === 0) return [];
  const at = now.toISOString();
  const inserted = await db
    .insertInto('transcript')
    .values(
      entries.map(({ photo, ...line }) => ({
        conversation_key: line.conversationKey,
        at,
        sender: line.from,
        text: transcriptText(line.text),
        officer: line.officer,
        attachment: photo?.fileName ?? null,
        photo: photo ? JSON.stringify(photo) : null,
      })),
    )
    .returning(TRANSCRIPT_COLUMNS)
    .execute();
  if (inserted.length !== entries.length) throw new Error(`transcript: ${entries.length} lines inserted, ${inserted.length} returned`);
  return inserted.map(toTranscriptEntry).sort((a, b) => a.id - b.id);
}
