import type { SqliteDatabase } from './sqlite.js';

/** A reply that could not be delivered and will not be retried (shown to officers, counted in metrics). */
export interface DeliveryFailure {
  channel: string;
  userId: string;
  reason: 'windowClosed' | 'permanent' | 'auth' | 'exhausted';
  detail: string;
  at: string;
}

export interface ContactWindowStoreOptions {
  /** Told about every failure recorded (for metrics); must not throw. */
  onFailure?: (failure: Omit<DeliveryFailure, 'at'>) => void;
}

/**
 * When each user last wrote (the start of Meta's 24-hour customer-service window), and the
 * replies that could not be delivered. Kept in SQLite next to the conversation state.
 */
export class ContactWindowStore {
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
    this.selectFailures = db.prepare<[string, string], DeliveryFailure & { user_id: string }>(
      'SELECT channel, user_id, reason, detail, at FROM delivery_failures WHERE channel = ? AND user_id = ? ORDER BY id',
    );
  }

  /** Records an inbound message's time (a late, older one never moves the window back). */
  touch(channel: string, userId: string, at: number): void {
    this.upsert.run(channel, userId, at);
  }

  lastInbound(channel: string, userId: string): number | null {
    return this.select.get(channel, userId)?.last_inbound_at ?? null;
  }

  recordFailure(failure: Omit<DeliveryFailure, 'at'>, at = new Date()): void {
    this.insertFailure.run(failure.channel, failure.userId, failure.reason, failure.detail.slice(0, 500), at.toISOString());
    this.options.onFailure?.(failure);
  }

  failures(channel: string, userId: string): DeliveryFailure[] {
    return this.selectFailures.all(channel, userId).map((r) => ({ channel: r.channel, userId: r.user_id, reason: r.reason, detail: r.detail, at: r.at }));
  }
}
