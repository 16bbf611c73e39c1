import { maskEmail, maskName, maskPhone, maskText } from '../core/redact.js';
import { pseudonym } from '../log.js';
import type { DeadLetter, SendJob } from '../storage/redis/queueTypes.js';
import type { OutboxEntry } from './outboxStore.js';

/** One dead letter as `npm run dead-letters` shows it: nothing personal in clear. */
export interface DeadLetterLine {
  queue: 'send' | 'ticket_outbox';
  /** What `npm run dead-letters -- retry <id>` takes. */
  id: string;
  attempts: number;
  /** Who and what, masked (pseudonyms, initials, the last digits of a phone). */
  what: string;
  /** Why it was given up, with anything that looks like an email or a phone number masked. */
  reason: string;
  /** When it was given up (outbox entries; BullMQ keeps no such time here). */
  at?: string;
}

/** The id prefix of outbox entries, so one `retry <id>` command takes both kinds. */
export const OUTBOX_ID_PREFIX = 'outbox:';

/** A dead outbound send: channel, pseudonymous user, and the reply's shape (never its words). */
export function sendDeadLetterLine(letter: DeadLetter<SendJob>): DeadLetterLine {
  const { channel, userId, payload } = letter.data;
  const reply = (payload as { reply?: { text?: string; choices?: unknown[] }; humanAgent?: boolean } | undefined) ?? {};
  const text = reply.reply?.text ?? '';
  const choices = reply.reply?.choices?.length ?? 0;
  return {
    queue: 'send',
    id: letter.id,
    attempts: letter.attemptsMade,
    what: `${channel} user ${pseudonym(userId)}: reply of ${text.length} characters, ${choices} choice(s)${reply.humanAgent ? ', officer' : ''}`,
    reason: maskText(letter.failedReason ?? ''),
  };
}

/** A dead ticket outbox entry: kind, channel, pseudonymous conversation, the applicant masked. */
export function outboxDeadLetterLine(entry: OutboxEntry): DeadLetterLine {
  const req = entry.request;
  const a = req.applicant;
  const kind = req.previousNumber ? 'follow-up' : a.businessName ? 'seller application' : 'complaint';
  return {
    queue: 'ticket_outbox',
    id: `${OUTBOX_ID_PREFIX}${entry.idempotencyKey}`,
    attempts: entry.attempts,
    what: `${kind} from ${req.channel} conversation ${pseudonym(req.conversationId)}: ${maskName(a.name)}, ${maskPhone(a.phone)}, ${maskEmail(a.email)}`,
    reason: maskText(entry.lastError ?? ''),
    ...(entry.deadAt ? { at: entry.deadAt } : {}),
  };
}
