import { randomUUID } from 'node:crypto';
import { assign, emit, enqueueActions, fromPromise, setup } from 'xstate';
import { catalogEntry } from '../src/tickets/catalog.js';
import type { PhotoRef } from '../src/tickets/types.js';
import {
  MAX_ATTEMPTS,
  askReply,
  chooseFieldReply,
  displayPhone,
  newDraft,
  nextOpenStep,
  photoOptionalFor,
  summaryReply,
} from './application.js';
import { fieldFromWord, looksEnglish, type EditableField } from './commands.js';
import {
  CONFIDENT,
  URGENT_TYPES,
  browseReply,
  chooseTypeReply,
  confirmTypeReply,
  groupFromText,
  groupsReply,
  newComplaint,
  typeFromText,
  typeNumberOf,
  typesOfGroup,
  PAGE_SIZE,
  type NluResult,
} from './complaint.js';
import type { DialogEvent, HandoffReason, PhotoInput } from './events.js';
import { emailAsTyped, parseField, type FieldKey, type FieldOutcome } from './fields/index.js';
import { isMenu, type MenuItem } from './menu.js';
import type { Reply } from './reply.js';
import type { ConversationContext, ConversationInput, DialogTicket, Emitted, FileTicketInput, FilingOutcome, TicketQuery } from './conversationContext.js';
import { draftOf, ownsTicket, provesOwnership } from './ticketInputs.js';

export type * from './conversationContext.js';
export { draftOf, fileInputOf, refileInputOf } from './ticketInputs.js';
import { findTicketNumber } from './ticketNumber.js';

type UserEvent = Extract<DialogEvent, { type: 'USER' }>;

const officerOffer: Reply = { key: 'seller.offerOfficer', choices: [{ value: 'petugas', key: 'choices.officer' }] };

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


const currentField = (context: ConversationContext): FieldKey => {
  const step = draftOf(context).current;
  if (step === 'photo') throw new Error('The current step is the photo, not a field');
  return step;
};

const outcomeOf = (context: ConversationContext, event: UserEvent): FieldOutcome => parseField(currentField(context), event.text);
const editTarget = (event: UserEvent): EditableField | null => (event.command?.kind === 'edit' ? event.command.field : null);
const userText = (event: DialogEvent): string => (event.type === 'USER' ? event.text : '');

const nluOf = (event: unknown): NluResult => (event as { output: NluResult }).output;
const ticketsOf = (event: unknown): DialogTicket[] => (event as { output: DialogTicket[] }).output;

