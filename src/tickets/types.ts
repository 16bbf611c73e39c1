import type { PhotoRef } from '../core/transcript.js';

export type { PhotoRef };

/** The data the SOP asks from a seller applicant (section 1b), already validated and normalised. */
export interface ApplicantData {
  name: string;
  businessName: string;
  productType: string;
  city: string;
  province: string;
  /** E.164, e.g. +6281234567890 */
  phone: string;
  email: string;
}


/** The ITSM classification of a ticket: Call Type / Service Family / Service Group / Service Type. */
export interface Classification {
  callType: string;
  serviceFamily: string;
  serviceGroup: string;
  serviceType: string;
  /** Catalogue number (1-40) when the type comes from the Marketplace catalogue, else null. */
  catalogNumber: number | null;
}

/** `urgent` for cases the support team must take first (e.g. a hijacked account); else `normal`. */
export type TicketPriority = 'normal' | 'urgent';

/** What the dialog hands to the ticketing module once the applicant has confirmed. */
export interface TicketRequest {
  /**
   * One per confirmed application (the dialog generates it when the application starts).
   * Filing the same key twice returns the first filing: never two tickets for one application.
   */
  idempotencyKey: string;
  channel: string;
  conversationId: string;
  /** User name of the receiving officer: the bot's configured officer name, or the human agent. */
  officer: string;
  classification: Classification;
  applicant: ApplicantData;
  photo: PhotoRef | null;
  previousNumber: string | null;
  description: string | null;
  priority: TicketPriority;
  /**
   * Message key of the answer that gives the number, chosen by the dialog: sent later in a message
   * when the ITSM was down at filing. Absent in requests queued before the dialog chose it.
   */
  notice?: string;
}

export interface FiledTicket {
  itsmNumber: string;
  apktNumber: string;
}

export interface ApktView {
  number: string;
  category: string;
  complaintType: string;
  subType: string;
  status: string;
  itsmNumber: string;
}

/** Limits of a support-team reply (SOP 1f), checked by `TicketService.addReply` and the API. */
export const REPLY_TEXT_MAX = 4000;
export const REPLY_AUTHOR_MAX = 64;
export const REPLY_STATUS_MAX = 40;

/** What the Marketplace support team wrote on an ITSM ticket, oldest first in `TicketView.replies`. */
export interface TicketReply {
  /** ISO 8601 time the reply was stored. */
  at: string;
  /** The support-team member's ITSM user name (not shown to the applicant). */
  author: string;
  text: string;
  /** The ticket status this reply set (e.g. 'In Progress', 'Resolved', 'Closed'), or null if it left it. */
  status: string | null;
}

/** A reply as the support team (or the API) submits it. */
export interface NewTicketReply {
  author: string;
  text: string;
  status?: string;
}

/** Who an applicant is, to find their tickets across conversations (either or both). */
export interface TicketContact {
  /** E.164 (+62...); the common Indonesian forms 08... and 628... are accepted too. */
  phone?: string;
  /** Compared case-insensitively. */
  email?: string;
}

/** A ticket as `GET /api/tickets/:number` returns it. */
export interface TicketView {
  number: string;
  callType: string;
  serviceFamily: string;
  serviceGroup: string;
  serviceType: string;
  catalogNumber: number | null;
  officer: string;
  channel: string;
  conversationId: string;
  applicant: ApplicantData;
  photo: PhotoRef | null;
  previousNumber: string | null;
  description: string | null;
  priority: TicketPriority;
  /** 'Open' when filed; each support reply with a status moves it on. */
  status: string;
  createdAt: string;
  apkt: ApktView | null;
  /** The support team's replies, oldest first. */
  replies: TicketReply[];
}
