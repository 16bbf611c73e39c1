import { CompiledQuery } from 'kysely';
import type { TranscriptInput } from '../../core/transcript.js';
import { TRANSCRIPT_COLUMNS, TRANSCRIPT_INSERT_COLUMNS, transcriptValues } from '../transcript.js';

/** What a turn writes on PostgreSQL, its values ready (see turnStatement). */
export interface PgTurnWrite {
  conversationKey: string;
  messageId: string | null;
  processedAt: number;
  replies: string | null;
  state: { machineVersion: number; json: string } | null;
  transcript: TranscriptInput[];
  at: string;
}

/** The type of each transcript column's value in the statement (parameters are sent as text). */
const TRANSCRIPT_CASTS: Record<(typeof TRANSCRIPT_INSERT_COLUMNS)[number], string> = {
  conversation_key: 'text',
  at: 'timestamptz',
  sender: 'text',
  text: 'text',
  officer: 'text',
  attachment: 'text',
  photo: 'jsonb',
  choices: 'jsonb',
  note: 'boolean',
  delivery: 'text',
};

/**
 * A turn's writes on PostgreSQL as ONE statement: the message id recorded, the state stored and
 * the transcript lines appended, by data-modifying CTEs. One statement is one transaction and one
 * round trip, where BEGIN, three statements and COMMIT were five: on PostgreSQL a round trip (a
 * socket write and a wake-up of the server) cost more of a turn's CPU than anything the statements
 * did. The semantics are the transaction's: the id goes in first, `ON CONFLICT DO NOTHING`
 * (waiting for another instance's uncommitted insert of the same id, then finding it taken); the
 * state and the lines are written only when it went in (`WHERE EXISTS (SELECT 1 FROM p)`), so a
 * duplicate writes nothing. Rows: one per line written (the line's columns), each with `recorded`
 * (1 when the id went in, or there was none to record); a single row of nulls but `recorded` when
 * no line was written.
 *
 * Written as SQL text because Kysely's builder cannot condition an INSERT … SELECT on a
 * data-modifying CTE's output without casting every column by hand anyway.
 */
export function turnStatement(turn: PgTurnWrite): CompiledQuery<Record<string, unknown> & { recorded: number }> {
  const params: unknown[] = [];
  const $ = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const ctes: string[] = [];
  const gate = turn.messageId === null ? '' : ' WHERE EXISTS (SELECT 1 FROM p)';
  if (turn.messageId !== null) {
    ctes.push(`p AS (INSERT INTO processed_messages (message_id, processed_at, replies) VALUES (${$(turn.messageId)}, ${$(turn.processedAt)}::bigint, ${$(turn.replies)}::json) ON CONFLICT DO NOTHING RETURNING 1)`);
  }
  if (turn.state) {
    ctes.push(
      `s AS (INSERT INTO conversations (conversation_key, machine_version, snapshot, updated_at) ` +
        `SELECT ${$(turn.conversationKey)}, ${$(turn.state.machineVersion)}::integer, ${$(turn.state.json)}::json, ${$(turn.processedAt)}::bigint${gate} ` +
        `ON CONFLICT (conversation_key) DO UPDATE SET machine_version = excluded.machine_version, snapshot = excluded.snapshot, updated_at = excluded.updated_at)`,
    );
  }
  if (turn.transcript.length > 0) {
    const rows = turn.transcript.map((line) => `(${transcriptValues(line, turn.at).map((value, c) => `${$(value)}::${TRANSCRIPT_CASTS[TRANSCRIPT_INSERT_COLUMNS[c]!]}`).join(', ')})`);
    ctes.push(
      `t AS (INSERT INTO transcript (${TRANSCRIPT_INSERT_COLUMNS.join(', ')}) ` +
        `SELECT * FROM (VALUES ${rows.join(', ')}) AS v (${TRANSCRIPT_INSERT_COLUMNS.join(', ')})${gate} RETURNING ${TRANSCRIPT_COLUMNS.join(', ')})`,
    );
  }
  const recorded = turn.messageId === null ? '1' : '(SELECT count(*) FROM p)::integer';
  const lines = turn.transcript.length > 0 ? 't.*' : 'NULL AS id';
  const from = turn.transcript.length > 0 ? '(SELECT 1) AS one LEFT JOIN t ON true' : '(SELECT 1) AS one';
  const sql = `${ctes.length ? `WITH ${ctes.join(', ')} ` : ''}SELECT ${recorded} AS recorded, ${lines} FROM ${from}`;
  return CompiledQuery.raw(sql, params) as CompiledQuery<Record<string, unknown> & { recorded: number }>;
}
