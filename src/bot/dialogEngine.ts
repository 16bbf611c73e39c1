import { createActor, waitFor, type Actor, type SnapshotFrom } from 'xstate';
import {
  CONVERSATION_MACHINE_VERSION,
  type ConversationMachine,
  type Locale,
} from '../../dialogs/conversation.machine.js';
import type { HandoffControlEvent, HandoffReason, SenderProfile, TurnEvent } from '../../dialogs/events.js';
import { eventFromAct } from '../../dialogs/toEvent.js';
import type { OpenQuestion, Understanding } from '../../dialogs/understanding.js';
import type { Reply } from '../../dialogs/reply.js';
import type { TranscriptEntry, TranscriptInput } from '../core/transcript.js';
import type { ConversationStore, RawConversation, SaveTurnOutcome, StoredConversation, TurnWrite } from '../storage/conversationStore.js';
import { LOCALES } from '../i18n/messages.js';
import { KeyedQueue } from '../core/keyedQueue.js';
import type { TurnLock } from '../storage/redis/turnLock.js';

export interface TurnInput {
  /** Unique per conversation across channels, e.g. "whatsapp:6281234567890". */
  conversationKey: string;
  channel: string;
  conversationId: string;
  /** The channel's message id; a message seen before is dropped. */
  messageId: string | null;
  /** A text is read by the understanding step against the conversation's open question first. */
  event: TurnEvent;
  /** What the channel says about the sender, given to the machine before the event. */
  profile?: SenderProfile;
  /** The message as the customer wrote it, for the transcript the officers read. */
  text?: string;
  /**
   * The message is processed again after this or another instance stopped while handling it
   * (taken from the webhook inbox): when its turn was committed, the replies committed with it are
   * returned to be sent, since the stop may have come before they were.
   */
  recovered?: boolean;
}

export interface TurnResult {
  /** What to send; for a duplicate, empty, or the replies of its committed turn when `recovered` was asked. */
  replies: Reply[];
  locale: Locale;
  /** The message id was processed before: nothing was done and nothing should be sent. */
  duplicate: boolean;
  /** An officer holds the conversation: the message went to them and the bot says nothing. */
  held: boolean;
  /** The handoff this turn opened (or found open), for channels that announce it (Bot Framework `handoff.initiate`). */
  handoff: HandoffOpened | null;
  /** The state the conversation is in now, e.g. "application.asking.waiting" (for logs and tests). */
  state: string;
}

export interface HandoffRequest {
  reason: HandoffReason;
  formInProgress: boolean;
}

export interface HandoffOpened {
  id: number;
  reason: HandoffReason;
  created: boolean;
}

/** The conversation a control event is for (a conversation the customer started earlier). */
export type ConversationRef = Pick<TurnInput, 'conversationKey' | 'channel' | 'conversationId'>;

/**
 * What the engine asks of the officers' side (src/handoff) on every turn. The check that an
 * officer holds the conversation happens here, inside the conversation's turn queue, before the
 * machine is stepped: so the bot cannot talk over an officer, whatever arrives. The transcript
 * lines the hooks make are committed by the engine with the turn (one transaction).
 */
export interface HandoffHooks {
  /**
   * `held` when an officer holds the conversation; `line` is the customer's message for the
   * transcript. `held` is what the engine read with the turn's state (one statement), when it did.
   */
  inbound(turn: TurnInput, locale: Locale, held?: boolean): Promise<{ held: boolean; line: TranscriptInput }>;
  /** Opens the handoff the machine asked for; the replies tell the customer where they stand. */
  open(turn: ConversationRef, request: HandoffRequest, locale: Locale): Promise<{ replies: Reply[]; opened: HandoffOpened }>;
  /** What the bot said, as transcript lines. */
  botLines(conversationKey: string, replies: Reply[], locale: Locale): TranscriptInput[];
  /** Told the lines committed with a turn (to show them to the officers); must not throw. */
  recorded(conversationKey: string, entries: TranscriptEntry[]): Promise<void>;
  /** The time the turn's lines carry. */
  now(): Date;
}

