import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { SenderProfile } from '../../../dialogs/events.js';
import { enterTurn, type MetaEntry } from '../../bot/entryPoint.js';
import { KeyedQueue } from '../../core/keyedQueue.js';
import { pseudonym, type Logger } from '../../log.js';
import type { ContactWindowStore, DeliveryFailure } from '../../storage/contactWindowStore.js';
import type { SendLedger, SendOutcome } from '../../storage/sendLedger.js';
import { deliveryFailureReason, GraphApiError } from './graphErrors.js';
import type { InboundMessage, MediaRef, MetaChannel, OutboundReply } from './types.js';
import { formTranscriptText } from '../whatsapp/flows/flowReply.js';

/** The 24-hour customer-service window; the human-agent tag extends it to 7 days on Messenger/Instagram. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface SendOptions {
  humanAgent: boolean;
  /**
   * A stable id for this reply (e.g. `<inbound message id>:<reply index>`), given by the engine:
   * a reply with an id the send ledger knows as attempted is not sent again (nor a queued send
   * with an id already sent within the hour).
   */
  dedupeId?: string;
}

/** A channel's way out: render one reply to Graph API calls and send them, in order. */
export interface ChannelOutbound {
  send(userId: string, reply: OutboundReply, options: SendOptions): Promise<string[]>;
  /** Whether the channel may send a human officer's text with the human-agent tag (7 days). */
  readonly supportsHumanAgentTag: boolean;
}

/**
 * Where an adapter's sends go instead of straight to Graph (the send queue, src/channels/meta/sendQueue.ts).
 * `send` resolves once the reply is handed over (queued, or sent), or with `awaitDelivery` once it
 * is delivered (and rejects as an inline send would when it is not); `idle` once what was handed
 * over is done.
 */
export interface SendRoute {
  send(adapter: MetaAdapter, userId: string, reply: OutboundReply, options: SendOptions & { awaitDelivery: boolean }): Promise<string[]>;
  idle(): Promise<void>;
}

/** Fetches inbound media; must throw PhotoError codes (tooLarge, downloadFailed); `signal`: the turn gave up on it. */
export type MediaFetcher = (media: MediaRef, maxBytes: number, signal?: AbortSignal) => Promise<Buffer>;

/** Where a Meta user is reached outside a turn: the user id is the conversation (see continueConversation). */
export function metaReference(channel: MetaChannel, userId: string): Partial<ConversationReference> {
  return {
    conversation: { id: userId, isGroup: false, conversationType: 'personal', name: '' },
    channelId: channel,
    serviceUrl: `meta://${channel}`,
  };
}

export class WindowClosedError extends Error {
  constructor(readonly channel: MetaChannel) {
    super(`The ${channel} customer-service window is closed`);
    this.name = 'WindowClosedError';
  }
}

export interface MetaAdapterOptions {
  channel: MetaChannel;
  outbound: ChannelOutbound;
  fetchMedia: MediaFetcher;
  windows: ContactWindowStore;
  /**
   * Told when a delivery failure could not be recorded (the database is unreachable); the send's
   * own error is still the one thrown. Must not throw.
   */
  onRecordError?: (err: unknown, failure: Omit<DeliveryFailure, 'at'>) => void;
  /** For a WhatsApp sender: their number as E.164 (wa_id digits), offered as a one-tap answer. */
  profileOf?: (message: InboundMessage) => SenderProfile | undefined;
  /**
   * Each turn reply's send, recorded before and after the Graph call: a reply sent again for a
   * turn interrupted by a crash goes out only if it never left (see SendLedger). Without it every
   * such reply goes out again.
   */
  ledger?: SendLedger;
  /** For sends that fail after the turn ended, and the ledger's hiccups (pseudonymous user ids only). */
  log?: Pick<Logger, 'info' | 'warn'>;
  now?: () => number;
}

/** The deliveries a turn handed over (turnState key): its message is done once they are. */
const DELIVERIES = Symbol('meta deliveries');

/**
 * One Meta channel as a Bot Framework adapter (the SDK's four-method contract), so the same bot,
 * TurnContext and continueConversation serve WhatsApp, Messenger and Instagram like any other
 * channel. Inbound messages become message Activities; outbound Activities become Graph calls.
 * Sends respect the 24-hour window: outside it nothing is sent (Meta would refuse it) and the
 * failure is recorded instead of retried.
 *
 * Without a send route, a turn's replies are handed to a per-user sender and the turn ends: the
 * user's next message is processed while they are still on their way (a slow Graph holds no turn),
 * and its replies go out after them. Proactive sends take the same per-user line and are awaited.
 */
