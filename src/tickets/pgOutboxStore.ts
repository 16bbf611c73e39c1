import type { PgPool } from '../storage/postgres/pool.js';
import { CLAIMABLE_NOTICE, toOutboxEntry, type NoticeOutcome, type OutboxEntry, type OutboxRow, type OutboxStore } from './outboxStore.js';
import type { TicketRequest } from './types.js';

/**
 * The ticket outbox in PostgreSQL (`ticket_outbox` of migrations/postgres/002_tickets.sql, so run
 * `migrate(pool)` first), shared by every instance of the service. Every write is a single
 * statement whose WHERE guard makes a second instance's identical write a no-op; claiming notices
 * is one `UPDATE ... RETURNING`, so a row is handed to exactly one claimer: a concurrent claim
 * waits on the row lock, re-checks `notice = 'wanted'` and skips it.
 */
export class PgOutboxStore implements OutboxStore {
  constructor(private readonly pool: PgPool) {}

  async add(request: TicketRequest, at: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ticket_outbox (idempotency_key, request_json, state, attempts, created_at, updated_at)
       VALUES ($1, $2, 'pending', 0, $3, $3)
       ON CONFLICT (idempotency_key) DO NOTHING`,
      [request.idempotencyKey, JSON.stringify(request), at],
    );
  }

  async get(idempotencyKey: string): Promise<OutboxEntry | null> {
    const { rows } = await this.pool.query<OutboxRow>('SELECT * FROM ticket_outbox WHERE idempotency_key = $1', [idempotencyKey]);
    const row = rows[0];
    return row ? toOutboxEntry(row) : null;
  }

  async notDoneKeys(): Promise<string[]> {
    const { rows } = await this.pool.query<{ idempotency_key: string }>(
      `SELECT idempotency_key FROM ticket_outbox WHERE state <> 'done' AND dead_at IS NULL ORDER BY created_at, idempotency_key COLLATE "C"`,
    );
    return rows.map((r) => r.idempotency_key);
  }

  async pendingCount(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM ticket_outbox WHERE state <> 'done' AND dead_at IS NULL");
    return rows[0]?.n ?? 0;
  }

  async markDead(idempotencyKey: string, at: string): Promise<void> {
    await this.pool.query("UPDATE ticket_outbox SET dead_at = $2, updated_at = $2 WHERE idempotency_key = $1 AND state <> 'done' AND dead_at IS NULL", [idempotencyKey, at]);
  }

  async revive(idempotencyKey: string, at: string): Promise<boolean> {
    const result = await this.pool.query('UPDATE ticket_outbox SET dead_at = NULL, attempts = 0, updated_at = $2 WHERE idempotency_key = $1 AND dead_at IS NOT NULL', [
      idempotencyKey,
      at,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async deadEntries(): Promise<OutboxEntry[]> {
    const { rows } = await this.pool.query<OutboxRow>('SELECT * FROM ticket_outbox WHERE dead_at IS NOT NULL ORDER BY dead_at, idempotency_key COLLATE "C"');
    return rows.map(toOutboxEntry);
  }

  async deadCount(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM ticket_outbox WHERE dead_at IS NOT NULL');
    return rows[0]?.n ?? 0;
  }

  async attemptStarted(idempotencyKey: string, at: string): Promise<void> {
    await this.pool.query('UPDATE ticket_outbox SET attempts = attempts + 1, updated_at = $2 WHERE idempotency_key = $1', [idempotencyKey, at]);
  }

  async itsmFiled(idempotencyKey: string, itsmNumber: string, at: string): Promise<void> {
    await this.pool.query(
      `UPDATE ticket_outbox SET itsm_number = $2, state = 'itsm_filed', updated_at = $3 WHERE idempotency_key = $1 AND itsm_number IS NULL`,
      [idempotencyKey, itsmNumber, at],
    );
  }

  async apktFiled(idempotencyKey: string, apktNumber: string, at: string): Promise<void> {
    await this.pool.query(
      `UPDATE ticket_outbox SET apkt_number = $2, state = 'done', last_error = NULL, dead_at = NULL, updated_at = $3 WHERE idempotency_key = $1 AND apkt_number IS NULL`,
      [idempotencyKey, apktNumber, at],
    );
  }

  async markDone(idempotencyKey: string, at: string): Promise<void> {
    await this.pool.query(`UPDATE ticket_outbox SET state = 'done', last_error = NULL, dead_at = NULL, updated_at = $2 WHERE idempotency_key = $1`, [idempotencyKey, at]);
  }

  async recordError(idempotencyKey: string, message: string, at: string): Promise<void> {
    await this.pool.query('UPDATE ticket_outbox SET last_error = $2, updated_at = $3 WHERE idempotency_key = $1', [idempotencyKey, message, at]);
  }

  async wantNotice(idempotencyKey: string): Promise<void> {
    await this.pool.query("UPDATE ticket_outbox SET notice = 'wanted' WHERE idempotency_key = $1 AND notice IS NULL", [idempotencyKey]);
  }

  async claimNotices(): Promise<OutboxEntry[]> {
    const { rows } = await this.pool.query<OutboxRow>(
      `WITH claimed AS (
         UPDATE ticket_outbox SET notice = 'sending' WHERE ${CLAIMABLE_NOTICE} RETURNING *
       )
       SELECT * FROM claimed ORDER BY created_at, idempotency_key COLLATE "C"`,
    );
    return rows.map(toOutboxEntry);
  }

  async noticeDone(idempotencyKey: string, outcome: NoticeOutcome): Promise<void> {
    await this.pool.query('UPDATE ticket_outbox SET notice = $2 WHERE idempotency_key = $1', [idempotencyKey, outcome]);
  }
}
