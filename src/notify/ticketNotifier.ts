import { deliveryFailureReason, GraphApiError } from '../channels/meta/graphErrors.js';
import { metaReference, WindowClosedError, type MetaAdapter } from '../channels/meta/metaAdapter.js';
import type { MetaChannel } from '../channels/meta/types.js';
import type { WhatsAppTemplate } from '../channels/whatsapp/whatsAppChannel.js';
import { errorSummary, redact } from '../core/redact.js';
import { t, type Locale } from '../i18n/messages.js';
import { pseudonym, type Logger } from '../log.js';
import type { ContactWindowStore, DeliveryFailure } from '../storage/contactWindowStore.js';
import type { TicketReply, TicketView } from '../tickets/types.js';
import type { Mailer } from './mailer.js';

/**
 * What happened in the conversation's channel:
 * - `sent`: a free-text message inside the 24-hour window;
 * - `template`: outside it on WhatsApp, the approved template naming the ticket number;
 * - `windowClosed`: outside it and nothing may be sent (Messenger/Instagram, or WhatsApp without a
 *   configured template): recorded in `delivery_failures`;
 * - `unsupported`: a Bot Framework channel (no stored conversation reference yet): recorded;
 * - `failed`: the channel is off or Meta refused the send: recorded (and logged).
 */
export type ChannelOutcome = 'sent' | 'template' | 'windowClosed' | 'unsupported' | 'failed';
/** `skipped`: no SMTP_URL, or the ticket has no email. */
export type EmailOutcome = 'sent' | 'skipped' | 'failed';

export interface NotificationResult {
  channel: ChannelOutcome;
  email: EmailOutcome;
}

export interface NotificationRecord extends NotificationResult {
  number: string;
  /** When the notification finished (ISO 8601). */
  at: string;
}

/** What the notifier needs of a Meta channel; WhatsApp also sends templates. */
export interface NotifierChannel {
  adapter: Pick<MetaAdapter, 'windowOpen' | 'continueConversation'>;
  sendTemplate?: (userId: string, template: WhatsAppTemplate) => Promise<string>;
}

export interface TicketNotifierOptions {
  /** The Meta channels that are on (a channel missing here is off). */
  channels: Partial<Record<MetaChannel, NotifierChannel>>;
  windows: Pick<ContactWindowStore, 'recordFailure'>;
  /** Undefined: no email (SMTP_URL unset). */
  mailer?: Mailer;
  /** Approved WhatsApp template for outside the 24-hour window; its one body parameter is the ITSM number. */
  whatsappTemplate?: { name: string; language: string };
  /** Language of the ticket's conversation, if known; else `defaultLocale`. */
  localeOf?: (ticket: TicketView) => Promise<Locale | undefined> | Locale | undefined;
  defaultLocale?: Locale;
  log: Pick<Logger, 'info' | 'warn'>;
}

const META_CHANNELS: ReadonlySet<string> = new Set<MetaChannel>(['whatsapp', 'messenger', 'instagram']);
const RECENT_MAX = 100;

/**
 * Tells the applicant that the Marketplace support team answered on their ticket (SOP 1f): in the
 * conversation the ticket came from, within what Meta allows, and by email when one is on file and
 * SMTP is configured. Both go out independently; neither ever throws to the caller.
 *
 * The ticket API calls `enqueue` after answering, so a slow channel or mail server never holds the
 * HTTP answer; `idle()` waits for everything enqueued (tests, shutdown). Notices for one ticket go
 * out one at a time, in the order the replies were stored.
 *
 * Logs carry the ticket number, the channel and a pseudonym of the conversation, never the
 * applicant's name, phone, email or the reply text.
 */
export class TicketNotifier {
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The tail of each ticket's chain of notices. */
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly recentResults: NotificationRecord[] = [];

  constructor(private readonly options: TicketNotifierOptions) {}

  /**
   * Starts notifying in the background and returns the outcome's promise (which never rejects).
   *
   * @example router onReply: (ticket, reply) => void notifier.enqueue(ticket, reply)
   */
  enqueue(ticket: TicketView, reply: TicketReply): Promise<NotificationResult> {
    const previous = this.chains.get(ticket.number) ?? Promise.resolve();
    const run = previous.then(() => this.notifyReply(ticket, reply));
    this.chains.set(ticket.number, run);
    this.inFlight.add(run);
    void run.finally(() => {
      this.inFlight.delete(run);
      if (this.chains.get(ticket.number) === run) this.chains.delete(ticket.number);
    });
    return run;
  }

  /** Resolves when every notification enqueued so far (and any enqueued meanwhile) has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** The latest outcomes (at most 100), oldest first: for monitoring and tests. */
  recent(): readonly NotificationRecord[] {
    return [...this.recentResults];
  }