export class MetaAdapter extends BotAdapter {
  readonly channel: MetaChannel;
  private readonly now: () => number;
  private route: SendRoute | null = null;
  /** One user's inline sends one after the other, in the order they were handed over. */
  private readonly outgoing = new KeyedQueue();
  private readonly delivering = new Set<Promise<unknown>>();

  constructor(private readonly options: MetaAdapterOptions) {
    super();
    this.channel = options.channel;
    this.now = options.now ?? Date.now;
  }

  /** Runs one inbound message through the middleware and the bot, and waits until its replies are delivered (or given up on). */
  async processMessage(message: InboundMessage, logic: (context: TurnContext) => Promise<void>, options: { recovered?: boolean } = {}): Promise<void> {
    const { delivered } = await this.runTurn(message, logic, options);
    await delivered;
  }

  /**
   * Runs one inbound message through the middleware and the bot; `recovered` when it comes back
   * from the webhook inbox. Resolves when the turn is over, with `delivered`: resolves once the
   * replies it handed over are delivered, or rejects with the first failure (already recorded and
   * logged) once every one of them is given up on.
   */
  async runTurn(message: InboundMessage, logic: (context: TurnContext) => Promise<void>, options: { recovered?: boolean } = {}): Promise<{ delivered: Promise<void> }> {
    // Awaited before the turn: once the bot (or an officer's console) sees the message, every
    // instance sharing the store knows the window it opened.
    await this.options.windows.touch(this.channel, message.userId, Math.min(message.timestamp, this.now()));
    const { activity, entry } = this.toTurn(message, options.recovered === true);
    const context = new TurnContext(this, activity);
    // What the webhook vouches for goes to the bot in the turn state, where no activity can write.
    enterTurn(context, entry);
    const deliveries: Array<Promise<unknown>> = [];
    context.turnState.set(DELIVERIES, deliveries);
    try {
      await this.runMiddleware(context, logic);
    } catch (err) {
      // The message counts as done once the caller hears of the failure: what it handed over leaves first.
      await Promise.allSettled(deliveries);
      throw err;
    }
    const delivered = Promise.allSettled(deliveries).then((outcomes) => {
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
    });
    // A caller that only waits for the turn (the webhook's queue) has the failure logged here.
    delivered.catch(() => undefined);
    return { delivered };
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    const userId = context.activity.conversation?.id;
    if (!userId) throw new Error('No conversation to send to');
    // Outside a customer's turn (officers' replies, notices) the caller wants the outcome: the send
    // is awaited. A turn's replies are handed over only: the turn does not wait on Graph.
    const proactive = context.activity.type === ActivityTypes.Event && context.activity.name === 'continueConversation';
    const inline: Array<{ reply: OutboundReply; options: SendOptions; at: number }> = [];
    for (const activity of activities) {
      if (activity.type !== ActivityTypes.Message) {
        responses.push({ id: '' });
        continue;
      }
      const data = activity.channelData as { humanAgent?: boolean; dedupeId?: unknown } | undefined;
      const humanAgent = Boolean(data?.humanAgent);
      const dedupeId = typeof data?.dedupeId === 'string' && data.dedupeId ? data.dedupeId : undefined;
      // Checked here, before any queue: a reply Meta would refuse is recorded, never queued.
      await this.assertWindowOpen(userId, humanAgent);
      const { attachment, form } = (activity.channelData ?? {}) as { attachment?: OutboundReply['attachment']; form?: OutboundReply['form'] };
      const reply: OutboundReply = {
        text: activity.text ?? '',
        choices: (activity.suggestedActions?.actions ?? []).map((a) => ({ title: a.title ?? String(a.value), value: String(a.value) })),
        locale: activity.locale === 'en' ? 'en' : 'id',
        ...(attachment ? { attachment } : {}),
        ...(form ? { form } : {}),
      };
      const options: SendOptions = { humanAgent, ...(dedupeId ? { dedupeId } : {}) };
      if (this.route) {
        const ids = await this.route.send(this, userId, reply, { ...options, awaitDelivery: proactive });
        responses.push({ id: ids[ids.length - 1] ?? '' });
      } else {
        inline.push({ reply, options, at: responses.length });
        responses.push({ id: '' });
      }
    }
    if (inline.length === 0) return responses;
    const delivery = this.handOver(userId, inline);
    if (proactive) {
      const ids = await delivery;
      inline.forEach((item, i) => (responses[item.at] = { id: ids[i]?.[ids[i]!.length - 1] ?? '' }));
    } else {
      const deliveries = context.turnState.get(DELIVERIES) as Array<Promise<unknown>> | undefined;
      delivery.catch((err: unknown) => this.reportUndelivered(userId, err));
      if (deliveries) deliveries.push(delivery);
      else delivery.catch(() => undefined);
    }
    return responses;
  }

