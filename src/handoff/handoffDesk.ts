import type { Activity } from 'botbuilder';
import type { ConversationContext } from '../../dialogs/conversation.machine.js';
import type { HandoffControlEvent } from '../../dialogs/events.js';
import type { Reply } from '../../dialogs/reply.js';
import type { ConversationRef, DialogEngine } from '../bot/dialogEngine.js';
import { toActivity } from '../bot/plnBot.js';
import { renderReply } from '../bot/renderReply.js';
import type { DeliveryOutcome, OutboundMessenger } from '../core/outbound.js';
import type { Locale } from '../i18n/messages.js';
import type { TicketService } from '../tickets/ticketService.js';
import type { FiledTicket } from '../tickets/types.js';
import type { HandoffBus } from './handoffBus.js';
import { recordBotLines } from './handoffGate.js';
import type { HandoffStore } from './handoffStore.js';
import type { Officer } from './officerStore.js';
import { fileFromConsole, type ConsoleTicketInput, type ConsoleTicketResult } from './consoleTicket.js';
import { summarize, ticketOfHandoff, type Guesser } from './handoffSummary.js';
import type { Handoff, HandoffSummary, TranscriptEntry } from './types.js';

export interface HandoffDeskOptions {
  store: HandoffStore;
  engine: Pick<DialogEngine, 'control' | 'exclusive' | 'peek'>;
  /** Officers' replies and the bot's own words outside a turn. */
  messenger: OutboundMessenger;
  tickets: TicketService;
  bus: HandoffBus;
  /** Display names of officers, for the console (null when the account is gone). */
  officerName: (username: string) => Promise<string | null>;
  guess?: Guesser;
  botOfficerName: string;
  defaultLocale: Locale;
  now?: () => Date;
  /** A ticket was filed from the console (metrics). */
  onFiled?: () => void;
}

/** How many closed handoffs the console's "Selesai" list shows. */
const HISTORY_LIMIT = 50;

export type DeskError = 'not_found' | 'already_taken' | 'not_holder' | 'already_filed';
export type DeskResult<T> = { ok: true; value: T } | { ok: false; error: DeskError; officer?: string | null; ticket?: FiledTicket };

/**
 * What officers do in the console: take a conversation over, write to the customer, file the
 * ticket with the collected data, hand the conversation back to the bot, or close it. Every
 * operation checks who holds the conversation in the store, atomically, so two officers can
 * never act on the same one; every change is published for the consoles to follow live.
 */
export class HandoffDesk {
  private readonly now: () => Date;