export interface DialogEngineOptions {
  store: ConversationStore;
  /** The conversation machine with its services provided (ticketing, photos). */
  machine: ConversationMachine;
  defaultLocale: Locale;
  /** How long a turn may wait for its services (ticket filing, photo download) before it fails. */
  turnTimeoutMs?: number;
  /** The officers' queue; without it (unit tests of the dialog) handoff requests are only returned. */
  handoffs?: HandoffHooks;
  /** Serialises a conversation's turns: in this process by default, across instances with Redis. */
  lock?: TurnLock;
  /** Reads every text against what the conversation waits for, before the machine consumes it. */
  understanding: Understanding;
  /** How many conversations' actors are kept running between turns (see LiveActors); default 256, 0 for none. */
  liveActors?: number;
}

/** What a conversation waits for before its first message. */
const OPENING: OpenQuestion = { kind: 'menu' };

type ConversationSnapshot = SnapshotFrom<ConversationMachine>;
type ConversationActor = Actor<ConversationMachine>;
/** An actor for a turn: a kept one runs already; a new one is started once the turn listens to it. */
interface Resumed {
  actor: ConversationActor;
  started: boolean;
}

/**
 * The actors of recently active conversations, kept running between their turns, each with the
 * JSON text of the state it was last committed with. A turn still loads the stored state (a
 * single-row read by key), but when the stored text is exactly the one its kept actor committed,
 * the actor goes on from where it is instead of being made again from the parsed snapshot (about
 * a tenth of a turn's CPU: parse, createActor, restore, start, stop). Any other text (another
 * instance or an older version wrote it) and the actor is made from the store as before: the
 * store stays the truth. An actor is kept only after its turn committed; a failed or duplicate
 * turn stops it. Least recently used first out.
 */
class LiveActors {
  private readonly actors = new Map<string, { actor: ConversationActor; json: string }>();

  constructor(private readonly max: number) {}

  /** The kept actor, if the stored state is exactly what it last committed (it is taken out: put it back after the turn). */
  take(conversationKey: string, stored: RawConversation | null): ConversationActor | undefined {
    const live = this.actors.get(conversationKey);
    if (!live) return undefined;
    this.actors.delete(conversationKey);
    if (stored && stored.machineVersion === CONVERSATION_MACHINE_VERSION && stored.json === live.json) return live.actor;
    live.actor.stop();
    return undefined;
  }

  keep(conversationKey: string, actor: ConversationActor, json: string): void {
    if (this.max <= 0) return void actor.stop();
    this.actors.set(conversationKey, { actor, json });
    if (this.actors.size > this.max) {
      const [oldest, { actor: old }] = this.actors.entries().next().value as [string, { actor: ConversationActor }];
      this.actors.delete(oldest);
      old.stop();
    }
  }
}

/**
 * The core of a turn: (persisted state, event) -> (new state, replies). Loads the conversation's
 * snapshot, steps the machine until it is idle again (no ticket filing or photo download under
 * way), persists once, and returns the replies for the caller to send. Turns of one conversation
 * run one at a time; a failed turn persists no state, so the conversation stays where it was
 * (with officers' hooks, its message and the apology are still recorded: recordFailedTurn).
 */
export class DialogEngine {
  private readonly queue: TurnLock;
  private readonly turnTimeoutMs: number;
  private readonly live: LiveActors;

  constructor(private readonly options: DialogEngineOptions) {
    this.turnTimeoutMs = options.turnTimeoutMs ?? 60_000;
    this.queue = options.lock ?? new KeyedQueue();
    this.live = new LiveActors(options.liveActors ?? 256);
  }

  step(input: TurnInput): Promise<TurnResult> {
    return this.queue.run(input.conversationKey, () => this.runTurn(input));
  }

  /**
   * Steps the conversation with an event from the officers' side (taken over, handed back,
   * closed, ticket filed), whether or not an officer holds it. Returns what the bot says.
   */
  control(ref: ConversationRef, event: HandoffControlEvent): Promise<TurnResult> {
    return this.queue.run(ref.conversationKey, () => this.advance({ ...ref, messageId: null, event }));
  }

