import type { Insertable, Kysely, Selectable } from 'kysely';
import type { TranscriptEntry, TranscriptInput } from '../core/transcript.js';
import { prepared, type StatementTarget } from './prepared.js';
import { fromJson, type Schema } from './schema.js';

/**
 * Writing and reading transcript lines, shared by the handoff store (a line at a time: an officer's
 * reply) and the conversation store (a turn's lines in the same transaction as the turn's state,
 * so a turn costs one commit, and a turn that turns out to be a duplicate leaves no lines behind).
 */

/** Text as stored: without NUL characters, which PostgreSQL cannot hold in text (applied on both, so they read the same). */
export const transcriptText = (text: string): string => text.replaceAll('\u0000', '');

/** The columns a TranscriptEntry is made of. */
export const TRANSCRIPT_COLUMNS = ['id', 'conversation_key', 'at', 'sender', 'text', 'officer', 'attachment', 'choices', 'note', 'delivery', 'delivery_error'] as const;

type TranscriptRow = Pick<Selectable<Schema['transcript']>, (typeof TRANSCRIPT_COLUMNS)[number]>;

export const toTranscriptEntry = (r: TranscriptRow): TranscriptEntry => ({
  id: r.id,
  conversationKey: r.conversation_key,
  at: r.at,
  from: r.sender,
  text: r.text,
  officer: r.officer,
  attachment: r.attachment,
  choices: r.choices === null ? null : fromJson<string[]>(r.choices),
  note: Boolean(r.note),
  delivery: r.delivery as TranscriptEntry['delivery'],
  deliveryError: r.delivery_error,
});

/** The columns a line is written with, in the order `transcriptValues` gives them. */
export const TRANSCRIPT_INSERT_COLUMNS = ['conversation_key', 'at', 'sender', 'text', 'officer', 'attachment', 'photo', 'choices', 'note', 'delivery'] as const;

/** The multi-row insert for `n` lines, compiled once per line count (see prepared.ts); line i's values are the placeholders `<column><i>`. */
const inserts = new Map<number, ReturnType<typeof insertOf>>();
const insertOf = (n: number) =>
  // Each value is a placeholder (prepared.ts): used as it is, never in an expression.
  prepared((p: Record<string, string | boolean | null>) => (db: Kysely<Schema>) =>
    db
      .insertInto('transcript')
      .values(Array.from({ length: n }, (_, i) => Object.fromEntries(TRANSCRIPT_INSERT_COLUMNS.map((column) => [column, p[`${column}${i}`]])) as Insertable<Schema['transcript']>))
      .returning(TRANSCRIPT_COLUMNS),
  );

/** A line's values for TRANSCRIPT_INSERT_COLUMNS, at `at` (ISO 8601). */
export function transcriptValues({ photo, choices, note, delivery, ...line }: TranscriptInput, at: string): Array<string | boolean | null> {
  return [
    line.conversationKey,
    at,
    line.from,
    transcriptText(line.text),
    line.officer,
    photo?.fileName ?? null,
    photo ? JSON.stringify(photo) : null,
    choices && choices.length ? JSON.stringify(choices) : null,
    note === true,
    delivery ?? null,
  ];
}

/** Appends lines with one statement, in order (ids ascending); on `db`, or inside the caller's transaction. */
export async function appendTranscript(db: StatementTarget, entries: TranscriptInput[], now: Date): Promise<TranscriptEntry[]> {
  if (entries.length === 0) return [];
  const at = now.toISOString();
  const params: Record<string, string | boolean | null> = {};
  entries.forEach((entry, i) => {
    transcriptValues(entry, at).forEach((value, c) => (params[`${TRANSCRIPT_INSERT_COLUMNS[c]}${i}`] = value));
  });
  let insert = inserts.get(entries.length);
  if (!insert) {
    insert = insertOf(entries.length);
    // A bound on the compiled shapes, as on SQLite's statement cache (turns write a few lines).
    if (inserts.size < 16) inserts.set(entries.length, insert);
  }
  const inserted = (await insert.run(db, params)).rows;
  if (inserted.length !== entries.length) throw new Error(`transcript: ${entries.length} lines inserted, ${inserted.length} returned`);
  return inserted.map(toTranscriptEntry).sort((a, b) => a.id - b.id);
}
