import type { Act } from './understanding.js';
import { MAX_ATTEMPTS } from './application.js';
import type { ConversationContext } from './conversationContext.js';
import type { DialogEvent, TextInput } from './events.js';

const SUBMIT = /\b(kirim|send|submit)\b/i;

/** A text message as the bot hands it to the engine, which reads it (see eventFromAct). */
export function eventFromText(text: string): TextInput {
  return { type: 'TEXT', text };
}

/**
 * The machine's event for a text and what it was read as: cancelling, asking for an officer and
 * switching language are events of their own (handled the same way in every state); anything
 * else is USER with its act.
 */
export function eventFromAct(text: string, act: Act, context?: Pick<ConversationContext, 'misses' | 'offeredOfficerAt'>): DialogEvent {
  if (act.kind === 'navigation' && act.to === 'cancel') return { type: 'CANCEL' };
  if (act.kind === 'officer') return { type: 'OFFICER' };
  // Right after the third unusable answer the bot offered an officer or the menu instead of asking
  // again: "iya", "boleh", "mau" takes the offer (not "kirim", still the summary's own yes).
  const offered = context?.offeredOfficerAt !== undefined && context.offeredOfficerAt === context.misses && context.misses >= MAX_ATTEMPTS;
  if (act.kind === 'yes' && offered && !SUBMIT.test(text)) return { type: 'OFFICER' };
  // "no thanks" to that offer: the open question again.
  if ((act.kind === 'no' || act.kind === 'closing') && offered) return { type: 'USER', text, act: { kind: 'navigation', to: 'repeat' } };
  if (act.kind === 'language') return { type: 'LANGUAGE', locale: act.locale };
  return { type: 'USER', text, act };
}
