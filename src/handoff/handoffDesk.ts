import type { Activity } from 'botbuilder';
import type { ConversationContext } from '../../dialogs/conversation.machine.js';
import type { HandoffControlEvent } from '../../dialogs/events.js';
import type { Reply } from '../../dialogs/reply.js';
import type { ConversationRef, DialogEngine } from '../bot/dialogEngine.js';
import { toActivity } from '../bot/plnBot.js';
import { renderReply } from '../bot/renderReply.js';
import type { DeliveryOutcome, OutboundMessenger } from '../core/outbound.js';
import { t, type Locale } from '../i18n/messages.js';
import type { TicketService } from '../tickets/ticketService.js';
import type { FiledTicket, TicketView } from '../tickets/types.js';
import type { HandoffBus } from './handoffBus.js';
import { publishWaiting, recordBotLines } from './handoffGate.js';
import type { HandoffStore } from './handoffStore.js';
import type { Officer } from './officerStore.js';
import type { OutboundAttachment } from '../core/outbound.js';
import { readOfficerFile, type OfficerFileProblem, type OfficerFiles, type SentFile } from './officerFiles.js';
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
  /** Officers at the console now (enabled accounts with a live, recently used session). */
  onlineOfficers: () => Promise<Officer[]>;
  /** Where the files officers send are kept for a resend. */
  files: OfficerFiles;
  guess?: Guesser;
  botOfficerName: string;
  defaultLocale: Locale;
  now?: () => Date;
  /** A ticket was filed from the console (metrics). */
  onFiled?: () => void;
}

/** How many earlier stays and tickets the side panel lists. */
const HISTORY_ITEMS = 10;
/** The longest search text taken, and how many conversations a search returns. */
const SEARCH_MAX = 100;
const SEARCH_RESULTS = 30;

/** A customer's earlier stays with the officers and tickets, for the console's side panel. */
export interface CustomerHistory {
  handoffs: Array<Pick<Handoff, 'id' | 'status' | 'reason' | 'requestedAt' | 'closedAt' | 'outcome' | 'officer' | 'ticket'>>;
  tickets: Array<Pick<TicketView, 'serviceType' | 'catalogNumber' | 'status' | 'createdAt' | 'previousNumber'> & { number: string }>;
}

/** How many closed handoffs the console's "Selesai" list shows. */
const HISTORY_LIMIT = 50;

export type DeskError =
  | 'not_found'
  | 'already_taken'
  | 'not_holder'
  | 'already_filed'
  | 'not_failed'
  | 'officer_offline'
  | OfficerFileProblem
  | 'channel_refuses_file';