/** Types, services, guards and actions of the conversation machine; its states live in dialogs/states/. */
export const conversationSetup = setup({
  types: {
    context: {} as ConversationContext,
    events: {} as DialogEvent,
    input: {} as ConversationInput,
    emitted: {} as Emitted,
  },
  actors: {
    // Provided by the bot (src/bot/dialogServices.ts): ticketing, photo pipeline, classifier.
    fileTicket: fromPromise<FilingOutcome, FileTicketInput>(async () => {
      throw new Error('fileTicket not provided');
    }),
    ingestPhoto: fromPromise<PhotoRef, { source: PhotoInput }>(async () => {
      throw new Error('ingestPhoto not provided');
    }),
    classify: fromPromise<NluResult, { text: string }>(async () => {
      throw new Error('classify not provided');
    }),
    findTickets: fromPromise<DialogTicket[], TicketQuery>(async () => {
      throw new Error('findTickets not provided');
    }),
  },
  guards: {
    isYes: ({ event }) => event.type === 'USER' && event.command?.kind === 'yes',
    isNo: ({ event }) => event.type === 'USER' && event.command?.kind === 'no',
    isSkip: ({ event }) => event.type === 'USER' && event.command?.kind === 'skip',
    isEditAll: ({ event }) => event.type === 'USER' && event.command?.kind === 'edit' && event.command.field === null,
    /** "ubah email", "ganti foto": any step can be changed at any time. */
    isEditOfStep: ({ event }) => event.type === 'USER' && editTarget(event) !== null,
    /** A bare field name ("email") while choosing which field to change. */
    isFieldWord: ({ event }) => event.type === 'USER' && fieldFromWord(event.text) !== null,
    isMenu: ({ event }, item: MenuItem) => event.type === 'USER' && isMenu(event.text, item),
    hasTicketNumber: ({ event }) => event.type === 'USER' && findTicketNumber(event.text) !== null,
    /** "kirim" / "ya" again after a ticket was filed: a double tap, not a new request. */
    repeatsConfirmation: ({ context, event }) => event.type === 'USER' && event.command?.kind === 'yes' && (context.lastTicket !== null || context.awaitingNumber === true),
    isGreeting: ({ event }) => event.type === 'USER' && event.command?.kind === 'greeting',
    looksEnglish: ({ context, event }) => context.locale === 'id' && event.type === 'USER' && looksEnglish(event.text),
    answerValid: ({ context, event }) => event.type === 'USER' && outcomeOf(context, event).kind === 'valid',
    answerNeedsConfirm: ({ context, event }) => event.type === 'USER' && outcomeOf(context, event).kind === 'confirm',
    tooManyFailures: ({ context }) => draftOf(context).attempts + 1 >= MAX_ATTEMPTS,
    /** Every field answered and the photo given (or skipped where it is optional). */
    formComplete: ({ context }) => nextOpenStep(draftOf(context)) === null,
    /** An email the applicant says is right as typed, if it is a well-formed address ("budi@gmail" is not). */
    typedEmailUsable: ({ context }) => {
      const draft = draftOf(context);
      return draft.current === 'email' && draft.pending !== null && emailAsTyped(draft.pending.typed) !== undefined;
    },
    photoOptional: ({ context }) => photoOptionalFor(draftOf(context), context.channel),
    atPhotoStep: ({ context }) => draftOf(context).current === 'photo',
    isComplaintForm: ({ context }) => draftOf(context).kind === 'complaint',
    /** Recorded in the outbox, not filed yet: the ITSM is down and the number follows later. */
    filingQueued: ({ event }) => (event as { output?: { queued?: unknown } }).output?.queued === true,
    // Classifier results (onDone of `classify`).
    nluIs: ({ event }, label: string) => nluOf(event).label === label,
    nluConfidentType: ({ event }) => typeNumberOf(nluOf(event).label) !== null && nluOf(event).confidence >= CONFIDENT,
    nluHasTypes: ({ event }) => newComplaint('', nluOf(event)).candidates.length > 0,
    nluUnsure: ({ event }) => nluOf(event).confidence < 0.3,
    /** The previous message could not be placed either: the second in a row goes to an officer. */
    unplacedBefore: ({ context }) => (context.unplaced ?? 0) >= 1,
    inForm: ({ context }) => context.application !== null,
    inComplaintSelection: ({ context }) => context.complaint !== null && context.application === null,
    lastTextEnglish: ({ context }) => context.locale === 'id' && looksEnglish(context.lastText),
    // Complaint type selection.
    typedType: ({ event }) => event.type === 'USER' && typeFromText(event.text) !== null,
    typedGroup: ({ event }) => event.type === 'USER' && groupFromText(event.text) !== null,
    isNext: ({ event }) => event.type === 'USER' && /^(berikutnya|next|lanjut|selanjutnya)$/i.test(event.text.trim()),
    hasMorePages: ({ context }) => {
      const c = context.complaint;
      return c !== null && c.group !== null && (c.page + 1) * PAGE_SIZE < typesOfGroup(c.group).length;
    },
    hasCandidates: ({ context }) => (context.complaint?.candidates.length ?? 0) > 0,
    isUrgentType: ({ context }) => URGENT_TYPES.includes(context.complaint?.catalogNumber ?? 0),
    hasEarlierContact: ({ event }) => ticketsOf(event).some((t) => t.applicant.name && t.applicant.phone && t.applicant.email),
    // Status look-ups.
    foundNone: ({ event }) => ticketsOf(event).length === 0,
    foundOwned: ({ context, event }) => {
      const first = ticketsOf(event)[0];
      return first !== undefined && ownsTicket(context, first);
    },
    provesOwnership: ({ context, event }) => event.type === 'USER' && context.inquiry?.ticket != null && provesOwnership(event.text, context.inquiry.ticket),
  },
  actions: {
    say: emit((_, reply: Reply) => ({ type: 'reply' as const, reply })),
    sayWelcome: emit(() => ({ type: 'reply' as const, reply: welcomeReply() })),
    askCurrent: emit(({ context }) => {
      const draft = draftOf(context);
      return { type: 'reply' as const, reply: askReply(draft.current, context.channel, context.profile, draft.kind) };
    }),
    saySummary: emit(({ context }) => {
      const draft = draftOf(context);
      const c = context.complaint;
      const problem = draft.kind === 'complaint' && c ? { label: catalogEntry(c.catalogNumber ?? 0)?.label ?? '-', description: c.description } : null;
      return { type: 'reply' as const, reply: summaryReply(draft, problem) };
    }),
    sayChooseField: emit(({ context }) => ({ type: 'reply' as const, reply: chooseFieldReply(draftOf(context).kind) })),
    sayInvalid: emit(({ context, event }) => {
      const outcome = event.type === 'USER' ? outcomeOf(context, event) : null;
      const error = outcome?.kind === 'invalid' ? outcome.error : 'invalid';
      return { type: 'reply' as const, reply: { key: `fields.${currentField(context)}.errors.${error}` } };
    }),
    sayConfirm: emit(({ context }) => {
      const draft = draftOf(context);
      return {
        type: 'reply' as const,
        reply: {
          key: `fields.${currentField(context)}.confirm`,
          vars: { value: draft.pending?.value ?? '', typed: draft.pending?.typed ?? '' },
          choices: [
            { value: 'ya', key: 'choices.yes' },
            { value: 'tidak', key: 'choices.no' },
          ],
        },
      };
    }),
    offerOfficer: emit(() => ({ type: 'reply' as const, reply: officerOffer })),
    /** After the third failed answer to one question (attempts already counted). */
    offerOfficerWhenStuck: enqueueActions(({ context, enqueue }) => {
      if ((context.application?.attempts ?? 0) >= MAX_ATTEMPTS) enqueue.emit({ type: 'reply', reply: officerOffer });
    }),
    sayDone: emit(({ context }) => {
      const draft = draftOf(context);
      return {
        type: 'reply' as const,
        reply: {
          key: draft.kind === 'complaint' ? 'complaint.done' : 'seller.done',
          vars: { number: context.lastTicket?.itsmNumber ?? '', phone: displayPhone(draft.fields.phone ?? ''), email: draft.fields.email ?? '' },
        },
      };
    }),
    sayAlreadyFiled: emit(({ context }) => ({
      type: 'reply' as const,
      reply: context.awaitingNumber ? { key: 'seller.alreadyQueued' } : { key: 'seller.alreadyFiled', vars: { number: context.lastTicket?.itsmNumber ?? '' } },
    })),
    markAwaitingNumber: assign({ awaitingNumber: () => true }),
    sayPhotoError: emit(({ context }) => ({ type: 'reply' as const, reply: { key: `seller.photo.errors.${context.photoError ?? 'corrupt'}` } })),
    sayCancelled: emit(({ context }) => ({
      type: 'reply' as const,
      reply:
        context.application?.kind === 'complaint' || (context.complaint && !context.application)
          ? { key: 'complaint.cancelled', choices: welcomeReply().choices }
          : { key: 'seller.cancelled', choices: [{ value: 'daftar seller', key: 'choices.register' }] },
    })),
    // Complaint type selection.
    sayConfirmType: emit(({ context }) => ({ type: 'reply' as const, reply: confirmTypeReply(context.complaint?.candidates[0] ?? 0) })),
    sayChooseType: emit(({ context }) => ({ type: 'reply' as const, reply: chooseTypeReply(context.complaint?.candidates ?? []) })),
    sayGroups: emit(() => ({ type: 'reply' as const, reply: groupsReply() })),
    sayBrowse: emit(({ context }) => ({ type: 'reply' as const, reply: browseReply(context.complaint?.group ?? 0, context.complaint?.page ?? 0) })),
    sayPrefill: emit(({ context }) => {
      const a = context.earlier?.applicant;
      return {
        type: 'reply' as const,
        reply: {
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
        },
      };
    }),
    // Status.
    sayStatus: emit(({ context }) => {
      const ticket = context.inquiry?.ticket;
      const latest = ticket?.latestReply;
      return {
        type: 'reply' as const,
        reply: {
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
        },
      };
    }),
    sayRefiled: emit(({ context }) => {
      const a = context.inquiry?.ticket?.applicant;
      return {
        type: 'reply' as const,
        reply: {
          key: 'status.refiled',
          vars: { number: context.lastTicket?.itsmNumber ?? '', previous: context.inquiry?.ticket?.number ?? '', phone: displayPhone(a?.phone ?? ''), email: a?.email ?? '' },
        },
      };
    }),
    // Context updates.
    startSellerForm: assign({ application: () => newDraft(randomUUID(), 'seller'), complaint: () => null, unplaced: () => 0 }),
    startComplaintForm: assign({
      application: ({ context }, usePrevious: boolean) => {
        const a = context.earlier?.applicant;
        return newDraft(randomUUID(), 'complaint', usePrevious && a ? { name: a.name, phone: a.phone, email: a.email } : {});
      },
    }),
    rememberText: assign({ lastText: ({ event }) => userText(event) }),
    startComplaint: assign({ complaint: ({ context }) => newComplaint(context.lastText, null), application: () => null, unplaced: () => 0 }),
    startComplaintFromNlu: assign({ complaint: ({ context, event }) => newComplaint(context.lastText, nluOf(event)), application: () => null, unplaced: () => 0 }),
    setComplaintCandidates: assign({
      complaint: ({ context, event }) => ({ ...newComplaint(context.lastText, nluOf(event)), description: context.lastText }),
    }),
    selectFirstCandidate: assign({ complaint: ({ context }) => (context.complaint ? { ...context.complaint, catalogNumber: context.complaint.candidates[0] ?? null } : null) }),
    selectTypedType: assign({
      complaint: ({ context, event }) => (context.complaint ? { ...context.complaint, catalogNumber: typeFromText(userText(event)) } : null),
    }),
    selectTypedGroup: assign({
      complaint: ({ context, event }) => (context.complaint ? { ...context.complaint, group: groupFromText(userText(event)), page: 0 } : null),
    }),
    nextPage: assign({ complaint: ({ context }) => (context.complaint ? { ...context.complaint, page: context.complaint.page + 1 } : null) }),
    rememberEarlier: assign({ earlier: ({ event }) => ticketsOf(event).find((t) => t.applicant.name && t.applicant.phone && t.applicant.email) ?? null }),
    startInquiry: assign({ inquiry: ({ event }) => ({ number: findTicketNumber(userText(event)), ticket: null, refileKey: null, refileText: null }) }),
    startOwnInquiry: assign({ inquiry: () => ({ number: null, ticket: null, refileKey: null, refileText: null }), unplaced: () => 0 }),
    setInquiryTicket: assign({
      inquiry: ({ context, event }) => {
        const ticket = ticketsOf(event)[0] ?? null;
        return { number: ticket?.number ?? null, ticket, refileKey: null, refileText: null, ...(context.inquiry ? { refileKey: context.inquiry.refileKey } : {}) };
      },
    }),
    startRefile: assign({ inquiry: ({ context }) => (context.inquiry ? { ...context.inquiry, refileKey: context.inquiry.refileKey ?? randomUUID() } : null) }),
    rememberRefileText: assign({ inquiry: ({ context, event }) => (context.inquiry ? { ...context.inquiry, refileText: userText(event) } : null) }),
    endInquiry: assign({ inquiry: () => null }),
    // Form updates.
    storeAnswer: assign({
      application: ({ context, event }) => {
        const draft = draftOf(context);
        if (event.type !== 'USER') return draft;
        const outcome = outcomeOf(context, event);
        if (outcome.kind !== 'valid') return draft;
        return { ...draft, fields: { ...draft.fields, [currentField(context)]: outcome.value }, attempts: 0 };
      },
    }),
    setPending: assign({
      application: ({ context, event }) => {
        const draft = draftOf(context);
        if (event.type !== 'USER') return draft;
        const outcome = outcomeOf(context, event);
        return outcome.kind === 'confirm' ? { ...draft, pending: { value: outcome.value, typed: outcome.typed } } : draft;
      },
    }),
    acceptPending: assign({
      application: ({ context }) => {
        const draft = draftOf(context);
        if (!draft.pending) return draft;
        return { ...draft, fields: { ...draft.fields, [currentField(context)]: draft.pending.value }, pending: null, attempts: 0 };
      },
    }),
    /** An email whose domain looked like a typo, kept as typed because the applicant said it is right. */
    keepTyped: assign({
      application: ({ context }) => {
        const draft = draftOf(context);
        if (!draft.pending) return draft;
        const typed = emailAsTyped(draft.pending.typed);
        if (typed === undefined) return draft;
        return { ...draft, fields: { ...draft.fields, [currentField(context)]: typed }, pending: null, attempts: 0 };
      },
    }),
    dropPending: assign({ application: ({ context }) => ({ ...draftOf(context), pending: null }) }),
    countFailure: assign({ application: ({ context }) => ({ ...draftOf(context), attempts: draftOf(context).attempts + 1 }) }),
    moveToNextOpen: assign({
      application: ({ context }) => {
        const draft = draftOf(context);
        return { ...draft, current: nextOpenStep(draft) ?? draft.current, attempts: 0, pending: null };
      },
    }),
    beginEdit: assign({
      application: ({ context, event }) => {
        const draft = draftOf(context);
        const field = event.type === 'USER' ? editTarget(event) : null;
        return field ? { ...draft, current: field, attempts: 0, pending: null } : draft;
      },
    }),
    beginEditByWord: assign({
      application: ({ context, event }) => {
        const draft = draftOf(context);
        const field = event.type === 'USER' ? fieldFromWord(event.text) : null;
        return field ? { ...draft, current: field, attempts: 0, pending: null } : draft;
      },
    }),
    editPhotoFromSummary: assign({ application: ({ context }) => ({ ...draftOf(context), current: 'photo' as const }) }),
    skipPhoto: assign({ application: ({ context }) => ({ ...draftOf(context), photoSkipped: true, attempts: 0 }) }),
    storePhoto: assign({
      application: ({ context }, photo: PhotoRef) => ({ ...draftOf(context), photo, photoSkipped: false, attempts: 0 }),
      photoError: () => null,
    }),
    recordPhotoError: assign({
      photoError: (_, error: unknown) => {
        const code = (error as { code?: unknown } | null)?.code;
        return typeof code === 'string' ? code : 'corrupt';
      },
      application: ({ context }) => ({ ...draftOf(context), attempts: draftOf(context).attempts + 1 }),
    }),
    recordTicket: assign({
      lastTicket: ({ context }, outcome: FilingOutcome) => ('itsmNumber' in outcome ? outcome : context.lastTicket),
      awaitingNumber: () => false,
    }),
    endForm: assign({ application: () => null, complaint: () => null, earlier: () => null }),
    recordOfficerWish: assign({ officerRequested: () => true }),
    /**
     * Asks the bot to put the conversation in the officers' queue. Without a reason it is the
     * customer's own wish, or, after the third failed answer to one question, the accepted offer.
     */
    requestHandoff: enqueueActions(({ context, enqueue }, reason?: HandoffReason) => {
      const stuck = (context.application?.attempts ?? 0) >= MAX_ATTEMPTS;
      enqueue.assign({ officerRequested: true });
      enqueue.emit({ type: 'handoff', reason: reason ?? (stuck ? 'stuck' : 'asked'), formInProgress: context.application !== null || context.complaint !== null });
    }),
    countUnplaced: assign({ unplaced: ({ context }) => (context.unplaced ?? 0) + 1 }),
    resetUnplaced: assign({ unplaced: () => 0 }),
    joinOfficer: assign({ officer: ({ context, event }) => (event.type === 'OFFICER_JOINED' ? event.officer : context.officer) }),
    recordOfficerTicket: assign({ lastTicket: ({ context, event }) => (event.type === 'FILED_BY_OFFICER' ? event.ticket : context.lastTicket) }),
    setLocale: assign({ locale: ({ context, event }) => (event.type === 'LANGUAGE' ? event.locale : context.locale) }),
    setProfile: assign({ profile: ({ context, event }) => (event.type === 'PROFILE' ? event.profile : context.profile) }),
  },
});

