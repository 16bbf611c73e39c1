import type { OpenQuestion } from './understanding.js';
import { displayPhone } from '../src/phone.js';
import { askReply, chooseFieldReply, photoOptionalFor, summaryReply } from './application.js';
import { browseReply, chooseTypeReply, confirmTypeReply, groupsReply, typeLabel } from './complaint.js';
import type { ConversationContext } from './conversationContext.js';
import { mismatchReply } from './placeCheck.js';
import type { Reply } from './reply.js';
import { confirmRefileReply, contactPrompt, foundListReply, unansweredReply } from './inquiry.js';

/** The welcome menu: the four services, as buttons. */
export function welcomeReply(key = 'welcome.greeting'): Reply {
  return {
    key,
    choices: [
      { value: 'daftar seller', key: 'choices.register' },
      { value: 'lapor masalah', key: 'choices.report' },
      { value: 'cek status', key: 'choices.checkStatus' },
      { value: 'petugas', key: 'choices.officer' },
    ],
  };
}

const YES_NO = [
  { value: 'ya', key: 'choices.yes' },
  { value: 'tidak', key: 'choices.no' },
];

/** "Did you mean …?" for the value the form guessed (a city, province or email typo), or which of city and province is right. */
export function confirmPendingReply(context: ConversationContext): Reply {
  const draft = context.application;
  if (draft?.pending?.about === 'mismatch') return mismatchReply(draft);
  const field = draft?.current === 'photo' ? 'province' : (draft?.current ?? 'province');
  return { key: `fields.${field}.confirm`, vars: { value: draft?.pending?.value ?? '', typed: draft?.pending?.typed ?? '' }, choices: YES_NO };
}

export function summaryOf(context: ConversationContext): Reply {
  const draft = context.application;
  if (!draft) return welcomeReply();
  const c = context.complaint;
  const problem = draft.kind === 'complaint' && c ? { label: c.catalogNumber ? typeLabel(c.catalogNumber) : '-', description: c.description } : null;
  return summaryReply(draft, problem);
}

export function prefillReply(context: ConversationContext): Reply {
  const a = context.earlier?.applicant;
  return {
    key: 'complaint.prefill',
    lines: [
      { labelKey: 'fields.name.label', value: a?.name ?? '' },
      { labelKey: 'fields.phone.label', value: displayPhone(a?.phone ?? '') },
      { labelKey: 'fields.email.label', value: a?.email ?? '' },
    ],
    after: [{ key: 'complaint.prefillQuestion' }],
    choices: [
      { value: 'ya', key: 'choices.usePrevious' },
      { value: 'tidak', key: 'choices.enterNew' },
    ],
  };
}

export function statusReply(context: ConversationContext): Reply {
  const ticket = context.inquiry?.ticket;
  const latest = ticket?.latestReply;
  return {
    key: 'status.show',
    vars: { number: ticket?.number ?? '', status: ticket?.status ?? '', type: ticket?.serviceType ?? '' },
    after: [
      latest ? { key: 'status.latestReply', vars: { text: latest.text, at: latest.at.slice(0, 10) } } : { key: 'status.noReplyYet' },
      { key: 'status.settledQuestion' },
    ],
    choices: [
      { value: 'sudah', key: 'choices.settled' },
      { value: 'belum', key: 'choices.notSettled' },
    ],
  };
}

/**
 * The open question as the customer reads it: what every waiting state asks on entry, and what
 * is asked again after anything that was not its answer (a question, a greeting, a correction,
 * a sticker). One place, so that re-asking is the same everywhere.
 */
export function promptFor(context: ConversationContext): Reply {
  const open = context.open ?? { kind: 'menu' };
  const draft = context.application;
  switch (open.kind) {
    case 'menu':
      return welcomeReply('welcome.menu');
    case 'field':
      return askReply(open.field, context.channel, context.profile, draft?.kind);
    case 'photo':
      return askReply('photo', context.channel, context.profile, draft?.kind);
    case 'summary':
      return summaryOf(context);
    case 'yesNo':
      return yesNoPrompt(open.about, context);
    case 'choice':
      return choicePrompt(open.about, context);
    case 'freeText':
      return open.about === 'refile'
        ? { key: 'status.refileDescribe', vars: { number: context.inquiry?.ticket?.number ?? '' } }
        : { key: 'complaint.describe' };
    case 'ticketNumber':
      return { key: 'status.askNumber', choices: [{ value: 'lupa nomornya', key: 'choices.lostNumber' }] };
    case 'proof':
      return { key: 'status.verify', vars: { number: context.inquiry?.number ?? '' } };
    case 'contact':
      return contactPrompt(context.inquiry);
  }
}

function yesNoPrompt(about: string, context: ConversationContext): Reply {
  switch (about) {
    case 'complaintType':
      return confirmTypeReply(context.complaint?.candidates[0] ?? 0);
    case 'prefill':
      return prefillReply(context);
    case 'settled':
      return statusReply(context);
    case 'refile':
      return confirmRefileReply(context.inquiry);
    case 'retry':
      return { key: 'seller.submitFailed', choices: [{ value: 'kirim', key: 'choices.retry' }] };
    default:
      return confirmPendingReply(context);
  }
}

function choicePrompt(about: string, context: ConversationContext): Reply {
  const c = context.complaint;
  switch (about) {
    case 'complaintType':
      return chooseTypeReply(c?.candidates ?? []);
    case 'group':
      return groupsReply();
    case 'browse':
      return browseReply(c?.group ?? 0, c?.page ?? 0);
    case 'ticket':
      return foundListReply(context.inquiry?.found ?? []);
    case 'unanswered':
      return unansweredReply(context.inquiry?.ticket);
    default:
      return chooseFieldReply(context.application?.kind);
  }
}

/** The open question of a form at its current step. */
export function formOpen(context: ConversationContext): OpenQuestion {
  const draft = context.application;
  if (!draft) return { kind: 'menu' };
  if (draft.current === 'photo') return { kind: 'photo', required: !photoOptionalFor(draft, context.channel) };
  return { kind: 'field', field: draft.current };
}
