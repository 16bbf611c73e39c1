import type { ApplicantData } from '../src/tickets/types.js';
import { type ApplicationDraft } from './application.js';
import { URGENT_TYPES } from './complaint.js';
import type { ConversationContext, DialogTicket, FileTicketInput } from './conversationContext.js';

export const draftOf = (context: ConversationContext): ApplicationDraft => {
  if (!context.application) throw new Error('No form in progress');
  return context.application;
};

/** Every field answered: the form's data as the ticket's applicant (complaints leave the seller-only fields empty). */
export function completeApplicant(draft: ApplicationDraft): ApplicantData {
  const f = draft.fields;
  const required = draft.kind === 'seller' ? (['name', 'businessName', 'productType', 'city', 'province', 'phone', 'email'] as const) : (['name', 'phone', 'email'] as const);
  for (const k of required) if (!f[k]) throw new Error('Form incomplete');
  return {
    name: f.name ?? '',
    businessName: f.businessName ?? '',
    productType: f.productType ?? '',
    city: f.city ?? '',
    province: f.province ?? '',
    phone: f.phone ?? '',
    email: f.email ?? '',
  };
}

/** The customer owns a ticket when it came from this very conversation, or from their own WhatsApp number. */
export function ownsTicket(context: ConversationContext, ticket: DialogTicket): boolean {
  if (ticket.channel === context.channel && ticket.conversationId === context.conversationId) return true;
  return Boolean(context.profile?.phone && context.profile.phone === ticket.applicant.phone);
}

/**
 * The answer that gives the new number: at once when the ticket is filed, or in a message later
 * when the ITSM was down (the request carries the key, so nothing below decides it again).
 */
export function doneKey(kind: FileTicketInput['kind']): string {
  return kind === 'refile' ? 'status.refiled' : kind === 'complaint' ? 'complaint.done' : 'seller.done';
}

/** The ticketing actor's input for the form being submitted. */
export function fileInputOf(context: ConversationContext): FileTicketInput {
  const draft = draftOf(context);
  const complaint = draft.kind === 'complaint' ? context.complaint : null;
  return {
    idempotencyKey: draft.id,
    kind: draft.kind,
    channel: context.channel,
    conversationId: context.conversationId,
    officer: context.officer,
    applicant: completeApplicant(draft),
    photo: draft.photo,
    catalogNumber: draft.kind === 'seller' ? 7 : (complaint?.catalogNumber ?? null),
    description: complaint?.description ?? null,
    previousNumber: null,
    priority: URGENT_TYPES.includes(complaint?.catalogNumber ?? 0) ? 'urgent' : 'normal',
    notice: doneKey(draft.kind),
  };
}

/** The follow-up ticket of SOP 1f: same classification and data, linked to the earlier number. */
export function refileInputOf(context: ConversationContext): FileTicketInput {
  const inquiry = context.inquiry;
  const ticket = inquiry?.ticket;
  if (!inquiry || !ticket || !inquiry.refileKey) throw new Error('No follow-up in progress');
  return {
    idempotencyKey: inquiry.refileKey,
    kind: 'refile',
    channel: context.channel,
    conversationId: context.conversationId,
    officer: context.officer,
    applicant: ticket.applicant,
    photo: null,
    catalogNumber: ticket.catalogNumber,
    description: inquiry.refileText,
    previousNumber: ticket.number,
    priority: URGENT_TYPES.includes(ticket.catalogNumber ?? 0) ? 'urgent' : 'normal',
    notice: doneKey('refile'),
  };
}
