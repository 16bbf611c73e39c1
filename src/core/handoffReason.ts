// The dialog decides it, the officers' desk queues it and the metrics count it by it.

/** Why a conversation goes to the officers' queue. */
export type HandoffReason = 'asked' | 'stuck' | 'urgent' | 'unplaced';
