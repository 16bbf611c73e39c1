import type { QuestionTopic } from './understanding.js';
import { displayPhone } from '../src/phone.js';
import type { ConversationContext } from './conversationContext.js';
import type { FieldKey } from './fields/index.js';
import type { Reply } from './reply.js';

/**
 * What the bot says to a turn that is not the answer to its open question, before asking it
 * again (see promptFor): the catalogue of CONVERSATION.md, one reply builder each. Answers to
 * questions come only from what the procedure says (SOP section 1: the data is verified by the
 * Marketplace support team; qualified applicants are contacted by phone — SMS/WhatsApp — or
 * email); for what it does not say, the support team will tell, and an officer is offered.
 */

const OFFICER_CHOICE = { value: 'petugas', key: 'choices.officer' };
const MENU_CHOICE = { value: 'menu', key: 'choices.menu' };

/** Topics the procedure answers; the others are for the support team (and an officer is offered). */
const ANSWERED: ReadonlySet<QuestionTopic> = new Set(['verification', 'followUp', 'requirements', 'dataUse']);

export function answerTo(topic: QuestionTopic, context?: ConversationContext): Reply {
  // Asked after filing: the follow-up goes to the phone and email given, named.
  const contact = context?.lastContact;
  if (topic === 'followUp' && contact && context?.lastTicket) {
    return { key: 'faq.followUpKnown', vars: { number: context.lastTicket.itsmNumber, phone: displayPhone(contact.phone), email: contact.email } };
  }
  return ANSWERED.has(topic) ? { key: `faq.${topic}` } : { key: `faq.${topic}`, choices: [OFFICER_CHOICE] };
}

export function greetingReply(religious: boolean): Reply {
  return { key: religious ? 'repair.greetingSalam' : 'repair.greeting' };
}

/** Thanks: after a filing, with its number; while something is in progress, a short word (the question follows). */
export function thanksReply(context: ConversationContext): Reply {
  if (context.application || context.complaint || context.inquiry) return { key: 'repair.thanksInProgress' };
  if (context.lastTicket) return { key: 'repair.thanksAfterFiling', vars: { number: context.lastTicket.itsmNumber } };
  return { key: 'repair.thanks', choices: [MENU_CHOICE] };
}

export function closingReply(context: ConversationContext): Reply {
  if (context.application || context.complaint || context.inquiry) return { key: 'repair.closingInProgress' };
  return { key: 'repair.closing' };
}

/** After the third unusable answer to one question: say so plainly, offer a person and the menu. */
export const stuckReply: Reply = { key: 'repair.stuck', choices: [OFFICER_CHOICE, MENU_CHOICE] };

/** Something that is not an answer to the open question (the question follows). */
export const notAnAnswerReply: Reply = { key: 'repair.notAnAnswer' };

export const botComplaintReply: Reply = { key: 'repair.botComplaint', choices: [OFFICER_CHOICE] };

/** A Marketplace problem told in the middle of a form: noted, how to report it, the form goes on. */
export const complaintMidFormReply: Reply = { key: 'repair.complaintMidForm', choices: [OFFICER_CHOICE] };

/** "Nanti", "nyusul": nothing is lost, they can go on later. */
export function laterReply(context: ConversationContext, photoRequired: boolean): Reply {
  if (context.application?.current === 'photo' && photoRequired) return { key: 'repair.photoLater', choices: [OFFICER_CHOICE] };
  return { key: 'repair.later' };
}

export const photoNotNowReply: Reply = { key: 'repair.photoNotNow' };

/** Kinds of message that are neither text nor a photo, each with its own reply. */
const MEDIA_KINDS = new Set(['sticker', 'audio', 'voice', 'video', 'document', 'location', 'contacts']);

export function mediaReply(what: string, atPhotoStep: boolean): Reply {
  const kind = what === 'voice' ? 'audio' : MEDIA_KINDS.has(what) ? what : 'other';
  return { key: atPhotoStep ? `media.photoStep.${kind}` : `media.${kind}` };
}

/** "Baik, data yang kami terima:" with the values just stored, in the form's order. */
export function understoodReply(stored: Partial<Record<FieldKey, string>>): Reply {
  const order: FieldKey[] = ['name', 'businessName', 'productType', 'city', 'province', 'phone', 'email'];
  const lines = order.filter((k) => stored[k] !== undefined).map((k) => ({ labelKey: `fields.${k}.label`, value: k === 'phone' ? displayPhone(stored[k]!) : stored[k]! }));
  return { key: 'repair.understood', lines };
}

/** Values given again as they are already recorded: said so, so that the question that follows is not a riddle. */
export function alreadyRecordedReply(same: Partial<Record<FieldKey, string>>): Reply {
  return { ...understoodReply(same), key: 'repair.alreadyRecorded' };
}

export function correctedReply(field: FieldKey, value: string): Reply {
  return { key: `repair.corrected.${field}`, vars: { value: field === 'phone' ? displayPhone(value) : value } };
}

/** A correction when nothing is in progress: a filed ticket is changed by an officer. */
export function correctionTooLateReply(context: ConversationContext): Reply {
  return context.lastTicket
    ? { key: 'repair.correctionAfterFiling', vars: { number: context.lastTicket.itsmNumber }, choices: [OFFICER_CHOICE] }
    : { key: 'repair.nothingToCorrect', choices: [MENU_CHOICE] };
}

/** Waiting for an officer: what they write reaches the officer, who answers here. */
export const officerNoteReply: Reply = { key: 'officer.waitingNote' };
