import type { SqliteDatabase } from './sqlite.js';

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

/**
 * When each user last wrote (the start of Meta's 24-hour customer-service window), and the
 * replies that could not be delivered. On PostgreSQL it is shared by every instance, so an
 * instance that did not receive the customer's last message still knows whether the window is
 * open.
 */
export interface ContactWindowStore {
  /** Records an inbound message's time (epoch ms); a late, older one never moves the window back. */
  touch(channel: string, userId: string, at: number): Promise<void>;
  /** When the user last wrote (epoch ms), or null when they never did. */
  lastInbound(channel: string, userId: string): Promise<number | null>;
  /** Records an undeliverable reply (its detail cut to 500 characters), then tells `onFailure`. */
  recordFailure(failure: Omit<DeliveryFailure, 'at'>, at?: Date): Promise<void>;
  /** The user's failures, oldest first. */
  failures(channel: string, userId: string): Promise<DeliveryFailure[]>;
}

/** Longest `detail` kept. */
export const FAILURE_DETAIL_MAX = 500;

/**
 * Text as both stores keep it: without NUL characters, which PostgreSQL text cannot hold. Both
 * apply it (to keys too), so the stores read the same whichever database keeps them.
 */
export const storedText = (text: string): string => text.replaceAll('\u0000', '');

/** A failure's detail as stored: without NUL characters, at most FAILURE_DETAIL_MAX characters. */
export const storedDetail = (detail: string): string => storedText(detail).slice(0, FAILURE_DETAIL_MAX);

interface FailureRow {
  channel: string;
  user_id: string;
  reason: DeliveryFailure['reason'];
  detail: string;
  at: string;
}

export const toDeliveryFailure = (r: FailureRow): DeliveryFailure => ({ channel: r.channel, userId: r.user_id, reason: r.reason, detail: r.detail, at: r.at });

/**
 * The windows and failures in SQLite (the default, one process), next to the conversation state.
 * The queries are synchronous (better-sqlite3); the methods are async to share the interface.
 */
export class SqliteContactWindowStore implements ContactWindowStore {
  private readonly upsert;
  private readonly select;
  private readonly insertFailure;
  private readonly selectFailures;

  constructor(
    db: SqliteDatabase,
    private readonly options: ContactWindowStoreOptions = {},
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS contact_windows (
        channel TEXT NOT NULL,
        user_id TEXT NOT NULL,
        last_inbound_at INTEGER NOT NULL,
        PRIMARY KEY (channel, user_id)
      );
      CREATE TABLE IF NOT EXISTS delivery_failures (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL,
        user_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        detail TEXT NOT NULL,
        at TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS delivery_failures_user ON delivery_failures (channel, user_id);
    `);
    this.upsert = db.prepare(
      `INSERT INTO contact_windows (channel, user_id, last_inbound_at) VALUES (?, ?, ?)
       ON CONFLICT (channel, user_id) DO UPDATE SET last_inbound_at = MAX(last_inbound_at, excluded.last_inbound_at)`,
    );
    this.select = db.prepare<[string, string], { last_inbound_at: number }>('SELECT last_inbound_at FROM contact_windows WHERE channel = ? AND user_id = ?');
    this.insertFailure = db.prepare('INSERT INTO delivery_failures (channel, user_id, reason, detail, at) VALUES (?, ?, ?, ?, ?)');
    this.selectFailures = db.prepare<[string, string], FailureRow>(
      'SELECT channel, user_id, reason, detail, at FROM delivery_failures WHERE channel = ? AND user_id = ? ORDER BY id',
    );
  }

  async touch(channel: string, userId: string, at: number): Promise<void> {
    this.upsert.run(storedText(channel), storedText(userId), Math.floor(at));
  }

  async lastInbound(channel: string, userId: string): Promise<number | null> {
    return this.select.get(storedText(channel), storedText(userId))?.last_inbound_at ?? null;
  }

  async recordFailure(failure: Omit<DeliveryFailure, 'at'>, at = new Date()): Promise<void> {
    this.insertFailure.run(storedText(failure.channel), storedText(failure.userId), failure.reason, storedDetail(failure.detail), at.toISOString());
    this.options.onFailure?.(failure);
  }

  async failures(channel: string, userId: string): Promise<DeliveryFailure[]> {
    return this.selectFailures.all(storedText(channel), storedText(userId)).map(toDeliveryFailure);
  }
}
