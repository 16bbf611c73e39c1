import type { DialogEngine } from '../bot/dialogEngine.js';
import { displayPhone } from '../phone.js';
import type { ConversationSender } from '../handoff/conversationSender.js';
import { t, type Locale } from '../i18n/messages.js';
import { pseudonym, type Logger } from '../log.js';
import type { OutboxEntry } from './ticketService.js';

/**
 * Sends the applicant the number of a request that was recorded while the ITSM was down, in the
 * words the dialog would have used had it been filed at once (seller application, complaint, or
 * follow-up), on the conversation's channel; or, when the request was given up (dead), that it
 * could not be recorded and an officer will contact them. `retry` when the channel failed for a reason that may
 * pass; `failed` when it cannot reach them (e.g. Meta's 24-hour window closed; recorded).
 */
export async function notifyFiled(
  entry: OutboxEntry,
  deps: { engine: Pick<DialogEngine, 'peek'>; sender: ConversationSender; defaultLocale: Locale; log: Pick<Logger, 'info' | 'warn'> },
): Promise<'sent' | 'failed' | 'retry'> {
  const req = entry.request;
  const key = `${req.channel}:${req.conversationId}`;
  const locale = (await deps.engine.peek(key))?.context.locale ?? deps.defaultLocale;
  const vars = { number: entry.itsmNumber ?? '', previous: req.previousNumber ?? '', phone: displayPhone(req.applicant.phone), email: req.applicant.email };
  // A request given up (refused by the ITSM, or out of attempts) is not left unanswered.
  const filed = entry.state === 'done';
  const messageKey = !filed ? 'filing.givenUp' : req.previousNumber ? 'status.refiled' : req.applicant.businessName ? 'seller.done' : 'complaint.done';
  const outcome = await deps.sender.send({ channel: req.channel, conversationId: req.conversationId }, [{ type: 'message', text: t(locale, messageKey, vars), locale }], { byOfficer: false });
  deps.log.info(
    { ticket: entry.itsmNumber, channel: req.channel, conversation: pseudonym(key), delivery: outcome },
    filed ? 'late ticket number notified' : 'applicant told their request could not be recorded',
  );
  if (outcome === 'sent') return 'sent';
  return outcome === 'failed' ? 'retry' : 'failed';
}
