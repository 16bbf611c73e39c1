import type { DeliveryOutcome, OutboundMessenger } from '../core/outbound.js';
import { t, type Locale } from '../i18n/messages.js';
import { pseudonym, type Logger } from '../log.js';
import { displayPhone } from '../phone.js';
import type { OutboxEntry } from '../tickets/ticketService.js';
import type { TicketReply, TicketView } from '../tickets/types.js';
import type { Mailer } from './mailer.js';
import { errorSummary } from '../core/redact.js';

/** `skipped`: no SMTP_URL, or the ticket has no email. */
export type EmailOutcome = 'sent' | 'skipped' | 'failed';

export interface NotificationResult {
  /** What became of the notice in the conversation (`template`: WhatsApp outside the window). */
  channel: DeliveryOutcome;
  email: EmailOutcome;
}

export interface NotificationRecord extends NotificationResult {
  number: string;
  /** When the notification finished (ISO 8601). */
  at: string;
}

export interface TicketNotifierOptions {
  messenger: Pick<OutboundMessenger, 'send'>;
  /** Undefined: no email (SMTP_URL unset). */
  mailer?: Mailer;
  /** Language of the ticket's conversation, if known; else `defaultLocale`. */
  localeOf?: (ticket: TicketView) => Promise<Locale | undefined> | Locale | undefined;
  defaultLocale?: Locale;
  log: Pick<Logger, 'info' | 'warn'>;
}

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
      this.options.messenger
        .send(ticket, {
          activities: [{ type: 'message', text: t(locale, 'followup.supportReply', vars), locale }],
          byOfficer: false,
          // Outside the window on WhatsApp the template names the ticket, whose reply they can then ask for.
          notice: { why: 'support reply notice', templateParameters: [ticket.number] },
        })
        .catch((err: unknown) => this.unexpected('channel', ticket, err)),
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

  private unexpected(part: 'channel' | 'email', ticket: TicketView, err: unknown): 'failed' {
    this.options.log.warn({ ticket: ticket.number, part, err: errorSummary(err) }, 'support reply notice failed unexpectedly');
    return 'failed';
  }
}

/**
 * Sends the applicant the number of a request that was recorded while the ITSM was down, in the
 * words the dialog chose when it filed (`request.notice`), on the conversation's channel; or, when
 * the request was given up (dead), that it could not be recorded and an officer will contact them.
 * `retry` when the channel failed for a reason that may pass; `failed` when it cannot reach them
 * (e.g. Meta's 24-hour window closed; recorded).
 */
export async function notifyFiled(
  entry: OutboxEntry,
  deps: { messenger: Pick<OutboundMessenger, 'send'>; localeOf: (conversationKey: string) => Promise<Locale | undefined>; defaultLocale: Locale; log: Pick<Logger, 'info' | 'warn'> },
): Promise<'sent' | 'failed' | 'retry'> {
  const req = entry.request;
  const key = `${req.channel}:${req.conversationId}`;
  const locale = (await deps.localeOf(key)) ?? deps.defaultLocale;
  const vars = { number: entry.itsmNumber ?? '', previous: req.previousNumber ?? '', phone: displayPhone(req.applicant.phone), email: req.applicant.email };
  // A request given up (refused by the ITSM, or out of attempts) is not left unanswered. One queued
  // by a version before the dialog chose the key gets the plain "received with number".
  const filed = entry.state === 'done';
  const messageKey = filed ? (req.notice ?? 'complaint.done') : 'filing.givenUp';
  const outcome = await deps.messenger.send(req, { activities: [{ type: 'message', text: t(locale, messageKey, vars), locale }], byOfficer: false });
  deps.log.info(
    { ticket: entry.itsmNumber, channel: req.channel, conversation: pseudonym(key), delivery: outcome },
    filed ? 'late ticket number notified' : 'applicant told their request could not be recorded',
  );
  if (outcome === 'sent') return 'sent';
  return outcome === 'failed' ? 'retry' : 'failed';
}
