import type { HandoffEvent } from '../../src/handoff/types.js';

/** A small, valid handoff event for bus tests. */
export function handoffEvent(id: number): HandoffEvent {
  return {
    type: 'handoff',
    handoff: {
      id,
      conversationKey: `whatsapp:62811${id}`,
      channel: 'whatsapp',
      conversationId: `62811${id}`,
      status: 'waiting',
      reason: 'asked',
      priority: 2,
      officer: null,
      requestedAt: '2025-01-01T00:00:00.000Z',
      takenAt: null,
      closedAt: null,
      outcome: null,
      ticket: null,
    },
  };
}

export function handoffIds(events: HandoffEvent[]): number[] {
  return events.map((event) => (event.type === 'handoff' ? event.handoff.id : -1)).sort((a, b) => a - b);
}
