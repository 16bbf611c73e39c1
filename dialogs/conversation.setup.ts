import { randomUUID } from 'node:crypto';
import { assign, emit, enqueueActions, fromPromise, setup } from 'xstate';
import type { Act, OpenQuestion } from './understanding.js';
import type { PhotoRef } from '../src/tickets/types.js';
import { displayPhone } from '../src/phone.js';
import { FORM_FIELDS, MAX_ATTEMPTS, newDraft, nextOpenStep, photoOptionalFor } from './application.js';
import { looksEnglish } from '../src/nlu/understanding/language.js';
import { asksToSubmit, fieldFromWord, type EditableField } from './commands.js';
import { URGENT_TYPES, oneTapType, groupFromText, newComplaint, typeFromText, typesOfGroup, PAGE_SIZE, type NluResult } from './complaint.js';
import type { DialogEvent, HandoffReason, PhotoInput } from './events.js';
import { emailAsTyped, parseField, type FieldKey, type FieldOutcome } from './fields/index.js';
import { restartForm, stepBack, takeFields } from './formEdits.js';
import { answersForm, choosesChat, formAnnouncesQuestion, formReason, markAnnounced, offerForm, takeFormAnswers } from './sellerForm.js';
import { contradictsCity, keepProvinceAskCity, provinceNamed, regionOf, regionReply, settlePlaces } from './placeCheck.js';
import { isMenu, type MenuItem } from './menu.js';
import { formOpen, promptFor, welcomeReply } from './prompts.js';
import {
  answerTo,
  botComplaintReply,
  closingReply,
  complaintMidFormReply,
  correctedReply,
  correctionTooLateReply,
  greetingReply,
  laterReply,
  mediaReply,
  notAnAnswerReply,
  officerNoteReply,
  photoNotNowReply,
  stuckReply,
  thanksReply,
  understoodReply,
  alreadyRecordedReply,
} from './repair.js';
import type { Reply } from './reply.js';
import type { ConversationContext, ConversationInput, DialogTicket, Emitted, FileTicketInput, FilingOutcome, Inquiry, TicketQuery } from './conversationContext.js';
import { doneKey, draftOf, ownsTicket } from './ticketInputs.js';
import { contactIn, contactNotFoundReply, explanationIn, pickedFrom, provesOwnership, saysNumberLost, lostReportNumber, asksAboutOwnReport } from './inquiry.js';

export type * from './conversationContext.js';
export { draftOf, fileInputOf, refileInputOf } from './ticketInputs.js';
export { welcomeReply } from './prompts.js';
import { findTicketNumber } from './ticketNumber.js';

const officerOffer: Reply = { key: 'seller.offerOfficer', choices: [{ value: 'petugas', key: 'choices.officer' }] };

const actOf = (event: DialogEvent): Act | null => (event.type === 'USER' ? event.act : null);
const userText = (event: DialogEvent): string => (event.type === 'USER' ? event.text : '');

const currentField = (context: ConversationContext): FieldKey => {
  const step = draftOf(context).current;
  if (step === 'photo') throw new Error('The current step is the photo, not a field');
  return step;
};

/** The text that answers the open field: the message, or the value given for that very field. */
function answerText(context: ConversationContext, event: DialogEvent): string | null {
  const act = actOf(event);
  if (!act) return null;
  if (act.kind === 'answer') return userText(event);
  if (act.kind === 'fields' && context.application && context.application.current !== 'photo') {
    const fields = Object.keys(act.fields);
    const value = act.fields[context.application.current];
    return fields.length === 1 && value !== undefined ? value : null;
  }
  return null;
}

const outcomeOf = (context: ConversationContext, event: DialogEvent): FieldOutcome | null => {
  const text = answerText(context, event);
  return text === null ? null : parseField(currentField(context), text);
};

/** Why an answer cannot be used; for a region ("jawa") at the province, its provinces to choose from. */
function invalidReply(field: FieldKey, error: string, text: string): Reply {
  return (field === 'province' && error === 'region' ? regionReply(text) : null) ?? { key: `fields.${field}.errors.${error}` };
}

/** A correction's field and value, or "ubah email" (value null). */
const correctionOf = (event: DialogEvent) => {
  const act = actOf(event);
  return act?.kind === 'correction' ? act : null;
};

const fieldsOf = (event: DialogEvent): Partial<Record<FieldKey, string>> => {
  const act = actOf(event);
  return act?.kind === 'fields' ? act.fields : {};
};

/** Seller fields given at the opener: two or more mean an application, whatever else the message says. */
const SELLER_ONLY: readonly FieldKey[] = ['businessName', 'productType'];

/** Whether two open questions are one question for the customer: a field and the guess for that field. */
function sameQuestion(before: OpenQuestion | undefined, after: OpenQuestion): boolean {
  if (!before) return false;
  const pending = (o: OpenQuestion) => o.kind === 'yesNo' && o.about === 'pending';
  if (before.kind === 'field' && after.kind === 'field') return before.field === after.field;
  return (before.kind === 'field' && pending(after)) || (pending(before) && after.kind === 'field') || (pending(before) && pending(after));
}

