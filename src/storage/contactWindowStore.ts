import type { Kysely } from 'kysely';
import type { Schema } from './schema.js';

/**
 * A reply that could not be delivered and will not be retried (shown to officers, counted in
 * metrics); `unconfirmed`: Graph did not answer a send it may have delivered (not sent again).
 */
export interface DeliveryFailure {
  channel: string;
  userId: string;
  reason: 'windowClosed' | 'permanent' | 'auth' | 'exhausted' | 'unconfirmed';
  detail: string;
  at: string;
}

export interface ContactWindowStoreOptions {
  /** Told about every failure recorded (for metrics); must not throw. */
  onFailure?: (failure: Omit<DeliveryFailure, 'at'>) => void;
}

/** Longest `detail` kept. */
const FAILURE_DETAIL_MAX = 500;

/**
 * Text as the stores keep it: without NUL characters, which PostgreSQL text cannot hold. Applied
 * to keys too, so the stores read the same whichever database keeps them.
 */
export const storedText = (text: string): string => text.replaceAll('\u0000', '');

/**
 * When each user last wrote (the start of Meta's 24-hour customer-service window), and the
 * replies that could not be delivered. On PostgreSQL it is shared by every instance, so an
 * instance that did not receive the customer's last message still knows whether the window is
 * open.
 */
export class ContactWindowStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly options: ContactWindowStoreOptions = {},
  ) {}

  /** Records an inbound message's time (epoch ms); a late, older one never moves the window back. */
  async touch(channel: string, userId: string, at: number): Promise<void> {
    // The WHERE on the update keeps the newest time in one statement, even against a concurrent
    // touch by another instance (GREATEST and MAX would be one spelling per database).
    await this.db
      .insertInto('contact_windows')
      .values({ channel: storedText(channel), user_id: storedText(userId), last_inbound_at: Math.floor(at) })
      .onConflict((oc) =>
        oc
          .columns(['channel', 'user_id'])
          .doUpdateSet({ last_inbound_at: (eb) => eb.ref('excluded.last_inbound_at') })
          .where('contact_windows.last_inbound_at', '<', (eb) => eb.ref('excluded.last_inbound_at')),
      )
      .execute();
  }

  /** When the user last wrote (epoch ms), or null when they never did. */
  async lastInbound(channel: string, userId: string): Promise<number | null> {
    const row = await this.db
      .selectFrom('contact_windows')
      .select('last_inbound_at')
      .where('channel', '=', storedText(channel))
      .where('user_id', '=', storedText(userId))
      .executeTakeFirst();
    return row?.last_inbound_at ?? null;
  }

  /** Records an undeliverable reply (its detail without NUL characters, cut to 500), then tells `onFailure`. */
  async recordFailure(failure: Omit<DeliveryFailure, 'at'>, at = new Date()): Promise<void> {
    await this.db
      .insertInto('delivery_failures')
      .values({
        channel: storedText(failure.channel),
        user_id: storedText(failure.userId),
        reason: failure.reason,
        detail: storedText(failure.detail).slice(0, FAILURE_DETAIL_MAX),
        at: at.toISOString(),
      })
      .execute();
    this.options.onFailure?.(failure);
  }

  /** The user's failures, oldest first. */
  async failures(channel: string, userId: string): Promise<DeliveryFailure[]> {
    const rows = await this.db
      .selectFrom('delivery_failures')
      .select(['channel', 'user_id', 'reason', 'detail', 'at'])
      .where('channel', '=', storedText(channel))
      .where('user_id', '=', storedText(userId))
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ channel: r.channel, userId: r.user_id, reason: r.reason as DeliveryFailure['reason'], detail: r.detail, at: r.at }));
  }
}
