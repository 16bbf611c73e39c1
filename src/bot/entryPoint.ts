import type { TurnContext } from 'botbuilder';
import { botFrameworkChannel } from '../core/conversationChannel.js';
import type { PhotoInput, SenderProfile } from '../../dialogs/events.js';
import type { FieldKey } from '../../dialogs/fields/index.js';

/**
 * Which door a turn came in by, told by the adapter that runs it (in the turn state, where no
 * client can write) and never read from the activity: every field of a Bot Framework activity,
 * `channelId`, `serviceUrl` and `channelData` included, is whatever its sender wrote.
 */
export type EntryPoint = BotFrameworkEntry | MetaEntry;

/** The Bot Framework endpoint (`/api/messages`): the channel id and conversation id are the client's. */
export interface BotFrameworkEntry {
  kind: 'botFramework';
}

/** A message of a Meta webhook (signed by Meta), with what its adapter knows beside the activity. */
export interface MetaEntry {
  kind: 'meta';
  /** The Meta channel whose webhook delivered the message: the adapter's own name for itself. */
  channel: string;
  /** The photo or file, downloaded from Meta only if the dialog wants it. */
  photoSource?: PhotoInput;
  /** A kind of message the bot cannot use (sticker, audio, location, ...). */
  unsupported?: string;
  /** Who Meta says the sender is (WhatsApp: profile name and number, the number proving who they are). */
  profile?: SenderProfile;
  /** Processed again from the webhook inbox after an interruption (the committed turn's replies are sent again). */
  recovered?: boolean;
  /** A form's answer (WhatsApp Flow): the nonce of its verified token (null: not valid for this sender), and the fields. */
  form?: { nonce: string | null; answers: Partial<Record<FieldKey, string>> };
}

export const BOT_FRAMEWORK: BotFrameworkEntry = { kind: 'botFramework' };

const ENTRY_POINT = Symbol('pln123.entryPoint');

/** Marks the turn with the door it came in by; the adapter that built the turn calls it before running the bot. */
export function enterTurn(context: TurnContext, entry: EntryPoint): void {
  context.turnState.set(ENTRY_POINT, entry);
}

/** The door the turn came in by; unmarked turns are Bot Framework turns, the door that proves the least. */
export function entryPointOf(context: TurnContext): EntryPoint {
  return (context.turnState.get(ENTRY_POINT) as EntryPoint | undefined) ?? BOT_FRAMEWORK;
}

/** The conversation's channel as stored with it (see src/core/conversationChannel.ts). */
export function conversationChannelOf(entry: EntryPoint, channelId: string): string {
  return entry.kind === 'meta' ? entry.channel : botFrameworkChannel(channelId);
}
