import type { DialogEvent } from '../../dialogs/events.js';
import type { Reply } from '../../dialogs/reply.js';
import type { ConversationRef, HandoffHooks, HandoffOpened, HandoffRequest, TurnInput } from '../bot/dialogEngine.js';
import { renderReply } from '../bot/renderReply.js';
import { t, type Locale } from '../i18n/messages.js';
import type { PhotoPipeline } from '../media/index.js';
import type { HandoffMetrics } from '../observability/metrics.js';
import type { PhotoRef, TranscriptInput } from '../core/transcript.js';
import type { DeliveryReceipt } from '../core/outbound.js';
import { HANDOFF_PRIORITY } from '../core/handoffReason.js';
import type { HandoffBus } from './handoffBus.js';
import type { HandoffStore } from './handoffStore.js';
import type { HandoffReason, TranscriptEntry } from './types.js';
import type { WorkingHours } from '../core/workingHours.js';
import type { DateClock } from '../core/clock.js';

export interface HandoffGateOptions {
  store: HandoffStore;
  bus: HandoffBus;
  hours: WorkingHours;
  /** Stores photos a customer sends while an officer holds the conversation, for the officer to see. */
  photos?: Pick<PhotoPipeline, 'ingest'>;
  now?: DateClock;
  /** Counts the handoffs opened (a repeated request for an open one is not counted). */
  metrics?: HandoffMetrics;
}

const QUEUED_KEY: Record<HandoffReason, string> = {
  asked: 'officer.queued',
  stuck: 'officer.queuedStuck',
  unplaced: 'officer.queuedUnplaced',
  urgent: 'officer.queuedUrgent',
};

/**
 * The engine's side of the handoff (see HandoffHooks): turns every customer and bot message into
 * a transcript line (the engine commits them with the turn) and shows the committed lines to the
 * consoles, tells the engine when an officer holds the conversation (the bot then stays silent),
 * and opens handoffs the dialog asks for with the customer's place in the queue and, outside
 * working hours, when officers are back.
 */
export class HandoffGate implements HandoffHooks {
  private readonly clock: () => Date;
  /** Conversations whose handoff was opened (or moved up: true) in a turn not yet recorded. */
  private readonly announce = new Map<string, boolean>();

  constructor(private readonly options: HandoffGateOptions) {
    this.clock = options.now ?? (() => new Date());
  }

  now(): Date {
    return this.clock();
  }

  async inbound(turn: TurnInput, locale: Locale, known?: boolean): Promise<{ held: boolean; line: TranscriptInput }> {
    const held = known ?? (await this.options.store.openOf(turn.conversationKey))?.status === 'active';
    const photo = held && turn.event.type === 'PHOTO' ? await this.keepPhoto(turn.event) : undefined;
    const text = photo === null ? t(locale, 'officer.photoRefused') : describeInbound(turn, locale);
    return { held, line: { conversationKey: turn.conversationKey, from: 'customer', text, officer: null, photo: photo ?? null } };
  }

  async open(turn: ConversationRef, request: HandoffRequest, locale: Locale): Promise<{ replies: Reply[]; opened: HandoffOpened }> {
    const { store, hours } = this.options;
    const now = this.clock();
    const { handoff, created } = await store.open({ conversationKey: turn.conversationKey, channel: turn.channel, conversationId: turn.conversationId, reason: request.reason }, now);
    const position = (await store.position(handoff)) ?? 1;
    const replies: Reply[] = [{ key: created ? QUEUED_KEY[request.reason] : 'officer.stillQueued', vars: { position } }];
    if (!hours.isOpen(now)) {
      const next = hours.nextOpening(now);
      if (next) replies.push({ key: 'officer.outsideHours', vars: { hours: hours.describe(locale), next: hours.formatMoment(next, locale) } });
    }
    if (request.formInProgress) replies.push({ key: 'officer.continueForm' });
    if (created) this.options.metrics?.handoffOpened(handoff.reason);
    // Ahead of others (urgent, stuck; new, or moved up by this request): everyone behind it moves down a place.
    const ahead = handoff.status === 'waiting' && handoff.priority < HANDOFF_PRIORITY.asked && handoff.reason === request.reason;
    // Shown to the consoles once the turn is committed (recorded), so what they are shown has the
    // turn in it: the customer's name from this very message, the last line.
    if (created || ahead) this.announce.set(turn.conversationKey, ahead || (this.announce.get(turn.conversationKey) ?? false));
    return { replies, opened: { id: handoff.id, reason: handoff.reason, created } };
  }

