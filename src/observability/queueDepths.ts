import type { JobState, QueueDepths, QueueGauges, QueueLabel } from './metrics.js';

/** The counts behind the queue gauges, from whichever stores the service runs on. */
export interface QueueDepthSources {
  /** Ticket outbox rows not done and not dead (e.g. `tickets.pendingCount()`). */
  outboxPending: () => Promise<number>;
  /** Open handoffs by status (e.g. `handoffStore.countOpen()`). */
  handoffCounts: () => Promise<{ waiting: number; active: number }>;
}

/**
 * The queue gauges read through the stores' own async counts (both at once), on either database,
 * at each scrape, so they never drift from what is stored. A failing count rejects the whole read,
 * so the scrape shows NaN rather than a mix of fresh and missing values.
 *
 * @example new Metrics({ queueDepths: queueDepthsFrom({ outboxPending: () => tickets.pendingCount(), handoffCounts: () => handoffs.countOpen() }) })
 */
export function queueDepthsFrom(sources: QueueDepthSources): () => Promise<QueueDepths> {
  return async () => {
    const [outboxPending, handoffs] = await Promise.all([sources.outboxPending(), sources.handoffCounts()]);
    return { outboxPending, handoffsWaiting: handoffs.waiting, handoffsActive: handoffs.active };
  };
}

/** Where the dead-letter and job gauges come from; a source left out (no Redis) is not reported. */
export interface QueueGaugeSources {
  /** Dead outbox entries in the database (e.g. `tickets.deadCount()`), with or without Redis. */
  outboxDead: () => Promise<number>;
  /** BullMQ job counts of the send queue (REDIS_URL): its failed jobs are its dead letters. */
  sends?: { counts(): Promise<Record<JobState | 'failed', number>> };
  /** BullMQ job counts of the ticket outbox queue (REDIS_URL); its dead letters are counted in the database. */
  outbox?: { counts(): Promise<Record<JobState | 'failed', number>> };
}

/**
 * The `pln_dead_letters` and `pln_queue_jobs` gauges, each source read on its own: Redis being
 * away leaves the BullMQ numbers out (NaN) while the database's dead count is still reported.
 *
 * @example new Metrics({ queues: queueGaugesFrom({ outboxDead: () => tickets.deadCount(), sends, outbox }) })
 */
export function queueGaugesFrom(sources: QueueGaugeSources): () => Promise<QueueGauges> {
  const settle = <T>(read: (() => Promise<T>) | undefined) => (read ? read().catch(() => undefined) : Promise.resolve(undefined));
  return async () => {
    const [outboxDead, sends, outbox] = await Promise.all([settle(sources.outboxDead), settle(sources.sends && (() => sources.sends!.counts())), settle(sources.outbox && (() => sources.outbox!.counts()))]);
    const gauges: QueueGauges = {
      deadLetters: {},
      jobs: {},
      // Without Redis there is no send queue and no BullMQ job: nothing to export for them (not NaN).
      exists: {
        deadLetters: ['ticket_outbox', ...(sources.sends ? (['send'] as const) : [])],
        jobs: [...(sources.sends ? (['send'] as const) : []), ...(sources.outbox ? (['ticket_outbox'] as const) : [])],
      },
    };
    if (outboxDead !== undefined) gauges.deadLetters.ticket_outbox = outboxDead;
    if (sends) gauges.deadLetters.send = sends.failed;
    const jobs = (label: QueueLabel, counts: Record<JobState, number> | undefined) => {
      if (counts) gauges.jobs[label] = { waiting: counts.waiting, active: counts.active, delayed: counts.delayed };
    };
    jobs('send', sends);
    jobs('ticket_outbox', outbox);
    return gauges;
  };
}
