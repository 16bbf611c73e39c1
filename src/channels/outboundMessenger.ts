import type { Activity, CloudAdapter, ConversationReference } from 'botbuilder';
import { deliveryFailureReason, GraphApiError } from './meta/graphErrors.js';
import { metaReference, WindowClosedError, type MetaAdapter } from './meta/metaAdapter.js';
import type { MetaChannel } from './meta/types.js';
import type { WhatsAppTemplate } from './whatsapp/whatsAppChannel.js';
import type { ConversationTarget, DeliveryOutcome, OutboundMessage, OutboundMessenger } from '../core/outbound.js';
import { errorSummary, redact } from '../core/redact.js';
import { pseudonym, type Logger } from '../log.js';
import type { ContactWindowStore, DeliveryFailure } from '../storage/contactWindowStore.js';
import type { ConversationReferenceStore } from '../storage/conversationReferenceStore.js';

/** What the messenger needs of a Meta channel; WhatsApp also sends templates. */
export interface MessengerChannel {
  adapter: Pick<MetaAdapter, 'windowOpen' | 'continueConversation'>;
  sendTemplate?: (userId: string, template: WhatsAppTemplate) => Promise<string>;
}

export interface ChannelMessengerOptions {
  /** The Meta channels that are on (a channel missing here is off). */
  meta: Partial<Record<MetaChannel, MessengerChannel>>;
  botFramework?: { adapter: Pick<CloudAdapter, 'continueConversationAsync'>; appId: string; references: Pick<ConversationReferenceStore, 'get'> };
  windows: Pick<ContactWindowStore, 'recordFailure'>;
  /** Approved WhatsApp template for notices outside the 24-hour window (see OutboundMessage.notice). */
  whatsappTemplate?: { name: string; language: string };
  log: Pick<Logger, 'warn'>;
}

const META: ReadonlySet<string> = new Set<MetaChannel>(['whatsapp', 'messenger', 'instagram']);

/**
 * Sends outside a customer's turn through each channel's adapter (`continueConversation`), so the
 * channel's own limits, rendering and failure records apply. A conversation with a Meta channel's
 * name came from that Meta webhook and is reached only through its adapter; any other (`bf:<id>`,
 * and Bot Framework conversations stored before that prefix) only through the Bot Framework
 * reference its own turns stored. An officer's words outside the 24-hour window go with the
 * human-agent tag where Meta allows it (Messenger, Instagram: 7 days); the bot's own messages
 * never do (Meta forbids the tag for automated messages).
 *
 * Logs carry the channel and a pseudonym of the conversation, never the text or the error object
 * (it may hold the envelope).
 */
export class ChannelMessenger implements OutboundMessenger {
  constructor(private readonly options: ChannelMessengerOptions) {}

  async windowOpen(target: ConversationTarget, byOfficer: boolean): Promise<boolean> {
    if (META.has(target.channel)) return (await this.options.meta[target.channel as MetaChannel]?.adapter.windowOpen(target.conversationId, byOfficer)) ?? false;
    return (await this.referenceOf(target)) !== null;
  }

  async send(target: ConversationTarget, message: OutboundMessage): Promise<DeliveryOutcome> {
    try {
      // A Meta conversation never goes by a stored reference, whatever is stored under its key.
      return META.has(target.channel) ? await this.toMeta(target, message) : await this.toBotFramework(target, message);
    } catch (err) {
      this.options.log.warn({ channel: target.channel, conversation: pseudonym(target.conversationId), err: errorSummary(err) }, 'proactive send failed');
      return 'failed';
    }
  }