  botLines(conversationKey: string, replies: Reply[], locale: Locale): TranscriptInput[] {
    return replies.map((reply) => botLine(conversationKey, reply, locale));
  }

  async recorded(conversationKey: string, entries: TranscriptEntry[]): Promise<void> {
    const { store, bus } = this.options;
    for (const entry of entries) bus.publish({ type: 'transcript', entry });
    const announced = this.announce.get(conversationKey);
    this.announce.delete(conversationKey);
    // A handoff opened (or moved up) in this turn; or a new photo, which changes the thumbnail beside the transcript.
    if (announced === undefined && !entries.some((e) => e.attachment)) return;
    const open = await store.openOf(conversationKey);
    if (open) bus.publish({ type: 'handoff', handoff: open });
    // Ahead of others: everyone behind it moved down a place.
    if (announced) await publishWaiting(this.options, open?.id);
  }

  /** The photo stored for the officer; null when it is not a readable photo. */
  private async keepPhoto(event: Extract<DialogEvent, { type: 'PHOTO' }>): Promise<PhotoRef | null | undefined> {
    if (!this.options.photos) return undefined;
    try {
      const stored = await this.options.photos.ingest(event.source);
      return { sha256: stored.sha256, bytes: stored.bytes, width: stored.width, height: stored.height, mimeType: stored.mimeType, fileName: stored.fileName };
    } catch {
      return null;
    }
  }
}

/** Shows the consoles every waiting handoff again (but `except`): their places in the queue changed. */
export async function publishWaiting(deps: Pick<HandoffGateOptions, 'store' | 'bus'>, except?: number): Promise<void> {
  for (const waiting of await deps.store.listOpen()) if (waiting.status === 'waiting' && waiting.id !== except) deps.bus.publish({ type: 'handoff', handoff: waiting });
}

/**
 * What a channel's status webhooks say of officers' messages (delivered, read, failed), recorded
 * on their transcript lines and shown live; receipts of other messages (the bot's) change nothing.
 */
export async function applyReceipts(deps: Pick<HandoffGateOptions, 'store' | 'bus'>, receipts: DeliveryReceipt[]): Promise<void> {
  for (const r of receipts) {
    if (r.status === 'sent') continue; // what the send's own answer already recorded
    const entry = await deps.store.receipt(r.messageId, r.status, r.error ?? null);
    if (entry) deps.bus.publish({ type: 'transcript', entry });
  }
}

/** Writes what the bot says to the transcript, as the customer reads it, and tells the consoles. */
export async function recordBotLines(
  deps: Pick<HandoffGateOptions, 'store' | 'bus'>,
  conversationKey: string,
  replies: Reply[],
  locale: Locale,
  at: Date,
): Promise<void> {
  for (const reply of replies) {
    const entry = await deps.store.append(botLine(conversationKey, reply, locale), at);
    deps.bus.publish({ type: 'transcript', entry });
  }
}

/** A reply as the transcript shows it: as the customer reads it, with the buttons it offered. */
function botLine(conversationKey: string, reply: Reply, locale: Locale): TranscriptInput {
  const { text, choices } = renderReply(reply, locale);
  return { conversationKey, from: 'bot', text, officer: null, choices: choices.map((c) => c.title) };
}

/** What the transcript shows for a message: the text as written, or a placeholder for a photo or a sticker. */
function describeInbound(turn: TurnInput, locale: Locale): string {
  const event = turn.event;
  if (event.type === 'PHOTO') return t(locale, 'officer.photoPlaceholder');
  if (event.type === 'UNSUPPORTED') return t(locale, 'officer.unsupportedPlaceholder', { what: event.what });
  if (turn.text !== undefined && turn.text.trim() !== '') return turn.text;
  return event.type === 'USER' ? event.text : event.type.toLowerCase();
}
