import type { Act } from '../src/nlu/understanding/types.js';
import type { DialogEvent, TextInput } from './events.js';

/** A text message as the bot hands it to the engine, which reads it (see eventFromAct). */
export function eventFromText(text: string): TextInput {
  return { type: 'TEXT', text };
}

/**
 * The machine's event for a text and what it was read as: cancelling, asking for an officer and
 * switching language are events of their own (handled the same way in every state); anything
 * else is USER with its act.
 */
export function eventFromAct(text: string, act: Act): DialogEvent {
  if (act.kind === 'navigation' && act.to === 'cancel') return { type: 'CANCEL' };
  if (act.kind === 'officer') return { type: 'OFFICER' };
  if (act.kind === 'language') return { type: 'LANGUAGE', locale: act.locale };
  return { type: 'USER', text, act };
}
