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
import type { ContactWindowStore, DeliveryFailure } from '../../storage/contactWindowStore.js';
import { GraphApiError } from './graphErrors.js';
import type { InboundMessage, MediaRef, MetaChannel, OutboundReply } from './types.js';

/** The 24-hour customer-service window; the human-agent tag extends it to 7 days on Messenger/Instagram. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface SendOptions {
  humanAgent: boolean;
  /**
   * A stable id for this reply (e.g. `<inbound message id>:<reply index>`), given by the engine:
   * a queued send with an id already sent within the hour is not sent again.
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

/** Fetches inbound media; must throw PhotoError codes (tooLarge, downloadFailed). */
export type MediaFetcher = (media: MediaRef, maxBytes: number) => Promise<Buffer>;

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
  now?: () => number;
}

/**
 * One Meta channel as a Bot Framework adapter (the SDK's four-method contract), so the same bot,
 * TurnContext and continueConversation serve WhatsApp, Messenger and Instagram like any other
 * channel. Inbound messages become message Activities; outbound Activities become Graph calls.
 * Sends respect the 24-hour window: outside it nothing is sent (Meta would refuse it) and the
 * failure is recorded instead of retried.
 */
export class MetaAdapter extends BotAdapter {
  readonly channel: MetaChannel;
  private readonly now: () => number;
  private route: SendRoute | null = null;

  constructor(private readonly options: MetaAdapterOptions) {
    super();
    this.channel = options.channel;
    this.now = options.now ?? Date.now;
  }

  /** Runs one inbound message through the middleware and the bot; `recovered` when it comes back from the webhook inbox. */
  async processMessage(message: InboundMessage, logic: (context: TurnContext) => Promise<void>, options: { recovered?: boolean } = {}): Promise<void> {
    // Awaited before the turn: once the bot (or an officer's console) sees the message, every
    // instance sharing the store knows the window it opened.
    await this.options.windows.touch(this.channel, message.userId, Math.min(message.timestamp, this.now()));
    const { activity, entry } = this.toTurn(message, options.recovered === true);
    const context = new TurnContext(this, activity);
    // What the webhook vouches for goes to the bot in the turn state, where no activity can write.
    enterTurn(context, entry);
    await this.runMiddleware(context, logic);
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    const userId = context.activity.conversation?.id;
    if (!userId) throw new Error('No conversation to send to');
    // Outside a customer's turn (officers' replies, notices) the caller wants the outcome: a queued
    // send is awaited. A turn's replies are handed over only: the turn does not wait on Graph.
    const proactive = context.activity.type === ActivityTypes.Event && context.activity.name === 'continueConversation';
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
      const reply: OutboundReply = {
        text: activity.text ?? '',
        choices: (activity.suggestedActions?.actions ?? []).map((a) => ({ title: a.title ?? String(a.value), value: String(a.value) })),
        locale: activity.locale === 'en' ? 'en' : 'id',
      };
      const options: SendOptions = { humanAgent, ...(dedupeId ? { dedupeId } : {}) };
      const ids = this.route ? await this.route.send(this, userId, reply, { ...options, awaitDelivery: proactive }) : await this.sendRecorded(userId, reply, options);
      responses.push({ id: ids[ids.length - 1] ?? '' });
    }
    return responses;
  }

  /** Sends from now on go through `route` (a queue whose worker calls `sendNow`); null: straight to Graph. */
  routeSends(route: SendRoute | null): void {
    this.route = route;
  }

  /** Resolves once the sends handed to the route so far are done (delivered or dead). */
  async sendsIdle(): Promise<void> {
    await this.route?.idle();
  }

  /** One reply straight to Graph (with Graph's own retries), nothing recorded: the queue's worker. */
  sendNow(userId: string, reply: OutboundReply, options: SendOptions): Promise<string[]> {
    return this.options.outbound.send(userId, reply, options);
  }

  /** One reply straight to Graph; a failure that will not be retried is recorded, then thrown. */
  async sendRecorded(userId: string, reply: OutboundReply, options: SendOptions): Promise<string[]> {
    try {
      return await this.sendNow(userId, reply, options);
    } catch (err) {
      if (err instanceof GraphApiError) await this.recordSendFailure(userId, err);
      throw err;
    }
  }

  /**
   * Records why a reply was given up on: Graph's permanent kinds as they are, anything else as
   * `exhausted` (retried until the attempts ran out). Never throws.
   */
  async recordSendFailure(userId: string, err: unknown): Promise<void> {
    const detail = err instanceof Error ? err.message.slice(0, 300) : String(err);
    if (err instanceof GraphApiError && !err.retryable) {
      await this.record({ channel: this.channel, userId, reason: err.kind === 'windowClosed' ? 'windowClosed' : err.kind === 'auth' ? 'auth' : 'permanent', detail });
    } else {
      await this.record({ channel: this.channel, userId, reason: 'exhausted', detail });
    }
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
        entry.photoSource = { kind: 'download', download: (maxBytes) => this.options.fetchMedia(media, maxBytes) };
        break;
      }
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