  /** Runs `work` between the conversation's turns (e.g. an officer taking it over), never during one. */
  exclusive<T>(conversationKey: string, work: () => Promise<T>): Promise<T> {
    return this.queue.run(conversationKey, work);
  }

  /** The current state without stepping (for the agent console and tests). */
  async peek(conversationKey: string): Promise<ConversationSnapshot | null> {
    return restorable(await this.options.store.load(conversationKey));
  }

  private async runTurn(input: TurnInput): Promise<TurnResult> {
    const { store, defaultLocale, handoffs } = this.options;
    // Read once per turn: whether the message was handled before, and the state (the locale for the transcript and the state to step come from it).
    const loaded = await store.loadTurn(input.messageId, input.conversationKey);
    if (input.messageId && loaded.processed) {
      const earlier = input.recovered ? await store.repliesOf(input.messageId) : null;
      const locale = earlier && isLocale(earlier.locale) ? earlier.locale : defaultLocale;
      return { ...duplicate(locale), replies: (earlier?.replies ?? []) as Reply[] };
    }
    const resumed = this.resume(input, loaded.state);
    if (!handoffs) return this.advance(input, resumed);
    const locale = resumed.actor.getSnapshot().context.locale ?? defaultLocale;
    const { held, line } = await handoffs.inbound(input, locale, loaded.held).catch((err: unknown) => {
      resumed.actor.stop();
      throw err;
    });
    if (!held) {
      try {
        return await this.advance(input, resumed, line);
      } catch (err) {
        if ((await this.recordFailedTurn(input, line, locale)) === 'duplicate') return duplicate(locale);
        throw new TurnFailed(locale, err);
      }
    }
    // The message is the officer's: recorded as processed with its transcript line, state untouched.
    resumed.actor.stop();
    if ((await this.commit({ conversationKey: input.conversationKey, state: null, messageId: input.messageId, transcript: [line] })) === 'duplicate') return duplicate(locale);
    return { replies: [], locale, duplicate: false, held: true, handoff: null, state: 'withOfficer' };
  }

  /**
   * Steps the machine until it is idle again, opens any handoff it asked for, and commits the new
   * state, the message id and the transcript lines (`inbound`, the customer's, and the replies) at once.
   */
  private async advance(input: TurnInput, resumed?: Resumed, inbound?: TranscriptInput): Promise<TurnResult> {
    const { store, handoffs } = this.options;
    const { actor, started } = resumed ?? this.resume(input, (await store.loadTurn(null, input.conversationKey)).state);
    // Replies and handoff requests, in the order the machine made them.
    const said: Array<Reply | HandoffRequest> = [];
    let failure: unknown = null;
    const listeners = [
      actor.on('reply', (e) => said.push(e.reply)),
      actor.on('handoff', (e) => said.push({ reason: e.reason, formInProgress: e.formInProgress })),
      actor.subscribe({ error: (err) => (failure = err) }),
    ];
    let kept: string | null = null;
    try {
      if (!started) actor.start();
      if (input.profile) actor.send({ type: 'PROFILE', profile: input.profile });
      const event = input.event;
      if (event.type === 'TEXT') {
        const context = actor.getSnapshot().context;
        actor.send(eventFromAct(event.text, await this.options.understanding.understand(event.text, context.open ?? OPENING), context));
      } else {
        actor.send(event);
      }
      const settled = await waitFor(actor, (s) => !s.hasTag('busy') || s.status !== 'active', { timeout: this.turnTimeoutMs });
      if (failure || settled.status === 'error') throw failure ?? new Error('conversation machine failed');
      const locale = settled.context.locale;
      const replies: Reply[] = [];
      let handoff: HandoffOpened | null = null;
      for (const item of said) {
        if ('key' in item) replies.push(item);
        else if (handoffs) {
          const result = await handoffs.open(input, item, locale);
          replies.push(...result.replies);
          handoff = result.opened;
        }
      }
      const transcript = handoffs ? [...(inbound ? [inbound] : []), ...handoffs.botLines(input.conversationKey, replies, locale)] : [];
      const snapshot = actor.getPersistedSnapshot();
      const json = JSON.stringify(snapshot);
      const outcome = await this.commit({
        conversationKey: input.conversationKey,
        state: { machineVersion: CONVERSATION_MACHINE_VERSION, snapshot, json },
        messageId: input.messageId,
        transcript,
        replies: { locale, replies },
      });
      // Another instance handled the same redelivered message meanwhile: its turn stands, and this
      // one says nothing (the handoff, if any, was opened idempotently and is the same one).
      if (outcome === 'duplicate') return { ...duplicate(locale), state: stateName(settled) };
      kept = json;
      return { replies, locale, duplicate: false, held: false, handoff, state: stateName(settled) };
    } finally {
      for (const listener of listeners) listener.unsubscribe();
      if (kept !== null) this.live.keep(input.conversationKey, actor, kept);
      else actor.stop();
    }
  }