  /**
   * Queues a batch of replies behind the user's earlier ones; resolves with each reply's Graph ids
   * once all are sent. A reply Graph refused (recorded) ends the batch: the rest are not sent. One
   * Graph did not answer (`ambiguous`, recorded as unconfirmed) may have been delivered: the rest
   * go on, and the batch then rejects with it.
   */
  private handOver(userId: string, batch: Array<{ reply: OutboundReply; options: SendOptions }>): Promise<string[][]> {
    const delivery = this.outgoing.run(userId, async () => {
      const ids: string[][] = [];
      let unconfirmed: unknown = null;
      for (const { reply, options } of batch) {
        try {
          ids.push(await this.sendRecorded(userId, reply, options));
        } catch (err) {
          if (!(err instanceof GraphApiError && err.kind === 'ambiguous')) throw err;
          unconfirmed ??= err;
          ids.push([]);
        }
      }
      if (unconfirmed) throw unconfirmed;
      return ids;
    });
    this.delivering.add(delivery);
    void delivery.catch(() => undefined).finally(() => this.delivering.delete(delivery));
    return delivery;
  }

  private reportUndelivered(userId: string, err: unknown): void {
    const kind = err instanceof GraphApiError ? err.kind : err instanceof Error ? err.name : 'unknown';
    this.options.log?.warn({ channel: this.channel, user: pseudonym(userId), kind, err: err instanceof Error ? err.message : String(err) }, 'reply delivery failed');
  }

  /** Sends from now on go through `route` (a queue whose worker calls `sendNow`); null: straight to Graph. */
  routeSends(route: SendRoute | null): void {
    this.route = route;
  }

  /** Resolves once the sends handed over so far (inline, or to the route) are done: delivered, or given up on. */
  async sendsIdle(): Promise<void> {
    while (this.delivering.size > 0) await Promise.allSettled([...this.delivering]);
    await this.route?.idle();
  }

  /** One reply straight to Graph (with Graph's own retries), nothing recorded. */
  sendNow(userId: string, reply: OutboundReply, options: SendOptions): Promise<string[]> {
    return this.options.outbound.send(userId, reply, options);
  }

  /**
   * One reply to Graph unless the send ledger says it may have been delivered already (its id
   * attempted, sent or unconfirmed): then null, and nothing is sent. The attempt is recorded
   * before the call and its outcome after it; failures are not recorded as delivery failures
   * (the queue's worker records them once it gives up).
   */
  async sendOnce(userId: string, reply: OutboundReply, options: SendOptions): Promise<string[] | null> {
    const replyId = options.dedupeId;
    const ledger = this.options.ledger;
    if (!replyId || !ledger) return this.sendNow(userId, reply, options);
    if (!(await this.beginSend(ledger, userId, replyId))) return null;
    let outcome: SendOutcome = { state: 'failed' };
    try {
      const ids = await this.sendNow(userId, reply, options);
      outcome = { state: 'sent', messageIds: ids };
      return ids;
    } catch (err) {
      if (err instanceof GraphApiError) outcome = { state: err.kind === 'ambiguous' ? 'unconfirmed' : err.retryable ? 'failed' : 'refused' };
      throw err;
    } finally {
      await ledger.finish(replyId, outcome).catch((err: unknown) => this.ledgerTrouble(userId, err, 'outcome not recorded (the reply counts as attempted)'));
    }
  }

  /** One reply to Graph (see sendOnce); a failure that will not be retried is recorded, then thrown. */
  async sendRecorded(userId: string, reply: OutboundReply, options: SendOptions): Promise<string[]> {
    try {
      return (await this.sendOnce(userId, reply, options)) ?? [];
    } catch (err) {
      if (err instanceof GraphApiError) await this.recordSendFailure(userId, err);
      throw err;
    }
  }

