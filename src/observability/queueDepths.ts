import type { SqliteDatabase } from '../storage/sqlite.js';
import type { QueueDepths } from './metrics.js';

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
