import type { SqliteDatabase } from '../storage/sqlite.js';
import type { QueueDepths } from './metrics.js';

/** The counts behind the queue gauges, from whichever stores the service runs on. */
export interface QueueDepthSources {
  /** Ticket outbox rows not done (e.g. `tickets.pendingCount()`). */
  outboxPending: () => Promise<number>;
  /** Open handoffs by status (e.g. `handoffStore.countOpen()`). */
  handoffCounts: () => Promise<{ waiting: number; active: number }>;
}

/**
 * The queue gauges read through the stores' own async counts (both at once), for stores that are
 * not on one SQLite database, e.g. PostgreSQL. A failing count rejects the whole read, so the
 * scrape shows NaN rather than a mix of fresh and missing values.
 *
 * @example new Metrics({ queueDepths: queueDepthsFrom({ outboxPending: () => tickets.pendingCount(), handoffCounts: () => handoffs.countOpen() }) })
 */
export function queueDepthsFrom(sources: QueueDepthSources): () => Promise<QueueDepths> {
  return async () => {
    const [outboxPending, handoffs] = await Promise.all([sources.outboxPending(), sources.handoffCounts()]);
    return { outboxPending, handoffsWaiting: handoffs.waiting, handoffsActive: handoffs.active };
  };
}

/**
 * Reads the queue gauges straight from the tables on each scrape (a few indexed COUNTs), so they
 * can never drift from what is stored. Statements are prepared on first use, after the stores
 * that own `ticket_outbox` and `handoffs` have created them.
 *
 * @example new Metrics({ queueDepths: sqliteQueueDepths(db) })
 */
export function sqliteQueueDepths(db: SqliteDatabase): () => QueueDepths {
  let statements: { outbox: ReturnType<typeof prepareOutbox>; handoffs: ReturnType<typeof prepareHandoffs> } | undefined;
  return () => {
    statements ??= { outbox: prepareOutbox(db), handoffs: prepareHandoffs(db) };
    const outboxPending = statements.outbox.get()?.n ?? 0;
    let handoffsWaiting = 0;
    let handoffsActive = 0;
    for (const row of statements.handoffs.all()) {
      if (row.status === 'waiting') handoffsWaiting = row.n;
      else if (row.status === 'active') handoffsActive = row.n;
    }
    return { outboxPending, handoffsWaiting, handoffsActive };
  };
}

function prepareOutbox(db: SqliteDatabase) {
  return db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM ticket_outbox WHERE state <> 'done'");
}

function prepareHandoffs(db: SqliteDatabase) {
  return db.prepare<[], { status: string; n: number }>("SELECT status, COUNT(*) AS n FROM handoffs WHERE status IN ('waiting', 'active') GROUP BY status");
}