/** A status look-up with nothing known yet; `more` fills in what is. */
const newInquiry = (more: Partial<Inquiry> = {}): Inquiry => ({ number: null, ticket: null, refileKey: null, refileText: null, said: null, ...more });

/** Phone-and-email pairs that may miss before an officer takes over the search for a report. */
export const MAX_LOOKUP_MISSES = 3;

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
    // What the understanding step read the message as (src/nlu/understanding).
    is: ({ event }, kind: Act['kind']) => actOf(event)?.kind === kind,
    isYes: ({ event }) => actOf(event)?.kind === 'yes',
    isNo: ({ event }) => actOf(event)?.kind === 'no',
    isAnswer: ({ event }) => actOf(event)?.kind === 'answer',
    isFields: ({ event }) => actOf(event)?.kind === 'fields',
    isCorrection: ({ event }) => actOf(event)?.kind === 'correction',
    /** "iya, no hp sy 0812…" to a guess: the guess is taken, and the new values with it. */
    affirmsWithFields: ({ event }) => {
      const act = actOf(event);
      return act?.kind === 'fields' && act.affirmed === true;
    },
    /** "bukan, Jawa Timur" to the guess "Jawa Timur?": the refused guess again, not a new value. */
    fieldsRepeatGuess: ({ context, event }) => {
      const act = actOf(event);
      if (act?.kind !== 'fields' || act.denied !== true) return false;
      const draft = context.application;
      const field = draft?.current;
      const given = field && field !== 'photo' ? fieldsOf(event)[field] : undefined;
      if (!draft?.pending || given === undefined || field === undefined || field === 'photo') return false;
      const outcome = parseField(field, given);
      return outcome.kind !== 'invalid' && outcome.value === draft.pending.value;
    },
    /** A correction that names the field only ("ubah email"): its question is asked. */
    /** A correction of a step this form has (a complaint has no business name). */
    correctionInForm: ({ context, event }) => {
      const c = correctionOf(event);
      return c !== null && context.application !== null && (c.field === 'photo' || FORM_FIELDS[context.application.kind].includes(c.field));
    },
    correctionAsks: ({ event }) => correctionOf(event)?.value === null,
    correctionUnusable: ({ event }) => {
      const c = correctionOf(event);
      return c !== null && c.field !== 'photo' && c.value !== null && parseField(c.field, c.value).kind === 'invalid';
    },
    isComplaintAct: ({ event }) => actOf(event)?.kind === 'complaint',
    isQuestion: ({ event }) => actOf(event)?.kind === 'question',
    goesBack: ({ event }) => {
      const act = actOf(event);
      return act?.kind === 'navigation' && act.to === 'back';
    },
    goes: ({ event }, to: string) => {
      const act = actOf(event);
      return act?.kind === 'navigation' && act.to === to;
    },
    /** "nanti", "lewati", "lanjut", "tidak ada": passing on the open question. */
    passes: ({ event }) => {
      const act = actOf(event);
      return (act?.kind === 'navigation' && (act.to === 'later' || act.to === 'next')) || act?.kind === 'no';
    },
    /** "ubah" alone: which field? */
    isEditAll: ({ event }) => {
      const act = actOf(event);
      return act?.kind === 'answer' && /^(ubah|ganti|edit|koreksi|perbaiki|ralat|change|ubah data)$/i.test(userText(event).trim());
    },
    /** A bare field name ("email") while choosing which field to change. */
    isFieldWord: ({ event }) => event.type === 'USER' && fieldFromWord(event.text) !== null,
    isMenu: ({ event }, item: MenuItem) => event.type === 'USER' && isMenu(event.text, item),
    hasTicketNumber: ({ event }) => event.type === 'USER' && findTicketNumber(event.text) !== null,
    /** "kirim" again after a ticket was filed: a double tap, not a new request. */
    repeatsConfirmation: ({ context, event }) =>
      actOf(event)?.kind === 'yes' && /kirim|send|submit/i.test(userText(event)) && (context.lastTicket !== null || context.awaitingNumber === true),
    answerValid: ({ context, event }) => outcomeOf(context, event)?.kind === 'valid',
    /** A yes to the question that offered the profile's name or number ("iya itu nama sy"). */
    takesProfileDefault: ({ context, event }) => {
      if (actOf(event)?.kind !== 'yes' || !context.application || context.application.current === 'photo') return false;
      const field = context.application.current;
      const value = field === 'name' ? context.profile?.name : field === 'phone' ? context.profile?.phone : undefined;
      return value !== undefined && parseField(field, value).kind === 'valid';
    },
    answerNeedsConfirm: ({ context, event }) => outcomeOf(context, event)?.kind === 'confirm',
    /** The email or city the applicant said no to the guess for, typed again exactly: it is what they mean. */
    insistsOnTyped: ({ context, event }) => {
      const outcome = outcomeOf(context, event);
      const draft = context.application;
      if (outcome?.kind !== 'confirm' || draft?.refusedGuess !== outcome.typed) return false;
      return draft.current === 'city' || (draft.current === 'email' && emailAsTyped(outcome.typed) !== undefined);
    },
    /** "jawa" at the province question: which of its provinces? */
    answerIsRegion: ({ context, event }) => {
      const outcome = outcomeOf(context, event);
      return outcome?.kind === 'invalid' && outcome.error === 'region';
    },
    /** The region whose provinces were just offered, typed again. */
    repeatsRegion: ({ context, event }) => {
      const region = regionOf(answerText(context, event) ?? '');
      return region !== null && region === context.application?.regionAsked;
    },
    /** The region offered is also a province's name ("papua"): named again, that province is meant. */
    regionAskedIsProvince: ({ context }) => provinceNamed(context.application?.regionAsked ?? ''),
    /** The form's city and province disagree: which one is right? (see placeCheck.ts) */
    placesMismatch: ({ context }) => context.application?.pending?.about === 'mismatch',
    /** At that question, "tidak", or the province given typed again: the province stays, the city is asked. */
    keepsOwnProvince: ({ context, event }) => {
      const draft = context.application;
      if (draft?.pending?.about !== 'mismatch') return false;
      if (actOf(event)?.kind === 'no') return true;
      const outcome = outcomeOf(context, event);
      return outcome?.kind === 'valid' && outcome.value === draft.pending.typed;
    },
    answerInvalid: ({ context, event }) => outcomeOf(context, event)?.kind === 'invalid',
    tooManyMisses: ({ context }) => (context.misses ?? 0) + 1 >= MAX_ATTEMPTS,
    /** Every field answered and the photo given (or skipped where it is optional). */
    formComplete: ({ context }) => nextOpenStep(draftOf(context)) === null,
    photoOptional: ({ context }) => photoOptionalFor(draftOf(context), context.channel),
    saysSubmit: ({ event }) => event.type === 'USER' && asksToSubmit(event.text),
    atPhotoStep: ({ context }) => draftOf(context).current === 'photo',
    /** A value waits for "did you mean …?" (after several fields at once, or a correction). */
    hasPending: ({ context }) => context.application?.pending != null,
    isComplaintForm: ({ context }) => draftOf(context).kind === 'complaint',
    /** Recorded in the outbox, not filed yet: the ITSM is down and the number follows later. */
    filingQueued: ({ event }) => (event as { output?: { queued?: unknown } }).output?.queued === true,
    // Classifier results (onDone of `classify`).
    nluIs: ({ event }, label: string) => nluOf(event).label === label,
    nluConfidentType: ({ event }) => oneTapType(nluOf(event)) !== null,
    nluHasTypes: ({ event }) => newComplaint('', nluOf(event)).candidates.length > 0,
    nluUnsure: ({ event }) => nluOf(event).confidence < 0.3,
    /** The previous message could not be placed either: the second in a row goes to an officer. */
    unplacedBefore: ({ context }) => (context.unplaced ?? 0) >= 1,
    /** A question on one of the procedure's topics (not "other"). */
    asksAboutProcedure: ({ event }) => {
      const act = actOf(event);
      return act?.kind === 'question' && act.topic !== 'other';
    },
    /** "lanjutkan" / "lanjut": back to a form kept at the menu. */
    resumes: ({ event }) => {
      const act = actOf(event);
      return (act?.kind === 'navigation' && act.to === 'next') || (event.type === 'USER' && /^(lanjut|lanjutkan|lanjutin|teruskan|continue|go on|resume)\b/i.test(event.text.trim()));
    },
    /** "lanjut" at a question already answered (after "kembali"): on to the first open one, the answer kept. */
    passesAnswered: ({ context, event }) => {
      const act = actOf(event);
      const draft = context.application;
      return act?.kind === 'navigation' && act.to === 'next' && draft !== null && draft.current !== 'photo' && draft.fields[draft.current] !== undefined;
    },
    /** The text being classified was a question (see rememberText). */
    askedQuestion: ({ context }) => context.question != null,
    inForm: ({ context }) => context.application !== null,
    /** The channel shows the application as a form (a WhatsApp Flow): provided by the bot when one is configured. */
    formAvailable: ({ context: _context }) => false,
    answersForm: ({ context, event }) => answersForm(context.application, event),
    choosesChat: ({ context, event }) => event.type === 'USER' && choosesChat(context.application, event.text),
    /** A first message in English, while the conversation is still in the default Indonesian. */
    writesEnglish: ({ context, event }) => context.locale === 'id' && !context.languageChosen && event.type === 'USER' && looksEnglish(event.text),
    inComplaintSelection: ({ context }) => context.complaint !== null && context.application === null,
    /** Something the customer typed would be lost by leaving: a form or a report under way. */
    holdsData: ({ context }) => context.application !== null || context.complaint !== null,
    inProgress: ({ context }) => context.application !== null || context.complaint !== null || context.inquiry !== null,
    /** The customer asked for an officer and is waiting: their words are for the officer. */
    awaitingOfficer: ({ context }) => context.officerRequested,
    /** Values for the fields of a seller application at the opener ("nama sy …, usaha …, hp …"). */
    givesApplication: ({ event }) => {
      const given = Object.keys(fieldsOf(event)) as FieldKey[];
      return given.length >= 2 || given.some((f) => SELLER_ONLY.includes(f));
    },
    // Complaint type selection.
    typedType: ({ event }) => event.type === 'USER' && typeFromText(event.text) !== null,
    typedGroup: ({ event }) => event.type === 'USER' && groupFromText(event.text) !== null,
    isBrowseWord: ({ event }) => event.type === 'USER' && /^(kelompok|lihat per kelompok|browse|browse by group|lainnya)$/i.test(event.text.trim()),
    hasMorePages: ({ context }) => {
      const c = context.complaint;
      return c !== null && c.group !== null && (c.page + 1) * PAGE_SIZE < typesOfGroup(c.group).length;
    },
    hasCandidates: ({ context }) => (context.complaint?.candidates.length ?? 0) > 0,
    isUrgentType: ({ context }) => URGENT_TYPES.includes(context.complaint?.catalogNumber ?? 0),
    hasEarlierContact: ({ event }) => ticketsOf(event).some((t) => t.applicant.name && t.applicant.phone && t.applicant.email),
    // Status look-ups.
    foundNone: ({ event }) => ticketsOf(event).length === 0,
    foundSeveral: ({ event }) => ticketsOf(event).length > 1,
    /** From this conversation, their own WhatsApp number, or a list already proven theirs (phone and email). */
    foundOwned: ({ context, event }) => {
      const first = ticketsOf(event)[0];
      return first !== undefined && (ownsTicket(context, first) || (context.inquiry?.found ?? []).some((t) => t.number === first.number));
    },
    provesOwnership: ({ context, event }) => event.type === 'USER' && context.inquiry?.ticket != null && provesOwnership(event.text, context.inquiry.ticket),
    /** "lupa nomornya, chatnya kehapus" when asking: straight to finding the report by phone and email. */
    saidLost: ({ context }) => lostReportNumber(context.inquiry?.said ?? ''),
    /** A first message that says the report's number is lost: a status look-up, whatever the classifier makes of it. */
    saysReportNumberLost: ({ event }) => event.type === 'USER' && lostReportNumber(event.text),
    /** "gimana progres aduan saya kemarin": the status of their report, asked in words (the understanding step may read it as a question or a closing). */
    asksAboutOwnReport: ({ event }) => event.type === 'USER' && asksAboutOwnReport(event.text),
    /** "lupa", "ga punya", "nggak tau": no number at hand. */
    saysLost: ({ event }) => {
      const act = actOf(event);
      return act?.kind === 'no' || (act?.kind === 'navigation' && act.to === 'later') || (event.type === 'USER' && saysNumberLost(event.text));
    },
    givesContact: ({ event }) => {
      const given = event.type === 'USER' ? contactIn(event.text) : {};
      return given.phone !== undefined || given.email !== undefined;
    },
    contactComplete: ({ context }) => Boolean(context.inquiry?.contact?.phone && context.inquiry.contact.email),
    lookupExhausted: ({ context }) => (context.lookupMisses ?? 0) >= MAX_LOOKUP_MISSES,
    /** This miss is the last one allowed. */
    lastLookupMiss: ({ context }) => (context.lookupMisses ?? 0) + 1 >= MAX_LOOKUP_MISSES,
    picksListed: ({ context, event }) => event.type === 'USER' && pickedFrom(context.inquiry?.found ?? [], event.text) !== null,
    /** The support team has answered the report: whether it solved the matter can be asked. */
    hasSupportReply: ({ context }) => context.inquiry?.ticket?.latestReply != null,
    /** "belum, masih ga bisa login": the explanation of a follow-up, given with the no. */
    explainsNow: ({ event }) => event.type === 'USER' && explanationIn(event.text) !== null,
    /** "ITSM-… kok masih belum bisa login": said when asking. */
    explainedBefore: ({ context }) => explanationIn(context.inquiry?.said ?? '') !== null,
    /** Asked for the explanation: a word of one is enough, status talk alone is not ("ya blm ada kabar"). */
    describesProblem: ({ event }) => event.type === 'USER' && explanationIn(event.text, 1) !== null,
  },
  actions: {
    say: emit((_, reply: Reply) => ({ type: 'reply' as const, reply })),
    /**
     * What every waiting state does on entry: remember what it waits for (the understanding step
     * reads the next message against it), start counting unusable answers afresh, and ask.
     */
    expect: enqueueActions(({ context, event, enqueue }, open: OpenQuestion | 'form') => {
      const next = open === 'form' ? formOpen(context) : open;
      // Back at the same question (a guess refused, asked again): its misses go on counting.
      enqueue.assign({ open: next, misses: sameQuestion(context.open, next) ? context.misses : 0 });
      // The form just sent stands in for the first question (sellerForm.ts).
      if (open === 'form' && formAnnouncesQuestion(context.application)) {
        enqueue.assign({ application: markAnnounced(draftOf(context)) });
        return;
      }
      // A field the form gave but that did not validate: why, before its question.
      const reason = open === 'form' ? formReason(context.application) : null;
      if (reason) {
        enqueue.assign({ application: reason.draft });
        enqueue.emit({ type: 'reply', reply: reason.reply });
      }
      // Entered because a photo came (a new one from the summary): it is the answer, not asked for.
      if (event.type !== 'PHOTO') enqueue.emit({ type: 'reply', reply: promptFor({ ...context, open: next }) });
    }),
    /** The same without asking (the menu after a reply that already says what is next). */
    setOpen: assign({ open: (_, open: OpenQuestion) => open, misses: () => 0 }),
    /** Asks the open question again (after something that was not its answer). */
    reask: emit(({ context }) => ({ type: 'reply' as const, reply: promptFor(context) })),
    /** The same, only while something is in progress (after thanks with nothing open, no menu is pushed). */
    reaskInProgress: enqueueActions(({ context, enqueue }) => {
      if (context.application || context.complaint || context.inquiry) enqueue.emit({ type: 'reply', reply: promptFor(context) });
    }),
    sayWelcome: emit(() => ({ type: 'reply' as const, reply: welcomeReply() })),
    sayInvalid: emit(({ context, event }) => {
      const outcome = outcomeOf(context, event);
      const error = outcome?.kind === 'invalid' ? outcome.error : 'invalid';
      return { type: 'reply' as const, reply: invalidReply(currentField(context), error, answerText(context, event) ?? '') };
    }),
    /** The provinces of the region typed ("jawa"), as choices. */
    rememberRegion: assign({
      application: ({ context, event }) => ({ ...draftOf(context), regionAsked: regionOf(answerText(context, event) ?? '') ?? undefined }),
    }),
    storeRegionProvince: assign({
      application: ({ context }) => {
        const draft = draftOf(context);
        const { regionAsked: region, ...rest } = draft;
        return region ? { ...rest, fields: { ...draft.fields, province: region }, attempts: 0 } : draft;
      },
    }),
    sayRegion: emit(({ context, event }) => ({ type: 'reply' as const, reply: invalidReply('province', 'region', answerText(context, event) ?? '') })),
    offerOfficer: emit(() => ({ type: 'reply' as const, reply: officerOffer })),
    /** After the third unusable answer to one question (misses already counted). */
    offerOfficerWhenStuck: enqueueActions(({ context, enqueue }) => {
      // Not again to someone already waiting for one.
      if ((context.misses ?? 0) < MAX_ATTEMPTS || context.officerRequested) return;
      enqueue.emit({ type: 'reply', reply: officerOffer });
      // A plain yes next takes the offer, unless the question itself is a yes/no one (then it answers that).
      const open = context.open?.kind;
      if (open !== 'yesNo' && open !== 'summary') enqueue.assign({ offeredOfficerAt: context.misses });
    }),
    /**
     * An unusable answer (text, or a sticker, a voice note, …): counted; the first two are told
     * what is wanted and asked again, the third says so plainly and offers an officer and the
     * menu (no loops, anywhere).
     */
    miss: enqueueActions(({ context, event, enqueue }) => {
      const misses = (context.misses ?? 0) + 1;
      enqueue.assign({ misses });
      if (event.type === 'UNSUPPORTED') enqueue.emit({ type: 'reply', reply: mediaReply(event.what, context.open?.kind === 'photo') });
      if (misses >= MAX_ATTEMPTS) {
        // The officer (or the menu) is now what is asked: a plain yes or no next answers that.
        enqueue.assign({ offeredOfficerAt: misses });
        enqueue.emit({ type: 'reply', reply: stuckReply });
        return;
      }
      if (event.type !== 'UNSUPPORTED') enqueue.emit({ type: 'reply', reply: notAnAnswerReply });
      enqueue.emit({ type: 'reply', reply: promptFor(context) });
    }),
    // What is not an answer, answered (then `reask`).
    sayGreeting: emit(({ event }) => {
      const act = actOf(event);
      return { type: 'reply' as const, reply: greetingReply(act?.kind === 'greeting' && act.religious) };
    }),
    /** At the menu the welcome says hello itself; a religious greeting is still answered in kind first. */
    answerSalam: enqueueActions(({ event, enqueue }) => {
      const act = actOf(event);
      if ((act?.kind === 'greeting' && act.religious) || act?.greeting === 'religious') enqueue.emit({ type: 'reply', reply: greetingReply(true) });
    }),
    sayThanks: emit(({ context }) => ({ type: 'reply' as const, reply: thanksReply(context) })),
    sayClosing: emit(({ context }) => ({ type: 'reply' as const, reply: closingReply(context) })),
    sayAnswer: emit(({ context, event }) => {
      const act = actOf(event);
      return { type: 'reply' as const, reply: answerTo(act?.kind === 'question' ? act.topic : (context.question ?? 'other'), context) };
    }),
    sayWelcomeMenu: emit(() => ({ type: 'reply' as const, reply: welcomeReply('welcome.menu') })),
    /** The menu, with a way back to the form kept meanwhile. */
    sayMenuKeepingForm: emit(() => {
      const menu = welcomeReply('common.menuKeepsForm');
      return { type: 'reply' as const, reply: { ...menu, choices: [{ value: 'lanjutkan', key: 'choices.goOn' }, ...(menu.choices ?? [])] } };
    }),
    sayBotComplaint: emit(() => ({ type: 'reply' as const, reply: botComplaintReply })),
    sayComplaintMidForm: emit(() => ({ type: 'reply' as const, reply: complaintMidFormReply })),
    sayLater: emit(({ context }) => ({
      type: 'reply' as const,
      reply: laterReply(context, context.application !== null && !photoOptionalFor(context.application, context.channel)),
    })),
    sayPhotoNotNow: emit(() => ({ type: 'reply' as const, reply: photoNotNowReply })),
    sayOfficerNote: emit(() => ({ type: 'reply' as const, reply: officerNoteReply })),
    sayCorrectionTooLate: emit(({ context }) => ({ type: 'reply' as const, reply: correctionTooLateReply(context) })),
    sayDone: emit(({ context }) => {
      const draft = draftOf(context);
      return {
        type: 'reply' as const,
        reply: {
          key: doneKey(draft.kind),
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
    sayRefiled: emit(({ context }) => {
      const a = context.inquiry?.ticket?.applicant;
      return {
        type: 'reply' as const,
        reply: {
          key: doneKey('refile'),
          vars: { number: context.lastTicket?.itsmNumber ?? '', previous: context.inquiry?.ticket?.number ?? '', phone: displayPhone(a?.phone ?? ''), email: a?.email ?? '' },
        },
      };
    }),
    // Context updates.
    startSellerForm: assign({ application: () => newDraft(randomUUID(), 'seller'), complaint: () => null, unplaced: () => 0 }),
    offerForm: enqueueActions(({ context, enqueue }) => {
      const offer = offerForm(draftOf(context), context.profile);
      enqueue.assign({ application: offer.draft });
      enqueue.emit({ type: 'reply', reply: offer.reply });
    }),
    takeFormAnswers: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'FORM') return;
      const taken = takeFormAnswers(draftOf(context), event.answers);
      enqueue.assign({ application: taken.draft });
      for (const reply of taken.replies) enqueue.emit({ type: 'reply', reply });
    }),
    startComplaintForm: assign({
      application: ({ context }, usePrevious: boolean) => {
        const a = context.earlier?.applicant;
        return newDraft(randomUUID(), 'complaint', usePrevious && a ? { name: a.name, phone: a.phone, email: a.email } : {});
      },
    }),
    /** The text to classify, and the topic when it was a question (answered from the procedure if the classifier cannot place it). */
    rememberText: assign({
      // "Good afternoon. I would like to apply …": the greeting is answered apart; the classifier reads the request.
      lastText: ({ event }) => {
        const text = userText(event);
        const rest = actOf(event)?.greeting ? text.replace(/^[^,.!;\n]*[,.!;\n]+\s*/, '') : text;
        return rest.trim() === '' ? text : rest;
      },
      question: ({ event }) => {
        const act = actOf(event);
        return act?.kind === 'question' ? act.topic : null;
      },
    }),
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
    /** A number at the menu or in the look-up: what else the message says may explain a follow-up. */
    startInquiry: assign({
      inquiry: ({ context, event }) =>
        newInquiry({ number: findTicketNumber(userText(event)), said: userText(event), ...(context.inquiry?.found ? { found: context.inquiry.found } : {}) }),
    }),
    /** "cek status" (said: null) or a status question in words (said: the words, kept for a follow-up). */
    startOwnInquiry: assign({
      inquiry: ({ context }, fromText?: boolean) => newInquiry({ said: fromText ? context.lastText : null }),
      unplaced: () => 0,
    }),
    setInquiryTicket: assign({
      inquiry: ({ context, event }) => {
        const ticket = ticketsOf(event)[0] ?? null;
        const kept = context.inquiry ?? newInquiry();
        return { ...kept, number: ticket?.number ?? null, ticket, refileKey: context.inquiry?.refileKey ?? null, refileText: null };
      },
    }),
    /** Several reports of theirs: numbers and status, to pick one from (each proven theirs). */
    setFound: assign({
      inquiry: ({ context, event }) => ({
        ...(context.inquiry ?? newInquiry()),
        found: ticketsOf(event).map((t) => ({ number: t.number, status: t.status, ...(t.filedAt ? { filedAt: t.filedAt } : {}) })),
      }),
    }),
    pickFound: assign({
      inquiry: ({ context, event }) => (context.inquiry ? { ...context.inquiry, number: pickedFrom(context.inquiry.found ?? [], userText(event)) } : null),
    }),
    /** The phone and/or email in the message, added to what was given before. */
    addContact: assign({
      inquiry: ({ context, event }) => {
        if (!context.inquiry) return null;
        const given = contactIn(userText(event));
        return { ...context.inquiry, contact: { ...context.inquiry.contact, ...given } };
      },
    }),
    clearContact: assign({ inquiry: ({ context }) => (context.inquiry ? { ...context.inquiry, contact: {} } : null) }),
    countLookupMiss: assign({ lookupMisses: ({ context }) => (context.lookupMisses ?? 0) + 1 }),
    resetLookupMisses: assign({ lookupMisses: () => 0 }),
    sayContactNotFound: emit(({ context }) => ({ type: 'reply' as const, reply: contactNotFoundReply(context.lookupMisses ?? 0, MAX_LOOKUP_MISSES) })),
    startRefile: assign({ inquiry: ({ context }) => (context.inquiry ? { ...context.inquiry, refileKey: context.inquiry.refileKey ?? randomUUID() } : null) }),
    /** The explanation of the follow-up: from this message, or (from: 'said') from what was said when asking. */
    rememberRefileText: assign({
      inquiry: ({ context, event }, from?: 'said' | 'asked') => {
        if (!context.inquiry) return null;
        const text = from === 'said' ? explanationIn(context.inquiry.said ?? '') : from === 'asked' ? userText(event).trim() : explanationIn(userText(event));
        return { ...context.inquiry, refileText: text };
      },
    }),
    /** More said while confirming the follow-up: added to its explanation, nothing dropped. */
    addRefileText: assign({
      inquiry: ({ context, event }) => (context.inquiry ? { ...context.inquiry, refileText: [context.inquiry.refileText, userText(event).trim()].filter(Boolean).join('\n') } : null),
    }),
    endInquiry: assign({ inquiry: () => null }),
    // Form updates.
    storeAnswer: assign({
      application: ({ context, event }) => {
        const draft = draftOf(context);
        const outcome = outcomeOf(context, event);
        if (outcome?.kind !== 'valid') return draft;
        return { ...draft, fields: { ...draft.fields, [currentField(context)]: outcome.value }, attempts: 0 };
      },
    }),
    setPending: assign({
      application: ({ context, event }) => {
        const draft = draftOf(context);
        const outcome = outcomeOf(context, event);
        return outcome?.kind === 'confirm' ? { ...draft, pending: { value: outcome.value, typed: outcome.typed } } : draft;
      },
    }),
    acceptPending: assign({
      application: ({ context }) => {
        const draft = draftOf(context);
        if (!draft.pending) return draft;
        return { ...draft, fields: { ...draft.fields, [currentField(context)]: draft.pending.value }, pending: null, attempts: 0 };
      },
    }),
    dropPending: assign({ application: ({ context }) => ({ ...draftOf(context), pending: null }) }),
    /** "Bukan" to the guess: asked again; the same typing again is then taken as meant. */
    refuseGuess: assign({ application: ({ context }) => ({ ...draftOf(context), refusedGuess: draftOf(context).pending?.typed ?? '', pending: null }) }),
    storeTyped: assign({
      application: ({ context, event }) => {
        const draft = draftOf(context);
        const outcome = outcomeOf(context, event);
        const field = currentField(context);
        const typed = outcome?.kind !== 'confirm' ? undefined : field === 'email' ? emailAsTyped(outcome.typed) : outcome.typed;
        return typed ? { ...draft, fields: { ...draft.fields, [field]: typed }, pending: null, attempts: 0 } : draft;
      },
    }),
    /** The province filled in from the city (and said), or a mismatch of the two made the question. */
    settlePlaces: enqueueActions(({ context, enqueue }) => {
      if (!context.application) return;
      const settled = settlePlaces(context.application);
      if (settled.draft === context.application) return;
      enqueue.assign({ application: settled.draft });
      if (settled.inferred) enqueue.emit({ type: 'reply', reply: { key: 'fields.province.fromCity', vars: settled.inferred } });
    }),
    /** "Tidak" to "which is right?": the province stays, the city is asked again. */
    keepProvinceAskCity: enqueueActions(({ context, enqueue }) => {
      const draft = draftOf(context);
      enqueue.emit({ type: 'reply', reply: { key: 'fields.province.provinceKept', vars: { province: draft.pending?.typed ?? draft.fields.province ?? '' } } });
      enqueue.assign({ application: keepProvinceAskCity({ ...draft, fields: { ...draft.fields, province: draft.pending?.typed ?? draft.fields.province } }) });
    }),
    countMiss: assign({ misses: ({ context }) => (context.misses ?? 0) + 1 }),
    countMissInProgress: assign({ misses: ({ context }) => (context.misses ?? 0) + (context.application || context.complaint || context.inquiry ? 1 : 0) }),
    /** The WhatsApp profile's name or number, offered as a one-tap answer, taken with a typed yes. */
    storeProfileDefault: assign({
      application: ({ context }) => {
        const draft = draftOf(context);
        const field = currentField(context);
        const value = field === 'name' ? context.profile?.name : field === 'phone' ? context.profile?.phone : undefined;
        const outcome = value ? parseField(field, value) : null;
        return outcome?.kind === 'valid' ? { ...draft, fields: { ...draft.fields, [field]: outcome.value }, attempts: 0 } : draft;
      },
    }),
    moveToNextOpen: assign({
      application: ({ context }) => {
        const draft = draftOf(context);
        return { ...draft, current: nextOpenStep(draft) ?? draft.current, attempts: 0, pending: null };
      },
    }),
    /** Several fields at once (or one out of turn): what validates is stored and said back in one message. */
    takeFields: enqueueActions(({ context, event, enqueue }) => {
      const taken = takeFields(draftOf(context), fieldsOf(event));
      enqueue.assign({ application: taken.draft });
      for (const [field, value] of Object.entries(taken.changed) as Array<[FieldKey, string]>) {
        if (!contradictsCity(taken.draft.fields, field, value)) enqueue.emit({ type: 'reply', reply: correctedReply(field, value) });
      }
      if (Object.keys(taken.stored).length > 0) enqueue.emit({ type: 'reply', reply: understoodReply(taken.stored) });
      else if (Object.keys(taken.changed).length === 0 && Object.keys(taken.same).length > 0) enqueue.emit({ type: 'reply', reply: alreadyRecordedReply(taken.same) });
    }),
    /** "eh salah, emailnya …": the field changes and the customer is told; "ubah email": that question again. */
    applyCorrection: enqueueActions(({ context, event, enqueue }) => {
      const correction = correctionOf(event);
      const draft = draftOf(context);
      if (!correction) return;
      if (correction.field === 'photo') {
        enqueue.assign({ application: { ...draft, current: 'photo', attempts: 0, pending: null } });
        return;
      }
      const field = correction.field;
      if (correction.value === null) {
        enqueue.assign({ application: { ...draft, current: field, attempts: 0, pending: null } });
        return;
      }
      const outcome = parseField(field, correction.value);
      if (outcome.kind === 'valid') {
        // A guess waiting for its "ya" on another field stays waiting.
        const keepsPending = draft.pending !== null && draft.current !== field;
        enqueue.assign({ application: { ...draft, fields: { ...draft.fields, [field]: outcome.value }, pending: keepsPending ? draft.pending : null } });
        if (!contradictsCity(draft.fields, field, outcome.value)) enqueue.emit({ type: 'reply', reply: correctedReply(field, outcome.value) });
      } else if (outcome.kind === 'confirm') {
        enqueue.assign({ application: { ...draft, current: field, pending: { value: outcome.value, typed: outcome.typed } } });
      } else {
        enqueue.assign({ application: { ...draft, current: field, attempts: 0, pending: null } });
        enqueue.emit({ type: 'reply', reply: invalidReply(field, outcome.error, correction.value) });
      }
    }),
    /** "kembali": the question before this one. */
    stepBack: assign({ application: ({ context }) => stepBack(draftOf(context)) }),
    restartForm: assign({ application: ({ context }) => restartForm(draftOf(context), randomUUID()) }),
    beginEditByWord: assign({
      application: ({ context, event }) => {
        const draft = draftOf(context);
        const field: EditableField | null = event.type === 'USER' ? fieldFromWord(event.text) : null;
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
      misses: ({ context }) => (context.misses ?? 0) + 1,
    }),
    recordTicket: assign({
      lastTicket: ({ context }, outcome: FilingOutcome) => ('itsmNumber' in outcome ? outcome : context.lastTicket),
      awaitingNumber: () => false,
      // Where the follow-up goes, to say it again when asked after the form is gone.
      lastContact: ({ context }) => {
        const f = context.application?.fields ?? context.inquiry?.ticket?.applicant;
        return f?.phone || f?.email ? { phone: f.phone ?? '', email: f.email ?? '' } : (context.lastContact ?? null);
      },
    }),
    endForm: assign({ application: () => null, complaint: () => null, earlier: () => null }),
    /**
     * Asks the bot to put the conversation in the officers' queue. Without a reason it is the
     * customer's own wish, or, after the third unusable answer to one question, the accepted offer.
     */
    requestHandoff: enqueueActions(({ context, enqueue }, reason?: HandoffReason) => {
      const stuck = (context.misses ?? 0) >= MAX_ATTEMPTS;
      enqueue.assign({ officerRequested: true });
      enqueue.emit({ type: 'handoff', reason: reason ?? (stuck ? 'stuck' : 'asked'), formInProgress: context.application !== null || context.complaint !== null });
    }),
    endOfficerWait: assign({ officerRequested: () => false }),
    countUnplaced: assign({ unplaced: ({ context }) => (context.unplaced ?? 0) + 1 }),
    resetUnplaced: assign({ unplaced: () => 0 }),
    joinOfficer: assign({ officer: ({ context, event }) => (event.type === 'OFFICER_JOINED' ? event.officer : context.officer) }),
    recordOfficerTicket: assign({ lastTicket: ({ context, event }) => (event.type === 'FILED_BY_OFFICER' ? event.ticket : context.lastTicket) }),
    setLocale: assign({ locale: ({ context, event }) => (event.type === 'LANGUAGE' ? event.locale : context.locale), languageChosen: () => true }),
    switchToEnglish: assign({ locale: () => 'en' as const }),
    setProfile: assign({ profile: ({ context, event }) => (event.type === 'PROFILE' ? event.profile : context.profile) }),
  },
});
