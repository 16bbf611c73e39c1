import { createActor, waitFor, type SnapshotFrom } from 'xstate';
import {
  CONVERSATION_MACHINE_VERSION,
  type ConversationMachine,
  type Locale,
} from '../../dialogs/conversation.machine.js';
import type { DialogEvent, SenderProfile } from '../../dialogs/events.js';
import type { Reply } from '../../dialogs/reply.js';
import type { ConversationStore } from '../storage/conversationStore.js';
import { KeyedQueue } from './keyedQueue.js';

export interface TurnInput {
  /** Unique per conversation across channels, e.g. "whatsapp:6281234567890". */
  conversationKey: string;
  channel: string;
  conversationId: string;
  /** The channel's message id; a message seen before is dropped. */
  messageId: string | null;
  event: DialogEvent;
  /** What the channel says about the sender, given to the machine before the event. */
  profile?: SenderProfile;
}

export interface TurnResult {
  replies: Reply[];
  locale: Locale;
  /** The message id was processed before: nothing was done and nothing should be sent. */
  duplicate: boolean;
  /** The state the conversation is in now, e.g. "application.asking.waiting" (for logs and tests). */
  state: string;
}

export interface DialogEngineOptions {
  store: ConversationStore;
  /** The conversation machine with its services provided (ticketing, photos). */
  machine: ConversationMachine;
  defaultLocale: Locale;
  /** How long a turn may wait for its services (ticket filing, photo download) before it fails. */
  turnTimeoutMs?: number;
}

type ConversationSnapshot = SnapshotFrom<ConversationMachine>;

/**
 * The core of a turn: (persisted state, event) -> (new state, replies). Loads the conversation's
 * snapshot, steps the machine until it is idle again (no ticket filing or photo download under
 * way), persists once, and returns the replies for the caller to send. Turns of one conversation
 * run one at a time; a failed turn persists nothing, so the conversation stays where it was.
 */
export class DialogEngine {
  private readonly queue = new KeyedQueue();
  private readonly turnTimeoutMs: number;

  constructor(private readonly options: DialogEngineOptions) {
    this.turnTimeoutMs = options.turnTimeoutMs ?? 60_000;
  }

  step(input: TurnInput): Promise<TurnResult> {
    return this.queue.run(input.conversationKey, () => this.runTurn(input));
  }

  /** The current state without stepping (for the agent console and tests). */
  async peek(conversationKey: string): Promise<ConversationSnapshot | null> {
    const stored = await this.options.store.load(conversationKey);
    if (!stored || stored.machineVersion !== CONVERSATION_MACHINE_VERSION) return null;
    return stored.snapshot as ConversationSnapshot;
  }

  private async runTurn(input: TurnInput): Promise<TurnResult> {
    const { store, machine, defaultLocale } = this.options;
    if (input.messageId && (await store.wasProcessed(input.messageId))) {
      return { replies: [], locale: defaultLocale, duplicate: true, state: '' };
    }
    const stored = await store.load(input.conversationKey);
    const restorable = stored && stored.machineVersion === CONVERSATION_MACHINE_VERSION;
    const actor = createActor(machine, {
      input: { channel: input.channel, conversationId: input.conversationId, locale: defaultLocale },
      ...(restorable ? { snapshot: stored.snapshot as ConversationSnapshot } : {}),
    });
    const replies: Reply[] = [];
    actor.on('reply', (e) => replies.push(e.reply));
    let failure: unknown = null;
    actor.subscribe({ error: (err) => (failure = err) });
    actor.start();
    try {
      if (input.profile) actor.send({ type: 'PROFILE', profile: input.profile });
      actor.send(input.event);
      const settled = await waitFor(actor, (s) => !s.hasTag('busy') || s.status !== 'active', { timeout: this.turnTimeoutMs });
      if (failure || settled.status === 'error') throw failure ?? new Error('conversation machine failed');
      await store.saveTurn(
        input.conversationKey,
        { machineVersion: CONVERSATION_MACHINE_VERSION, snapshot: actor.getPersistedSnapshot() },
        input.messageId,
      );
      return { replies, locale: settled.context.locale, duplicate: false, state: stateName(settled) };
    } finally {
      actor.stop();
    }
  }
}

function stateName(snapshot: ConversationSnapshot): string {
  const flatten = (value: unknown): string =>
    typeof value === 'string'
      ? value
      : Object.entries(value as Record<string, unknown>)
          .map(([k, v]) => `${k}.${flatten(v)}`)
          .join(',');
  return flatten(snapshot.value);
}
