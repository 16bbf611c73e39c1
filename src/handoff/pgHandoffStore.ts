import type { PgPool } from '../storage/postgres/pool.js';
import type { PhotoRef } from '../tickets/types.js';
import { toHandoff, type HandoffRequestInput, type HandoffRow, type HandoffStore } from './handoffStore.js';
import { appendPgTranscript, TRANSCRIPT_COLUMNS, toTranscriptEntry, type TranscriptInput, type TranscriptRow } from './transcriptWrites.js';
import type { Handoff, TranscriptEntry } from './types.js';

/** `open` retries this often when the open handoff it ran into is closed before it could be read. */
const OPEN_ATTEMPTS = 5;

/**
 * The officers' queue and the transcripts in PostgreSQL (tables of
 * migrations/postgres/003_handoff.sql), shared by every instance of the service.
 *
 * - `open` inserts with ON CONFLICT on the partial unique index `handoffs_one_open`: when two
 *   instances open a handoff for one conversation at once, the second insert waits for the first
 *   to commit and then does nothing, so exactly one is created and both return it.
 * - `take` and `finish` are single conditional UPDATEs: under READ COMMITTED the second of two
 *   concurrent UPDATEs re-checks its WHERE against the row the first committed, so only one
 *   officer can ever take a waiting handoff, and only its holder can end it.
 * - Transcript text is stored without NUL characters (PostgreSQL text cannot hold them).
 */
export class PgHandoffStore implements HandoffStore {
  constructor(private readonly pool: PgPool) {}

  async open(input: HandoffRequestInput, now = new Date()): Promise<{ handoff: Handoff; created: boolean }> {
    for (let attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
      const inserted = await this.pool.query<HandoffRow>(
        `INSERT INTO handoffs (conversation_key, channel, conversation_id, status, reason, requested_at)
         VALUES ($1, $2, $3, 'waiting', $4, $5)
         ON CONFLICT (conversation_key) WHERE status <> 'closed' DO NOTHING
         RETURNING *`,
        [input.conversationKey, input.channel, input.conversationId, input.reason, now.toISOString()],
      );
      const row = inserted.rows[0];
      if (row) return { handoff: toHandoff(row), created: true };
      const existing = await this.openOf(input.conversationKey);
      if (existing) return { handoff: existing, created: false };
      // The open one was closed between the two statements: the next insert goes through.
    }
    throw new Error('handoff: could not open or find the open handoff');
  }

  async byId(id: number): Promise<Handoff | null> {
    const { rows } = await this.pool.query<HandoffRow>('SELECT * FROM handoffs WHERE id = $1', [id]);
    return rows[0] ? toHandoff(rows[0]) : null;
  }

  async openOf(conversationKey: string): Promise<Handoff | null> {
    const { rows } = await this.pool.query<HandoffRow>("SELECT * FROM handoffs WHERE conversation_key = $1 AND status <> 'closed'", [conversationKey]);
    return rows[0] ? toHandoff(rows[0]) : null;
  }

  async listOpen(): Promise<Handoff[]> {
    const { rows } = await this.pool.query<HandoffRow>("SELECT * FROM handoffs WHERE status <> 'closed' ORDER BY requested_at, id");
    return rows.map(toHandoff);
  }

  async position(handoff: Handoff): Promise<number | null> {
    if (handoff.status !== 'waiting') return null;
    const { rows } = await this.pool.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM handoffs WHERE status = 'waiting' AND (requested_at < $1::timestamptz OR (requested_at = $1::timestamptz AND id <= $2))",
      [handoff.requestedAt, handoff.id],
    );
    return rows[0]?.n ?? null;
  }

  async take(id: number, officer: string, now = new Date()): Promise<Handoff | null> {
    const { rows } = await this.pool.query<HandoffRow>(
      "UPDATE handoffs SET status = 'active', officer = $2, taken_at = $3 WHERE id = $1 AND status = 'waiting' RETURNING *",
      [id, officer, now.toISOString()],
    );
    return rows[0] ? toHandoff(rows[0]) : null;
  }

  async finish(id: number, officer: string, outcome: 'handedBack' | 'closed', now = new Date()): Promise<Handoff | null> {
    const { rows } = await this.pool.query<HandoffRow>(
      "UPDATE handoffs SET status = 'closed', outcome = $3, closed_at = $4 WHERE id = $1 AND status = 'active' AND officer = $2 RETURNING *",
      [id, officer, outcome, now.toISOString()],
    );
    return rows[0] ? toHandoff(rows[0]) : null;
  }

  async recordTicket(id: number, ticket: { itsmNumber: string; apktNumber: string }): Promise<void> {
    await this.pool.query('UPDATE handoffs SET itsm_number = $2, apkt_number = $3 WHERE id = $1', [id, ticket.itsmNumber, ticket.apktNumber]);
  }

  async append(entry: TranscriptInput, now = new Date()): Promise<TranscriptEntry> {
    const [appended] = await appendPgTranscript(this.pool, [entry], now);
    if (!appended) throw new Error('transcript: insert returned no row');
    return appended;
  }

  async latestPhoto(conversationKey: string, since: string): Promise<PhotoRef | null> {
    const { rows } = await this.pool.query<{ photo: PhotoRef }>(
      `SELECT photo FROM transcript
       WHERE conversation_key = $1 AND sender = 'customer' AND photo IS NOT NULL AND at >= $2::timestamptz
       ORDER BY id DESC LIMIT 1`,
      [conversationKey, since],
    );
    return rows[0]?.photo ?? null;
  }

  async transcript(conversationKey: string, limit = 200): Promise<TranscriptEntry[]> {
    const { rows } = await this.pool.query<TranscriptRow>(
      `SELECT * FROM (
         SELECT ${TRANSCRIPT_COLUMNS} FROM transcript
         WHERE conversation_key = $1 ORDER BY id DESC LIMIT $2
       ) AS latest ORDER BY id`,
      [conversationKey, limit],
    );
    return rows.map(toTranscriptEntry);
  }

  async countOpen(): Promise<{ waiting: number; active: number }> {
    const { rows } = await this.pool.query<{ status: string; n: number }>(
      "SELECT status, COUNT(*) AS n FROM handoffs WHERE status IN ('waiting', 'active') GROUP BY status",
    );
    return { waiting: rows.find((r) => r.status === 'waiting')?.n ?? 0, active: rows.find((r) => r.status === 'active')?.n ?? 0 };
  }
}
