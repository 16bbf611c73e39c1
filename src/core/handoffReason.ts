// The dialog decides it, the officers' desk queues it and the metrics count it by it.

/** Why a conversation goes to the officers' queue. */
export type HandoffReason = 'asked' | 'stuck' | 'urgent' | 'unplaced';

/**
 * The queue's order before age (lower first): an account take-over or a data leak cannot wait
 * behind routine requests, and a customer the bot failed repeatedly has already waited through
 * its questions. Stored with the handoff (column `priority`), so the order is one index scan.
 */
export const HANDOFF_PRIORITY: Readonly<Record<HandoffReason, number>> = { urgent: 0, stuck: 1, asked: 2, unplaced: 2 };