  constructor(private readonly options: HandoffDeskOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Waiting and active handoffs, in queue order. */
  async list(): Promise<HandoffSummary[]> {
    return Promise.all((await this.options.store.listOpen()).map((h) => this.summary(h)));
  }

  /** The latest closed handoffs, newest first, and how many closed in the last 24 hours. */
  async history(limit = HISTORY_LIMIT): Promise<{ handoffs: HandoffSummary[]; closedCount: number }> {
    const since = new Date(this.now().getTime() - 24 * 3600_000);
    const closed = await this.options.store.listClosed(limit, since);
    return { handoffs: await Promise.all(closed.handoffs.map((h) => this.summary(h))), closedCount: closed.count };
  }

  async summary(handoff: Handoff): Promise<HandoffSummary> {
    const context = await this.contextOf(handoff);
    return summarize(handoff, context, {
      store: this.options.store,
      messenger: this.options.messenger,
      tickets: this.options.tickets,
      officerName: this.options.officerName,
      guess: this.options.guess,
      botOfficerName: this.options.botOfficerName,
      now: this.now(),
    });
  }

  async detail(id: number): Promise<{ handoff: HandoffSummary; transcript: TranscriptEntry[] } | null> {
    const handoff = await this.options.store.byId(id);
    if (!handoff) return null;
    const [summary, transcript] = await Promise.all([this.summary(handoff), this.options.store.transcript(handoff.conversationKey)]);
    return { handoff: summary, transcript };
  }

  async take(id: number, officer: Officer): Promise<DeskResult<HandoffSummary>> {
    const { store, engine } = this.options;
    const found = await store.byId(id);
    if (!found) return { ok: false, error: 'not_found' };
    // Between two of the customer's turns, so no turn is half-way when the officer arrives.
    const taken = await engine.exclusive(found.conversationKey, () => store.take(id, officer.username, this.now()));
    if (!taken) {
      const current = await store.byId(id);
      return { ok: false, error: 'already_taken', officer: current?.officer ? ((await this.options.officerName(current.officer)) ?? current.officer) : null };
    }
    await engine.control(refOf(taken), { type: 'OFFICER_JOINED', officer: officer.username });
    const locale = await this.localeOf(taken);
    await this.sayAsBot(taken, [{ key: 'officer.joined', vars: { officer: officer.displayName } }], locale);
    const summary = await this.publish(taken);
    // Everyone behind it moved up one place.
    for (const waiting of await store.listOpen()) if (waiting.status === 'waiting') this.options.bus.publish({ type: 'handoff', handoff: waiting });
    return { ok: true, value: summary };
  }

  async reply(id: number, officer: Officer, text: string): Promise<DeskResult<{ entry: TranscriptEntry; delivery: DeliveryOutcome }>> {
    const handoff = await this.held(id, officer);
    if (!handoff.ok) return handoff;
    const { store, bus, messenger } = this.options;
    const entry = await store.append({ conversationKey: handoff.value.conversationKey, from: 'agent', text, officer: officer.username }, this.now());
    bus.publish({ type: 'transcript', entry });
    const locale = await this.localeOf(handoff.value);
    const delivery = await messenger.send(handoff.value, { activities: [{ type: 'message', text, locale }], byOfficer: true });
    return { ok: true, value: { entry, delivery } };
  }

  /** Back to the bot, which resumes at the first question still open. */
  handBack(id: number, officer: Officer): Promise<DeskResult<HandoffSummary>> {
    return this.finish(id, officer, 'handedBack', { type: 'HANDED_BACK' });
  }

  close(id: number, officer: Officer): Promise<DeskResult<HandoffSummary>> {
    return this.finish(id, officer, 'closed', { type: 'HANDOFF_CLOSED' });
  }

  /** Files the ticket from the console, under the officer's name, with the data the officer checked. */
  async fileTicket(id: number, officer: Officer, input: ConsoleTicketInput): Promise<DeskResult<FiledTicket> | ConsoleTicketResult> {
    const handoff = await this.held(id, officer);
    if (!handoff.ok) return handoff;
    // One ticket per stay, whoever filed it, unless the officer files a follow-up linked to it.
    const earlier = await ticketOfHandoff(handoff.value, this.options.tickets);
    if (earlier && !input.followUp) return { ok: false, error: 'already_filed', ticket: { itsmNumber: earlier.number, apktNumber: earlier.apkt?.number ?? '' } };
    const context = await this.contextOf(handoff.value);
    const filed = await fileFromConsole(handoff.value, context, officer, input, earlier?.number ?? null, {
      store: this.options.store,
      tickets: this.options.tickets,
      botOfficerName: this.options.botOfficerName,
      locale: this.options.defaultLocale,
    });
    if (!filed.ok) return filed;
    this.options.onFiled?.();
    await this.options.store.recordTicket(id, filed.value);
    await this.options.engine.control(refOf(handoff.value), { type: 'FILED_BY_OFFICER', ticket: filed.value });
    const updated = await this.options.store.byId(id);
    if (updated) await this.publish(updated);
    return filed;
  }

  private async finish(id: number, officer: Officer, outcome: 'handedBack' | 'closed', event: HandoffControlEvent): Promise<DeskResult<HandoffSummary>> {
    const { store, engine } = this.options;
    const found = await store.byId(id);
    if (!found) return { ok: false, error: 'not_found' };
    const finished = await engine.exclusive(found.conversationKey, () => store.finish(id, officer.username, outcome, this.now()));
    if (!finished) return { ok: false, error: 'not_holder' };
    // The bot speaks again only now, after the store says the officer has let go.
    const result = await engine.control(refOf(finished), event);
    await this.send(finished, result.replies, result.locale);
    return { ok: true, value: await this.publish(finished) };
  }

  private async held(id: number, officer: Officer): Promise<DeskResult<Handoff>> {
    const handoff = await this.options.store.byId(id);
    if (!handoff) return { ok: false, error: 'not_found' };
    if (handoff.status !== 'active' || handoff.officer !== officer.username) return { ok: false, error: 'not_holder' };
    return { ok: true, value: handoff };
  }

  /** A message of the bot's own outside a turn: recorded in the transcript, then sent. */
  private async sayAsBot(handoff: Handoff, replies: Reply[], locale: Locale): Promise<void> {
    await recordBotLines(this.options, handoff.conversationKey, replies, locale, this.now());
    await this.send(handoff, replies, locale);
  }

  private async send(handoff: Handoff, replies: Reply[], locale: Locale): Promise<DeliveryOutcome | null> {
    if (replies.length === 0) return null;
    const activities: Array<Partial<Activity>> = replies.map((r) => ({ ...toActivity(renderReply(r, locale)), locale }));
    return this.options.messenger.send(handoff, { activities, byOfficer: false });
  }

  private async publish(handoff: Handoff): Promise<HandoffSummary> {
    this.options.bus.publish({ type: 'handoff', handoff });
    return this.summary(handoff);
  }

  private async contextOf(handoff: Handoff): Promise<ConversationContext | null> {
    return (await this.options.engine.peek(handoff.conversationKey))?.context ?? null;
  }

  private async localeOf(handoff: Handoff): Promise<Locale> {
    return (await this.contextOf(handoff))?.locale ?? this.options.defaultLocale;
  }
}

function refOf(handoff: Handoff): ConversationRef {
  return { conversationKey: handoff.conversationKey, channel: handoff.channel, conversationId: handoff.conversationId };
}