  private async toMeta(target: ConversationTarget, message: OutboundMessage): Promise<DeliveryOutcome> {
    const name = target.channel as MetaChannel;
    const channel = this.options.meta[name];
    const { notice } = message;
    if (!channel) {
      if (!notice) return 'unsupported';
      await this.record(target, 'permanent', `${notice.why} not sent: the channel is not configured`);
      this.options.log.warn({ channel: name, conversation: pseudonym(target.conversationId) }, `${notice.why}: channel is off`);
      return 'failed';
    }
    // Only when it decides something: the tag for an officer, the template for a notice.
    const open = message.byOfficer || notice ? await channel.adapter.windowOpen(target.conversationId, false) : true;
    // A notice outside the window is not tried as free text: Meta would refuse it.
    if (!open && notice) return this.outsideWindow(name, channel, target, notice, false);
    // The tag only where it is needed: inside the 24-hour window a plain response is the norm.
    const humanAgent = message.byOfficer && !open;
    try {
      let ids: string[] = [];
      await channel.adapter.continueConversation(metaReference(name, target.conversationId), async (ctx) => {
        const sent = await ctx.sendActivities(message.activities.map((a) => ({ ...a, channelData: { ...(a.channelData as object | undefined), humanAgent } })));
        ids = sent.map((r) => r.id).filter((id) => id !== '');
      });
      if (ids.length > 0) message.onSent?.(ids);
      return 'sent';
    } catch (err) {
      // The adapter has recorded the failure already. A window that closed meanwhile (or that Meta
      // says is closed, 131047) is outside it: a notice still has the template on WhatsApp.
      if (!isWindowClosed(err)) throw err;
      return notice ? this.outsideWindow(name, channel, target, notice, true) : 'windowClosed';
    }
  }

  /** Only an approved template may reach a WhatsApp user now; nothing may reach a Messenger/Instagram user. */
  private async outsideWindow(
    name: MetaChannel,
    channel: MessengerChannel,
    target: ConversationTarget,
    notice: NonNullable<OutboundMessage['notice']>,
    recorded: boolean,
  ): Promise<DeliveryOutcome> {
    const template = this.options.whatsappTemplate;
    if (name === 'whatsapp' && template && channel.sendTemplate) {
      try {
        await channel.sendTemplate(target.conversationId, { name: template.name, language: template.language, bodyParameters: notice.templateParameters });
        return 'template';
      } catch (err) {
        const reason: DeliveryFailure['reason'] = err instanceof GraphApiError ? deliveryFailureReason(err) : 'permanent';
        await this.record(target, reason, `${notice.why} template not sent: ${err instanceof Error ? err.message : String(err)}`);
        this.options.log.warn({ channel: name, conversation: pseudonym(target.conversationId), err: errorSummary(err) }, `${notice.why}: template failed`);
        return 'failed';
      }
    }
    if (!recorded) {
      const detail =
        name === 'whatsapp'
          ? `${notice.why} not sent: outside the 24-hour window and no WHATSAPP_REPLY_TEMPLATE is configured`
          : `${notice.why} not sent: outside the 24-hour window (the human-agent tag is for an officer's own words only)`;
      await this.record(target, 'windowClosed', detail);
    }
    return 'windowClosed';
  }

  private async toBotFramework(target: ConversationTarget, message: OutboundMessage): Promise<DeliveryOutcome> {
    // Notices have never gone by a stored reference (a Bot Framework conversation's ticket is
    // answered by email): recorded, so the support team can see the applicant was not told.
    if (message.notice) {
      await this.record(target, 'permanent', `${message.notice.why} not sent: no conversation reference is stored for this channel`);
      return 'unsupported';
    }
    const bf = this.options.botFramework;
    const reference = await this.referenceOf(target);
    if (!bf || !reference) return 'unsupported';
    await bf.adapter.continueConversationAsync(bf.appId, reference, async (ctx) => {
      await ctx.sendActivities(message.activities as Array<Partial<Activity>>);
    });
    return 'sent';
  }

  private async referenceOf(target: ConversationTarget): Promise<Partial<ConversationReference> | null> {
    return (await this.options.botFramework?.references.get(`${target.channel}:${target.conversationId}`)) ?? null;
  }

  private async record(target: ConversationTarget, reason: DeliveryFailure['reason'], detail: string): Promise<void> {
    try {
      await this.options.windows.recordFailure({ channel: target.channel, userId: target.conversationId, reason, detail: redact(detail) });
    } catch (err) {
      this.options.log.warn({ channel: target.channel, err: errorSummary(err) }, 'delivery failure not recorded');
    }
  }
}

function isWindowClosed(err: unknown): boolean {
  return err instanceof WindowClosedError || (err instanceof GraphApiError && err.kind === 'windowClosed');
}
