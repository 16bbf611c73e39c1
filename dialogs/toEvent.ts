import { interpretCommand } from './commands.js';
import type { DialogEvent } from './events.js';

/** Turns a text message into the machine's event: cancel, officer and language are events of their own. */
export function eventFromText(text: string): DialogEvent {
  const command = interpretCommand(text);
  if (command?.kind === 'cancel') return { type: 'CANCEL' };
  if (command?.kind === 'officer') return { type: 'OFFICER' };
  if (command?.kind === 'language') return { type: 'LANGUAGE', locale: command.locale };
  return { type: 'USER', text, command };
}
