import {
  storedDetail,
  storedText,
  toDeliveryFailure,
  type ContactWindowStore,
  type ContactWindowStoreOptions,
  type DeliveryFailure,
} from '../contactWindowStore.js';
import type { PgPool } from './pool.js';

/**
 * Meta's 24-hour windows and the undeliverable replies in PostgreSQL (tables of
 * migrations/postgres/005_channels.sql), shared by every instance: the instance that sends an
 * officer's reply or a late ticket notice knows when the customer last wrote, whichever instance
 * received that message.
 *
 * - `touch` is one upsert keeping GREATEST(old, new): a late or redelivered older message, even
 *   one processed by another instance at the same moment, never moves the window back.
 * - Text is stored without NUL characters (PostgreSQL text cannot hold them), as in SQLite.
 */
export class PgContactWindowStore implements ContactWindowStore {
  constructor(
    private readonly pool: PgPool,
    private readonly options: ContactWindowStoreOptions = {},
  ) {}

  async touch(channel: string, userId: string, at: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO contact_windows (channel, user_id, last_inbound_at) VALUES ($1, $2, $3)
       ON CONFLICT (channel, user_id) DO UPDATE
         SET last_inbound_at = GREATEST(contact_windows.last_inbound_at, excluded.last_inbound_at)`,
      [storedText(channel), storedText(userId), Math.floor(at)],
    );
  }

  async lastInbound(channel: string, userId: string): Promise<number | null> {
    const { rows } = await this.pool.query<{ last_inbound_at: number }>('SELECT last_inbound_at FROM contact_windows WHERE channel = $1 AND user_id = $2', [
      storedText(channel),
      storedText(userId),
    ]);
    return rows[0]?.last_inbound_at ?? null;
  }

  async recordFailure(failure: Omit<DeliveryFailure, 'at'>, at = new Date()): Promise<void> {
    await this.pool.query('INSERT INTO delivery_failures (channel, user_id, reason, detail, at) VALUES ($1, $2, $3, $4, $5)', [
      storedText(failure.channel),
      storedText(failure.userId),
      failure.reason,
      storedDetail(failure.detail),
      at.toISOString(),
    ]);
    this.options.onFailure?.(failure);
  }

  async failures(channel: string, userId: string): Promise<DeliveryFailure[]> {
    const { rows } = await this.pool.query<{ channel: string; user_id: string; reason: DeliveryFailure['reason']; detail: string; at: string }>(
      'SELECT channel, user_id, reason, detail, at FROM delivery_failures WHERE channel = $1 AND user_id = $2 ORDER BY id',
      [storedText(channel), storedText(userId)],
    );
    return rows.map(toDeliveryFailure);
  }
}
