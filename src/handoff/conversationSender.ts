import type { Activity, CloudAdapter, ConversationReference } from 'botbuilder';
import { GraphApiError } from '../channels/meta/graphErrors.js';
import { metaReference, WindowClosedError, type MetaAdapter } from '../channels/meta/metaAdapter.js';
import type { MetaChannel } from '../channels/meta/types.js';
import { errorSummary } from '../core/redact.js';
import { pseudonym, type Logger } from '../log.js';
import type { ConversationReferenceStore } from '../storage/conversationReferenceStore.js';

/**
 * What became of a message sent outside a customer's turn:
 * - `windowClosed`: Meta would refuse it (24 hours; 7 days for an officer on Messenger/Instagram);
 * - `unsupported`: a Bot Framework conversation with no stored reference (or the channel is off);
 * - `failed`: the channel refused it or could not be reached.
 * Every case but `sent` is also recorded by the Meta adapter in `delivery_failures`.
 */
export type DeliveryOutcome = 'sent' | 'windowClosed' | 'unsupported' | 'failed';

export interface ConversationTarget {
  channel: string;
  conversationId: string;
}

/** Sends to a conversation outside a turn: officers' replies and what the bot says when they hand back. */
export interface ConversationSender {
  /** Whether a message can reach the customer now; `byOfficer` allows Meta's human-agent tag. */
  windowOpen(target: ConversationTarget, byOfficer: boolean): Promise<boolean>;
  send(target: ConversationTarget, activities: Array<Partial<Activity>>, options: { byOfficer: boolean }): Promise<DeliveryOutcome>;
}

export interface ChannelSenderOptions {
  meta: Partial<Record<MetaChannel, { adapter: Pick<MetaAdapter, 'windowOpen' | 'continueConversation'> }>>;
  botFramework?: { adapter: Pick<CloudAdapter, 'continueConversationAsync'>; appId: string; references: Pick<ConversationReferenceStore, 'get'> };
  log: Pick<Logger, 'warn'>;
}

const META: ReadonlySet<string> = new Set<MetaChannel>(['whatsapp', 'messenger', 'instagram']);

/**
 * The one way out for proactive messages, through each channel's adapter (`continueConversation`),
 * so the channel's own limits and rendering apply. A conversation with a Meta channel's name came
 * from that Meta webhook and is reached only through its adapter; any other (`bf:<channelId>`, and
 * Bot Framework conversations stored before that prefix) only through the Bot Framework reference
 * stored under its key, which its own turns wrote. An officer's words outside the 24-hour window
 * go with the human-agent tag where Meta allows it (Messenger, Instagram: 7 days); the bot's own
 * messages never do (Meta forbids the tag for automated messages).
 */
export class ChannelSender implements ConversationSender {
  constructor(private readonly options: ChannelSenderOptions) {}

  async windowOpen(target: ConversationTarget, byOfficer: boolean): Promise<boolean> {
    if (META.has(target.channel)) return (await this.options.meta[target.channel as MetaChannel]?.adapter.windowOpen(target.conversationId, byOfficer)) ?? false;
    return (await this.referenceOf(target)) !== null;
  }

  async send(target: ConversationTarget, activities: Array<Partial<Activity>>, options: { byOfficer: boolean }): Promise<DeliveryOutcome> {
    try {
      // A Meta conversation never goes by a stored reference, whatever is stored under its key.
      if (META.has(target.channel)) return await this.sendMeta(target, activities, options.byOfficer);
      const reference = await this.referenceOf(target);
      return reference ? await this.sendBotFramework(reference, activities) : 'unsupported';
    } catch (err) {
      if (err instanceof WindowClosedError || (err instanceof GraphApiError && err.kind === 'windowClosed')) return 'windowClosed';
      this.options.log.warn(
        { channel: target.channel, conversation: pseudonym(target.conversationId), err: errorSummary(err) },
        'proactive send failed',
      );
      return 'failed';
    }
  }

  private async sendMeta(target: ConversationTarget, activities: Array<Partial<Activity>>, byOfficer: boolean): Promise<DeliveryOutcome> {
    const channel = this.options.meta[target.channel as MetaChannel];
    if (!channel) return 'unsupported';
    // The tag only where it is needed: inside the 24-hour window a plain response is the norm.
    const humanAgent = byOfficer && !(await channel.adapter.windowOpen(target.conversationId, false));
    await channel.adapter.continueConversation(metaReference(target.channel as MetaChannel, target.conversationId), async (ctx) => {
      await ctx.sendActivities(activities.map((a) => ({ ...a, channelData: { ...(a.channelData as object | undefined), humanAgent } })));
    });
    return 'sent';
  }

  private async referenceOf(target: ConversationTarget): Promise<Partial<ConversationReference> | null> {
    return (await this.options.botFramework?.references.get(`${target.channel}:${target.conversationId}`)) ?? null;
  }

  private async sendBotFramework(reference: Partial<ConversationReference>, activities: Array<Partial<Activity>>): Promise<DeliveryOutcome> {
    const bf = this.options.botFramework;
    if (!bf) return 'unsupported';
    await bf.adapter.continueConversationAsync(bf.appId, reference, async (ctx) => {
      await ctx.sendActivities(activities);
    });
    return 'sent';
  }
}
