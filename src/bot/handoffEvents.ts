import { randomUUID } from 'node:crypto';
import { ActivityTypes, TurnContext, type Activity } from 'botbuilder';
import type { HandoffReason } from '../core/handoffReason.js';
import type { TranscriptEntry } from '../core/transcript.js';

/** The Bot Framework handoff protocol's event name (the Microsoft 365 Agents SDK keeps it). */
export const HANDOFF_INITIATE = 'handoff.initiate';

/** What a hub receives in `value`: why, and where the conversation is in this service's own queue. */
export interface HandoffContext {
  reason: HandoffReason;
  handoffId: number;
  position: number | null;
}

/**
 * The `handoff.initiate` event for a Bot Framework channel, shaped as the SDK's
 * EventFactory.createHandoffInitiation builds it (defined here so the shape outlives the archived
 * SDK): an agent hub in front of the bot (Omnichannel, LivePerson, ...) can route the
 * conversation with its transcript. The console at /agent gets the same conversation regardless.
 */
export function handoffInitiation(incoming: Partial<Activity>, context: HandoffContext, transcript: TranscriptEntry[]): Partial<Activity> {
  const user = incoming.from ?? { id: 'user', name: '' };
  const bot = incoming.recipient ?? { id: 'bot', name: '' };
  const activities: Array<Partial<Activity>> = transcript.map((entry) => ({
    type: ActivityTypes.Message,
    id: String(entry.id),
    timestamp: new Date(entry.at),
    from: entry.from === 'customer' ? { ...user, role: 'user' } : { ...bot, role: 'bot', ...(entry.officer ? { name: entry.officer } : {}) },
    conversation: incoming.conversation,
    text: entry.text,
  }));
  return {
    type: ActivityTypes.Event,
    name: HANDOFF_INITIATE,
    id: randomUUID(),
    timestamp: new Date(),
    ...(incoming.localTimezone ? { localTimezone: incoming.localTimezone } : {}),
    conversation: incoming.conversation,
    from: incoming.from,
    relatesTo: TurnContext.getConversationReference(incoming) as Activity['relatesTo'],
    replyToId: incoming.id,
    serviceUrl: incoming.serviceUrl,
    channelId: incoming.channelId,
    value: context,
    attachments: [{ contentType: 'application/json', name: 'Transcript', content: { activities } }],
  };
}