  /** Sends the notice for one reply now, in the channel and by email; resolves with both outcomes. */
  async notifyReply(ticket: TicketView, reply: TicketReply): Promise<NotificationResult> {
    const locale = await this.localeFor(ticket);
    const vars = { number: ticket.number, status: reply.status ?? ticket.status, text: reply.text };
    const [channel, email] = await Promise.all([
      this.toChannel(ticket, t(locale, 'followup.supportReply', vars), locale).catch((err: unknown) => this.unexpected('channel', ticket, err)),
      this.toEmail(ticket, locale, vars).catch((err: unknown) => this.unexpected('email', ticket, err)),
    ]);
    const result: NotificationResult = { channel, email };
    this.recentResults.push({ number: ticket.number, at: new Date().toISOString(), ...result });
    if (this.recentResults.length > RECENT_MAX) this.recentResults.shift();
    this.options.log.info({ ticket: ticket.number, channel: ticket.channel, conversation: pseudonym(ticket.conversationId), delivery: result }, 'support reply notified');
    return result;
  }

  private async localeFor(ticket: TicketView): Promise<Locale> {
    const fallback = this.options.defaultLocale ?? 'id';
    try {
      return (await this.options.localeOf?.(ticket)) ?? fallback;
    } catch {
      return fallback;
    }
  }

  private async toChannel(ticket: TicketView, text: string, locale: Locale): Promise<ChannelOutcome> {
    const name = ticket.channel;
    const userId = ticket.conversationId;
    if (!META_CHANNELS.has(name)) {
      await this.record(name, userId, 'permanent', 'support reply notice not sent: no conversation reference is stored for this channel');
      return 'unsupported';
    }
    const channel = this.options.channels[name as MetaChannel];
    if (!channel) {
      await this.record(name, userId, 'permanent', 'support reply notice not sent: the channel is not configured');
      this.options.log.warn({ ticket: ticket.number, channel: name }, 'support reply notice: channel is off');
      return 'failed';
    }
    if (await channel.adapter.windowOpen(userId)) {
      try {
        await channel.adapter.continueConversation(metaReference(name as MetaChannel, userId), async (ctx) => {
          await ctx.sendActivity({ type: 'message', text, locale });
        });
        return 'sent';
      } catch (err) {
        // The adapter has recorded the failure already. A window that closed meanwhile (or that
        // Meta says is closed, 131047) is handled as outside it: on WhatsApp the template.
        if (!isWindowClosed(err)) {
          this.options.log.warn({ ticket: ticket.number, channel: name, err: errorSummary(err) }, 'support reply notice failed');
          return 'failed';
        }
        return this.outsideWindow(name as MetaChannel, channel, ticket, true);
      }
    }
    return this.outsideWindow(name as MetaChannel, channel, ticket, false);
  }

  /** Only an approved template may reach a WhatsApp user now; nothing may reach a Messenger/Instagram user. */
  private async outsideWindow(name: MetaChannel, channel: NotifierChannel, ticket: TicketView, recorded: boolean): Promise<ChannelOutcome> {
    const userId = ticket.conversationId;
    const template = this.options.whatsappTemplate;
    if (name === 'whatsapp' && template && channel.sendTemplate) {
      try {
        await channel.sendTemplate(userId, { name: template.name, language: template.language, bodyParameters: [ticket.number] });
        return 'template';
      } catch (err) {
        const reason: DeliveryFailure['reason'] = err instanceof GraphApiError ? deliveryFailureReason(err) : 'permanent';
        await this.record(name, userId, reason, `support reply template not sent: ${err instanceof Error ? err.message : String(err)}`);
        this.options.log.warn({ ticket: ticket.number, channel: name, err: errorSummary(err) }, 'support reply template failed');
        return 'failed';
      }
    }
    if (!recorded) {
      const detail =
        name === 'whatsapp'
          ? 'support reply notice not sent: outside the 24-hour window and no WHATSAPP_REPLY_TEMPLATE is configured'
          : 'support reply notice not sent: outside the 24-hour window (the human-agent tag is for an officer\'s own words only)';
      await this.record(name, userId, 'windowClosed', detail);
    }
    return 'windowClosed';
  }

  private async toEmail(ticket: TicketView, locale: Locale, vars: { number: string; status: string; text: string }): Promise<EmailOutcome> {
    const address = ticket.applicant.email?.trim();
    if (!this.options.mailer || !address) return 'skipped';
    try {
      await this.options.mailer.send({
        to: { name: ticket.applicant.name, address },
        subject: t(locale, 'followup.emailSubject', { number: ticket.number }),
        text: t(locale, 'followup.emailBody', { ...vars, name: ticket.applicant.name }),
      });
      return 'sent';
    } catch (err) {
      this.options.log.warn({ ticket: ticket.number, err: errorSummary(err) }, 'support reply email failed');
      return 'failed';
    }
  }

  private async record(channel: string, userId: string, reason: DeliveryFailure['reason'], detail: string): Promise<void> {
    try {
      await this.options.windows.recordFailure({ channel, userId, reason, detail: redact(detail) });
    } catch (err) {
      this.options.log.warn({ channel, err: errorSummary(err) }, 'delivery failure not recorded');
    }
  }

  private unexpected(part: 'channel' | 'email', ticket: TicketView, err: unknown): 'failed' {
    this.options.log.warn({ ticket: ticket.number, part, err: errorSummary(err) }, 'support reply notice failed unexpectedly');
    return 'failed';
  }
}

function isWindowClosed(err: unknown): boolean {
  return err instanceof WindowClosedError || (err instanceof GraphApiError && err.kind === 'windowClosed');
}