  /**
   * Records why a reply was given up on: Graph's definite refusals as they are, a send Graph did
   * not answer as `unconfirmed`, anything else as `exhausted` (retried until the attempts ran
   * out). Never throws.
   */
  async recordSendFailure(userId: string, err: unknown): Promise<void> {
    const detail = err instanceof Error ? err.message.slice(0, 300) : String(err);
    await this.record({ channel: this.channel, userId, reason: deliveryFailureReason(err), detail });
  }

  /**
   * Whether the reply may go: recorded as attempted now, or known to have left before (not sent
   * again). When the ledger cannot be written the reply is sent all the same: a reply is not
   * dropped for its bookkeeping (it could then go out twice should this turn be recovered).
   */
  private async beginSend(ledger: SendLedger, userId: string, replyId: string): Promise<boolean> {
    try {
      if (await ledger.begin(replyId)) return true;
      this.options.log?.info({ channel: this.channel, user: pseudonym(userId) }, 'reply attempted before an interruption: not sent again');
      return false;
    } catch (err) {
      this.ledgerTrouble(userId, err, 'attempt not recorded; sending all the same');
      return true;
    }
  }

  private ledgerTrouble(userId: string, err: unknown, what: string): void {
    this.options.log?.warn({ channel: this.channel, user: pseudonym(userId), err: err instanceof Error ? err.message : String(err) }, `send ledger: ${what}`);
  }

  async updateActivity(): Promise<void> {
    throw new Error('Meta channels cannot edit a sent message');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('Meta channels cannot delete a sent message');
  }

  /** Proactive messages (agent replies, ticket updates): a turn with an event activity for the conversation. */
  async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, reference, true);
    const context = new TurnContext(this, activity);
    await this.runMiddleware(context, logic);
  }

  /** Whether a free-form message can reach the user now (and with the human-agent tag, where allowed). */
  async windowOpen(userId: string, humanAgent = false): Promise<boolean> {
    const last = await this.options.windows.lastInbound(this.channel, userId);
    if (last === null) return false;
    const limit = humanAgent && this.options.outbound.supportsHumanAgentTag ? HUMAN_AGENT_WINDOW_MS : SERVICE_WINDOW_MS;
    return this.now() - last < limit;
  }

  private async assertWindowOpen(userId: string, humanAgent: boolean): Promise<void> {
    if (await this.windowOpen(userId, humanAgent)) return;
    await this.record({ channel: this.channel, userId, reason: 'windowClosed', detail: 'outside the customer-service window; not sent' });
    throw new WindowClosedError(this.channel);
  }

  /** Records a failure; a failure to record it is reported, never thrown over the send's own error. */
  private async record(failure: Omit<DeliveryFailure, 'at'>): Promise<void> {
    try {
      await this.options.windows.recordFailure(failure);
    } catch (err) {
      this.options.onRecordError?.(err, failure);
    }
  }

  /** The message as an activity, and the entry point that tells the bot what Meta vouches for. */
  private toTurn(message: InboundMessage, recovered: boolean): { activity: Partial<Activity>; entry: MetaEntry } {
    const entry: MetaEntry = { kind: 'meta', channel: this.channel, ...(recovered ? { recovered } : {}) };
    const profile = this.options.profileOf?.(message);
    if (profile) entry.profile = profile;
    let text: string | undefined;
    switch (message.content.kind) {
      case 'text':
        text = message.content.text;
        break;
      case 'choice':
        text = message.content.value;
        break;
      case 'media': {
        const media = message.content.media;
        entry.photoSource = { kind: 'download', download: (maxBytes, signal) => this.options.fetchMedia(media, maxBytes, signal) };
        break;
      }
      case 'form':
        entry.form = { nonce: message.content.nonce, answers: message.content.answers };
        // What the officers read in the transcript: the fields as the form gave them.
        text = formTranscriptText(message.content.answers);
        break;
      case 'unsupported':
        entry.unsupported = message.content.what;
        break;
    }
    const activity: Partial<Activity> = {
      type: ActivityTypes.Message,
      id: message.messageId,
      timestamp: new Date(message.timestamp),
      channelId: this.channel,
      serviceUrl: `meta://${this.channel}`,
      conversation: { id: message.userId, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: message.userId, name: message.profileName ?? '' },
      recipient: { id: message.accountId, name: 'PLN 123' },
      locale: 'id-ID',
      ...(text !== undefined ? { text } : {}),
    };
    return { activity, entry };
  }
}
