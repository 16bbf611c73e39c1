import type { OpenQuestion, QuestionTopic } from './understanding.js';
import type { ApplicantData, FiledTicket, PhotoRef } from '../src/tickets/types.js';
import type { ApplicationDraft, FormKind } from './application.js';
import type { ComplaintDraft } from './complaint.js';
import type { HandoffReason, SenderProfile } from './events.js';
import type { Reply } from './reply.js';

/** The conversation machine's context, input and service contracts. */

export type Locale = 'id' | 'en';

export interface ConversationInput {
  channel: string;
  conversationId: string;
  locale: Locale;
}

/** An earlier ticket as the dialog needs it (status, owner check, prefill, re-filing). */
export interface DialogTicket {
  number: string;
  status: string;
  serviceType: string;
  catalogNumber: number | null;
  channel: string;
  conversationId: string;
  applicant: ApplicantData;
  latestReply: { text: string; at: string } | null;
  /** When it was filed (ISO), to tell one report from another in a list. */
  filedAt?: string;
}

export type TicketQuery =
  | { by: 'number'; number: string }
  /** Filed from this conversation, or (phone: the sender's own WhatsApp number) naming that number. */
  | { by: 'conversation'; channel: string; conversationId: string; phone?: string }
  /** The tickets that name both this phone and this email (proof of ownership without the number). */
  | { by: 'contact'; phone: string; email: string };

/** A report in a list to pick from (numbers and status only). */
export interface FoundTicket {
  number: string;
  status: string;
  filedAt?: string;
}

/** A status look-up in progress (SOP section 1f). */
export interface Inquiry {
  number: string | null;
  ticket: DialogTicket | null;
  /** Idempotency key of a follow-up ticket, made when the customer says the matter is not settled. */
  refileKey: string | null;
  refileText: string | null;
  /** Without the number: the phone and email the customer gives, to find their tickets by. */
  contact?: { phone?: string; email?: string };
  /** Several tickets of theirs (found by their phone and email, or their WhatsApp number): to pick one from; each is proven theirs. */
  found?: FoundTicket[];
  /** What the customer said when asking, besides a number ("masih belum bisa login"): the follow-up's explanation. */
  said?: string | null;
}

export interface ConversationContext extends ConversationInput {
  /** The customer asked for (or accepted the offer of) a human officer; the handoff acts on it. */
  officerRequested: boolean;
  /** User name of the human officer holding the conversation, if any; else the bot's officer files. */
  officer: string | null;
  application: ApplicationDraft | null;
  complaint: ComplaintDraft | null;
  inquiry: Inquiry | null;
  /** An earlier ticket of this conversation whose contact data can be offered again. */
  earlier: DialogTicket | null;
  lastTicket: FiledTicket | null;
  /** Why the last photo was refused, for the reply. */
  photoError: string | null;
  /** Who the channel says the sender is (WhatsApp profile name and number). */
  profile: SenderProfile | null;
  /** The last free text being classified. */
  lastText: string;
  /** Its topic, when it was a question about the procedure. */
  question?: QuestionTopic | null;
  /** Messages in a row the bot could not place (absent in snapshots saved before it existed). */
  unplaced?: number;
  /** The phone and email the last filed ticket names for the follow-up. */
  lastContact?: { phone: string; email: string } | null;
  /** The last request was recorded while the ITSM was down; its number follows in a message. */
  awaitingNumber?: boolean;
  /** What the conversation waits for now: the understanding step reads the next message against it. */
  open: OpenQuestion;
  /** Unusable answers to the open question in a row (an officer is offered at the third). */
  misses: number;
  /** The count of misses at which the bot last asked "an officer, or the menu?" instead of its question. */
  offeredOfficerAt?: number;
  /**
   * Phone-and-email pairs given to find a report without its number that matched none. Kept for
   * the conversation (not the look-up), so starting over does not reset it; at the third an officer
   * takes over the search. Reset by a pair that matches.
   */
  lookupMisses?: number;
  /** The customer chose the language ("english", "bahasa indonesia"): it is not switched for them again. */
  languageChosen?: boolean;
}

/** What the ticketing actor receives; the bot turns it into the ITSM request with its classification. */
export interface FileTicketInput {
  idempotencyKey: string;
  kind: FormKind | 'refile';
  channel: string;
  conversationId: string;
  officer: string | null;
  applicant: ApplicantData;
  photo: PhotoRef | null;
  /** Catalogue number for complaints; 7 (store registration) for seller applications. */
  catalogNumber: number | null;
  description: string | null;
  previousNumber: string | null;
  priority: 'normal' | 'urgent';
  /** Message key of the answer that gives the number (see doneKey): sent later if the ITSM is down. */
  notice: string;
}

/**
 * What the machine tells the bot: a reply to send, or that the conversation should go to the
 * officers' queue (the bot opens the handoff and tells the customer their place in it).
 */
/** What filing gives back: the numbers, or `queued` when the request is safely recorded but the ITSM is down (the number follows in a message). */
export type FilingOutcome = FiledTicket | { queued: true };

export type Emitted = { type: 'reply'; reply: Reply } | { type: 'handoff'; reason: HandoffReason; formInProgress: boolean };