/** Which files each channel takes from an officer: WhatsApp and Messenger photos and PDFs, Instagram photos. */
const FILES_BY_CHANNEL: Record<string, ReadonlyArray<OutboundAttachment['mimeType']>> = {
  whatsapp: ['image/jpeg', 'image/png', 'application/pdf'],
  messenger: ['image/jpeg', 'image/png', 'application/pdf'],
  instagram: ['image/jpeg', 'image/png'],
};
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

  /** A handoff with its transcript and the customer's history: earlier stays with the officers and tickets. */
  async detail(id: number): Promise<{ handoff: HandoffSummary; transcript: TranscriptEntry[]; history: CustomerHistory } | null> {
    const { store, tickets } = this.options;
    const handoff = await store.byId(id);
    if (!handoff) return null;
    const [summary, transcript, stays, filed] = await Promise.all([
      this.summary(handoff),
      store.transcript(handoff.conversationKey),
      store.ofConversation(handoff.conversationKey, HISTORY_ITEMS + 1),
      tickets.ticketsOf(handoff.channel, handoff.conversationId),
    ]);
    const history: CustomerHistory = {
      handoffs: stays
        .filter((h) => h.id !== id)
        .slice(0, HISTORY_ITEMS)
        .map(({ id: stayId, status, reason, requestedAt, closedAt, outcome, officer, ticket }) => ({ id: stayId, status, reason, requestedAt, closedAt, outcome, officer, ticket })),
      tickets: filed.slice(0, HISTORY_ITEMS).map((t) => ({ number: t.number, serviceType: t.serviceType, catalogNumber: t.catalogNumber, status: t.status, createdAt: t.createdAt, previousNumber: t.previousNumber })),
    };
    return { handoff: summary, transcript, history };
  }

  /**
   * Conversations found by an ITSM number, a phone number, an email (through the tickets filed with
   * them), a WhatsApp number, or any text of the transcripts (names included), newest first.
   */
  async search(raw: string): Promise<HandoffSummary[]> {
    const query = raw.trim().slice(0, SEARCH_MAX);
    if (Array.from(query).length < 2) return [];
    const { store, tickets } = this.options;
    const found: TicketView[] = [];
    if (/^itsm-/i.test(query)) {
      const ticket = await tickets.get(query.toUpperCase());
      if (ticket) found.push(ticket);
    }
    if (query.includes('@')) found.push(...(await tickets.ticketsOfContact({ email: query })));
    const compact = query.replace(/[\s().+-]/g, '');
    let digits: string | undefined;
    if (/^\d{8,15}$/.test(compact)) {
      found.push(...(await tickets.ticketsOfContact({ phone: query })));
      // A WhatsApp conversation's id is the number in international form without "+".
      digits = compact.startsWith('0') ? `62${compact.slice(1)}` : compact;
    }
    const conversations = found.map((t) => ({ channel: t.channel, conversationId: t.conversationId }));
    const handoffs = await store.search({ conversations, ...(digits ? { digits } : {}), text: query }, SEARCH_RESULTS);
    return Promise.all(handoffs.map((h) => this.summary(h)));
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
    await publishWaiting(this.options);
    return { ok: true, value: summary };
  }

  /**
   * Sends the officer's message: recorded first as queued (the console shows it at once), then as
   * sent or failed with the channel's reason, each change shown live.
   */
  async reply(id: number, officer: Officer, text: string): Promise<DeskResult<{ entry: TranscriptEntry; delivery: DeliveryOutcome }>> {
    const handoff = await this.held(id, officer);
    if (!handoff.ok) return handoff;
    const { store, bus } = this.options;
    const entry = await store.append({ conversationKey: handoff.value.conversationKey, from: 'agent', text, officer: officer.username, delivery: 'queued' }, this.now());
    bus.publish({ type: 'transcript', entry });
    return { ok: true, value: await this.deliver(handoff.value, entry) };
  }

  /** Sends a failed message of this conversation again (one click in the console); refused unless it failed. */
  async resend(id: number, officer: Officer, entryId: number): Promise<DeskResult<{ entry: TranscriptEntry; delivery: DeliveryOutcome }>> {
    const handoff = await this.held(id, officer);
    if (!handoff.ok) return handoff;
    const { store, bus } = this.options;
    const entry = await store.entry(entryId);
    if (!entry || entry.conversationKey !== handoff.value.conversationKey || entry.from !== 'agent' || entry.note) return { ok: false, error: 'not_found' };
    if (entry.delivery !== 'failed') return { ok: false, error: 'not_failed' };
    // A file line goes again as the file, with its caption.
    const sent = await this.options.files.load(entry.id);
    const queued = await store.setDelivery(entry.id, 'queued', null);
    if (queued) bus.publish({ type: 'transcript', entry: queued });
    return { ok: true, value: await this.deliver(handoff.value, queued ?? entry, sent ?? undefined) };
  }

  /**
   * Sends the customer a photo or PDF (with an optional caption) on a channel that takes it; the
   * transcript shows it as the file's name and follows its delivery like a reply.
   */
  async sendFile(id: number, officer: Officer, bytes: Buffer, fileName: string, caption: string): Promise<DeskResult<{ entry: TranscriptEntry; delivery: DeliveryOutcome }>> {
    const handoff = await this.held(id, officer);
    if (!handoff.ok) return handoff;
    const file = await readOfficerFile(bytes, fileName);
    if (typeof file === 'string') return { ok: false, error: file };
    if (!(FILES_BY_CHANNEL[handoff.value.channel] ?? []).includes(file.mimeType)) return { ok: false, error: 'channel_refuses_file' };
    const { store, bus } = this.options;
    const sent = { file, caption: caption.trim() };
    const text = [`📎 ${file.fileName}`, sent.caption].filter(Boolean).join('\n');
    const entry = await store.append({ conversationKey: handoff.value.conversationKey, from: 'agent', text, officer: officer.username, delivery: 'queued' }, this.now());
    await this.options.files.save(entry.id, sent);
    bus.publish({ type: 'transcript', entry });
    return { ok: true, value: await this.deliver(handoff.value, entry, sent) };
  }

  /** A private note on the conversation, for officers only: recorded and shown live, never sent. */
  async note(id: number, officer: Officer, text: string): Promise<DeskResult<TranscriptEntry>> {
    const handoff = await this.options.store.byId(id);
    if (!handoff) return { ok: false, error: 'not_found' };
    const entry = await this.options.store.append({ conversationKey: handoff.conversationKey, from: 'agent', text, officer: officer.username, note: true }, this.now());
    this.options.bus.publish({ type: 'transcript', entry });
    return { ok: true, value: entry };
  }

  /** Officers at the console now, but `officer` (whom a conversation can be transferred to). */
  async colleagues(officer: Officer): Promise<Array<Pick<Officer, 'username' | 'displayName'>>> {
    return (await this.options.onlineOfficers()).filter((o) => o.username !== officer.username).map(({ username, displayName }) => ({ username, displayName }));
  }

  /**
   * Hands the conversation to another officer at the console: the customer is told who helps them
   * now, the officers see a note saying who transferred it, and both consoles follow live.
   */
  async transfer(id: number, officer: Officer, to: string): Promise<DeskResult<HandoffSummary>> {
    const { store, engine } = this.options;
    const found = await this.held(id, officer);
    if (!found.ok) return found;
    const target = (await this.options.onlineOfficers()).find((o) => o.username === to);
    if (!target || target.username === officer.username) return { ok: false, error: 'officer_offline' };
    const moved = await engine.exclusive(found.value.conversationKey, () => store.transfer(id, officer.username, target.username));
    if (!moved) return { ok: false, error: 'not_holder' };
    await engine.control(refOf(moved), { type: 'OFFICER_JOINED', officer: target.username });
    const locale = await this.localeOf(moved);
    const text = t(this.options.defaultLocale, 'agent.conversation.transferNote', { from: officer.displayName, to: target.displayName });
    const note = await store.append({ conversationKey: moved.conversationKey, from: 'agent', text, officer: officer.username, note: true }, this.now());
    this.options.bus.publish({ type: 'transcript', entry: note });
    await this.sayAsBot(moved, [{ key: 'officer.joined', vars: { officer: target.displayName } }], locale);
    return { ok: true, value: await this.publish(moved) };
  }

  /** Sends a recorded officer message and records what became of it. */
  private async deliver(handoff: Handoff, entry: TranscriptEntry, sent?: SentFile): Promise<{ entry: TranscriptEntry; delivery: DeliveryOutcome }> {
    const { store, bus, messenger } = this.options;
    const locale = await this.localeOf(handoff);
    let providerId: string | null = null;
    const delivery = await messenger.send(handoff, {
      activities: [sent ? { type: 'message', text: sent.caption, locale, channelData: { attachment: sent.file } } : { type: 'message', text: entry.text, locale }],
      byOfficer: true,
      onSent: (ids) => (providerId = ids.at(-1) ?? null),
    });
    const ok = delivery === 'sent' || delivery === 'template';
    const updated = (await store.setDelivery(entry.id, ok ? 'sent' : 'failed', ok ? null : delivery, providerId)) ?? entry;
    bus.publish({ type: 'transcript', entry: updated });
    return { entry: updated, delivery };
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