  /** The conversation's actor: the kept one when the stored state is what it committed, else one made (not started) from the stored state. */
  private resume(input: ConversationRef, stored: RawConversation | null): Resumed {
    const kept = this.live.take(input.conversationKey, stored);
    if (kept) return { actor: kept, started: true };
    const snapshot = restorable(stored && { machineVersion: stored.machineVersion, snapshot: JSON.parse(stored.json) as unknown });
    const actor = createActor(this.options.machine, {
      input: { channel: input.channel, conversationId: input.conversationId, locale: this.options.defaultLocale },
      ...(snapshot ? { snapshot } : {}),
    });
    return { actor, started: false };
  }

  /**
   * A failed turn leaves the state where it was, but the officers still see what the customer
   * wrote and the apology they got: both lines are committed with the message id (a redelivery
   * is not answered twice, an interrupted send gets the apology again). Best effort: when the
   * store itself is what failed, there is nothing more to record.
   */
  private async recordFailedTurn(input: TurnInput, inbound: TranscriptInput, locale: Locale): Promise<SaveTurnOutcome | 'lost'> {
    const replies = [APOLOGY];
    const lines = [inbound, ...this.options.handoffs!.botLines(input.conversationKey, replies, locale)];
    return this.commit({ conversationKey: input.conversationKey, state: null, messageId: input.messageId, transcript: lines, replies: { locale, replies } }).catch(() => 'lost' as const);
  }

  /**
   * Commits a turn (its lines stamped with the hooks' clock) and, unless another instance
   * committed the same message first, shows its lines to the officers. Showing them is best effort:
   * the turn stands whatever happens there (the consoles reload the transcript on their next event).
   */
  private async commit(turn: TurnWrite): Promise<SaveTurnOutcome> {
    const { store, handoffs } = this.options;
    const committed = await store.commitTurn(handoffs ? { ...turn, at: handoffs.now() } : turn);
    if (committed.outcome !== 'duplicate' && handoffs && committed.transcript.length > 0) {
      await handoffs.recorded(turn.conversationKey, committed.transcript).catch(() => undefined);
    }
    return committed.outcome;
  }
}

/** What the customer is told when their turn fails (src/bot/plnBot.ts sends it). */
export const APOLOGY: Reply = { key: 'common.error' };

/**
 * A turn that failed: nothing of it was applied. `locale` is the conversation's language, for the
 * apology; `cause` is what failed.
 */
export class TurnFailed extends Error {
  constructor(
    readonly locale: Locale,
    cause: unknown,
  ) {
    super('the turn failed', { cause });
    this.name = 'TurnFailed';
  }
}

/** The result of a message another turn already handled: nothing to send. */
const duplicate = (locale: Locale): TurnResult => ({ replies: [], locale, duplicate: true, held: false, handoff: null, state: '' });

const isLocale = (value: string): value is Locale => (LOCALES as readonly string[]).includes(value);

/** The stored snapshot, if this version of the machine can resume it. */
function restorable(stored: StoredConversation | null): ConversationSnapshot | null {
  return stored && stored.machineVersion === CONVERSATION_MACHINE_VERSION ? (stored.snapshot as ConversationSnapshot) : null;
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
