import { randomUUID } from 'node:crypto';
import { and, assign, emit, enqueueActions, fromPromise, or, setup } from 'xstate';
import type { ApplicantData, FiledTicket, PhotoRef } from '../src/tickets/types.js';
import {
  MAX_ATTEMPTS,
  askReply,
  chooseFieldReply,
  displayPhone,
  newDraft,
  nextOpenStep,
  photoRequired,
  summaryReply,
  type ApplicationDraft,
  type Step,
} from './application.js';
import { fieldFromWord, looksEnglish, wantsToRegister, type EditableField } from './commands.js';
import type { DialogEvent, PhotoInput, SenderProfile } from './events.js';
import { emailAsTyped, parseField, type FieldKey, type FieldOutcome } from './fields/index.js';
import type { Reply } from './reply.js';

/** Bumped when a change makes older persisted snapshots unusable; the bot then starts them afresh. */
export const CONVERSATION_MACHINE_VERSION = 1;

export type Locale = 'id' | 'en';

export interface ConversationInput {
  channel: string;
  conversationId: string;
  locale: Locale;
}

export interface ConversationContext extends ConversationInput {
  /** The applicant asked for (or accepted the offer of) a human officer; the handoff acts on it. */
  officerRequested: boolean;
  /** User name of the human officer holding the conversation, if any; else the bot's officer files. */
  officer: string | null;
  application: ApplicationDraft | null;
  lastTicket: FiledTicket | null;
  /** Why the last photo was refused, for the reply. */
  photoError: string | null;
  /** Who the channel says the sender is (WhatsApp profile name and number). */
  profile: SenderProfile | null;
}

/** What the ticketing actor receives: the bot adds the classification and the officer's default. */
export interface FileApplicationInput {
  idempotencyKey: string;
  channel: string;
  conversationId: string;
  officer: string | null;
  applicant: ApplicantData;
  photo: PhotoRef | null;
}

export type Emitted = { type: 'reply'; reply: Reply };

const officerOffer: Reply = { key: 'seller.offerOfficer', choices: [{ value: 'petugas', key: 'choices.officer' }] };

type UserEvent = Extract<DialogEvent, { type: 'USER' }>;

const draftOf = (context: ConversationContext): ApplicationDraft => {
  if (!context.application) throw new Error('No application in progress');
  return context.application;
};

const currentField = (context: ConversationContext): FieldKey => {
  const step = draftOf(context).current;
  if (step === 'photo') throw new Error('The current step is the photo, not a field');
  return step;
};

const outcomeOf = (context: ConversationContext, event: UserEvent): FieldOutcome => parseField(currentField(context), event.text);

const editTarget = (event: UserEvent): EditableField | null =>
  event.command?.kind === 'edit' ? event.command.field : null;

/** The conversation machine: a welcome, then the seller application of SOP section 1 (steps a, b, d). */
export const conversationMachine = setup({
  types: {
    context: {} as ConversationContext,
    events: {} as DialogEvent,
    input: {} as ConversationInput,
    emitted: {} as Emitted,
  },
  actors: {
    // Provided by the bot (src/bot): the real ticketing module and photo pipeline.
    fileApplication: fromPromise<FiledTicket, FileApplicationInput>(async () => {
      throw new Error('fileApplication not provided');
    }),
    ingestPhoto: fromPromise<PhotoRef, { source: PhotoInput }>(async () => {
      throw new Error('ingestPhoto not provided');
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
    wantsToRegister: ({ event }) => event.type === 'USER' && wantsToRegister(event.text),
    /** "kirim" / "ya" again after the application was filed: a double tap, not a new application. */
    repeatsConfirmation: ({ context, event }) => event.type === 'USER' && event.command?.kind === 'yes' && context.lastTicket !== null,
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
    photoOptional: ({ context }) => !photoRequired(context.channel),
    atPhotoStep: ({ context }) => draftOf(context).current === 'photo',
  },
  actions: {
    say: emit((_, reply: Reply) => ({ type: 'reply' as const, reply })),
    askCurrent: emit(({ context }) => ({ type: 'reply' as const, reply: askReply(draftOf(context).current, context.channel, context.profile) })),
    saySummary: emit(({ context }) => ({ type: 'reply' as const, reply: summaryReply(draftOf(context)) })),
    sayChooseField: emit(() => ({ type: 'reply' as const, reply: chooseFieldReply() })),
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
          key: 'seller.done',
          vars: {
            number: context.lastTicket?.itsmNumber ?? '',
            phone: displayPhone(draft.fields.phone ?? ''),
            email: draft.fields.email ?? '',
          },
        },
      };
    }),
    sayAlreadyFiled: emit(({ context }) => ({
      type: 'reply' as const,
      reply: { key: 'seller.alreadyFiled', vars: { number: context.lastTicket?.itsmNumber ?? '' } },
    })),
    sayPhotoError: emit(({ context }) => ({
      type: 'reply' as const,
      reply: { key: `seller.photo.errors.${context.photoError ?? 'corrupt'}` },
    })),
    startApplication: assign({ application: () => newDraft(randomUUID()), officerRequested: ({ context }) => context.officerRequested }),
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
    recordTicket: assign({ lastTicket: (_, ticket: FiledTicket) => ticket }),
    endApplication: assign({ application: () => null }),
    recordOfficerWish: assign({ officerRequested: () => true }),
    setLocale: assign({ locale: ({ context, event }) => (event.type === 'LANGUAGE' ? event.locale : context.locale) }),
  },
}).createMachine({
  id: 'conversation',
  context: ({ input }) => ({
    ...input,
    officerRequested: false,
    officer: null,
    application: null,
    lastTicket: null,
    photoError: null,
    profile: null,
  }),
  initial: 'idle',
  on: {
    OFFICER: {
      actions: ['recordOfficerWish', { type: 'say', params: { key: 'officer.recorded' } }],
    },
    PROFILE: {
      actions: assign({ profile: ({ event }) => (event.type === 'PROFILE' ? event.profile : null) }),
    },
    LANGUAGE: {
      actions: ['setLocale', { type: 'say', params: { key: 'language.switched' } }],
    },
    UNSUPPORTED: {
      actions: { type: 'say', params: { key: 'common.unsupported' } },
    },
  },
  states: {
    idle: {
      on: {
        CANCEL: { actions: { type: 'say', params: { key: 'common.nothingToCancel' } } },
        PHOTO: { actions: { type: 'say', params: welcomeReply() } },
        USER: [
          { guard: 'repeatsConfirmation', actions: 'sayAlreadyFiled' },
          { guard: 'wantsToRegister', target: 'application' },
          { guard: 'looksEnglish', actions: { type: 'say', params: { key: 'language.offerEnglish', choices: [{ value: 'english', key: 'choices.english' }] } } },
          { guard: 'isGreeting', actions: { type: 'say', params: welcomeReply() } },
          { actions: { type: 'say', params: { ...welcomeReply(), key: 'welcome.notUnderstood' } } },
        ],
      },
    },
    application: {
      id: 'seller',
      entry: ['startApplication', { type: 'say', params: { key: 'seller.intro' } }],
      initial: 'route',
      on: {
        CANCEL: {
          target: 'idle',
          actions: ['endApplication', { type: 'say', params: { key: 'seller.cancelled', choices: [{ value: 'daftar seller', key: 'choices.register' }] } }],
        },
      },
      states: {
        /** Decides what comes after an accepted answer: the summary or the next open question. */
        advance: {
          always: [
            { guard: 'formComplete', target: 'summary' },
            { actions: 'moveToNextOpen', target: 'route' },
          ],
        },
        /** Asks the current step: a field question or the photo. */
        route: {
          always: [{ guard: 'atPhotoStep', target: 'photo' }, { target: 'asking' }],
        },
        asking: {
          initial: 'prompt',
          states: {
            prompt: { entry: 'askCurrent', always: 'waiting' },
            waiting: {
              on: {
                PHOTO: { actions: { type: 'say', params: { key: 'seller.photo.later' } } },
                USER: [
                  { guard: 'isEditOfStep', actions: 'beginEdit', target: '#seller.route' },
                  { guard: 'isEditAll', target: '#seller.choosingField' },
                  { guard: 'answerValid', actions: 'storeAnswer', target: '#seller.advance' },
                  { guard: 'answerNeedsConfirm', actions: 'setPending', target: '#seller.confirming' },
                  { guard: 'tooManyFailures', actions: ['countFailure', 'sayInvalid', 'offerOfficer'] },
                  { actions: ['countFailure', 'sayInvalid'] },
                ],
              },
            },
          },
        },
        confirming: {
          entry: 'sayConfirm',
          on: {
            PHOTO: { actions: { type: 'say', params: { key: 'seller.photo.later' } } },
            USER: [
              { guard: 'isYes', actions: 'acceptPending', target: 'advance' },
              // The typed email has valid syntax: "tidak" means "it is right as I typed it".
              { guard: and(['isNo', 'typedEmailUsable']), actions: 'keepTyped', target: 'advance' },
              { guard: 'isNo', actions: ['dropPending', { type: 'say', params: { key: 'seller.askAgain' } }], target: 'asking.waiting' },
              { guard: 'answerValid', actions: ['dropPending', 'storeAnswer'], target: 'advance' },
              { guard: 'answerNeedsConfirm', actions: 'setPending', target: 'confirming', reenter: true },
              { actions: ['dropPending', 'countFailure', 'sayInvalid'], target: 'asking.waiting' },
            ],
          },
        },
        photo: {
          initial: 'prompt',
          states: {
            prompt: { entry: 'askCurrent', always: 'waiting' },
            waiting: {
              on: {
                PHOTO: { target: 'ingesting' },
                USER: [
                  { guard: 'isEditOfStep', actions: 'beginEdit', target: '#seller.route' },
                  { guard: 'isEditAll', target: '#seller.choosingField' },
                  { guard: and(['isSkip', 'photoOptional']), actions: 'skipPhoto', target: '#seller.advance' },
                  { guard: 'isSkip', actions: { type: 'say', params: { key: 'seller.photo.required' } } },
                  { guard: 'photoOptional', actions: { type: 'say', params: { key: 'seller.photo.pleaseSendOptional', choices: [{ value: 'lewati', key: 'choices.skip' }] } } },
                  { actions: { type: 'say', params: { key: 'seller.photo.pleaseSend' } } },
                ],
              },
            },
            ingesting: {
              tags: 'busy',
              invoke: {
                src: 'ingestPhoto',
                input: ({ event }) => {
                  if (event.type !== 'PHOTO') throw new Error('ingesting entered without a photo');
                  return { source: event.source };
                },
                onDone: {
                  target: '#seller.advance',
                  actions: [{ type: 'storePhoto', params: ({ event }) => event.output }, { type: 'say', params: { key: 'seller.photo.received' } }],
                },
                onError: {
                  target: 'waiting',
                  actions: [{ type: 'recordPhotoError', params: ({ event }: { event: { error: unknown } }) => event.error }, 'sayPhotoError', 'offerOfficerWhenStuck'],
                },
              },
            },
          },
        },
        summary: {
          entry: 'saySummary',
          on: {
            PHOTO: { actions: 'editPhotoFromSummary', target: 'photo.ingesting' },
            USER: [
              { guard: 'isYes', target: 'submitting' },
              { guard: 'isEditOfStep', actions: 'beginEdit', target: 'route' },
              { guard: 'isEditAll', target: 'choosingField' },
              { guard: 'isNo', target: 'choosingField' },
              { actions: { type: 'say', params: summaryHint() } },
            ],
          },
        },
        choosingField: {
          entry: 'sayChooseField',
          on: {
            PHOTO: { actions: 'editPhotoFromSummary', target: 'photo.ingesting' },
            USER: [
              { guard: 'isEditOfStep', actions: 'beginEdit', target: 'route' },
              { guard: 'isFieldWord', actions: 'beginEditByWord', target: 'route' },
              // "kembali" / "tidak jadi ubah": back to where the applicant was.
              { guard: or(['isNo', 'isYes']), target: 'advance' },
              { actions: 'sayChooseField' },
            ],
          },
        },
        submitting: {
          tags: 'busy',
          invoke: {
            src: 'fileApplication',
            input: ({ context }) => {
              const draft = draftOf(context);
              return {
                idempotencyKey: draft.id,
                channel: context.channel,
                conversationId: context.conversationId,
                officer: context.officer,
                applicant: completeApplicant(draft),
                photo: draft.photo,
              };
            },
            onDone: {
              target: '#conversation.idle',
              actions: [{ type: 'recordTicket', params: ({ event }) => event.output }, 'sayDone', 'endApplication'],
            },
            onError: {
              target: 'submitFailed',
              actions: { type: 'say', params: { key: 'seller.submitFailed', choices: [{ value: 'kirim', key: 'choices.retry' }] } },
            },
          },
        },
        /** The record is kept; "kirim" files it again under the same idempotency key (never twice). */
        submitFailed: {
          on: {
            USER: [{ guard: 'isYes', target: 'submitting' }, { target: 'summary' }],
          },
        },
      },
    },
  },
});

/** The form's answers as the ticket's applicant data; submitting is only reachable with every field answered. */
function completeApplicant(draft: ApplicationDraft): ApplicantData {
  const f = draft.fields;
  const { name, businessName, productType, city, province, phone, email } = f;
  if (!name || !businessName || !productType || !city || !province || !phone || !email) throw new Error('Application incomplete');
  return { name, businessName, productType, city, province, phone, email };
}

function summaryHint(): Reply {
  return {
    key: 'seller.summary.hint',
    choices: [
      { value: 'kirim', key: 'choices.submit' },
      { value: 'ubah', key: 'choices.edit' },
      { value: 'batal', key: 'choices.cancel' },
    ],
  };
}

function welcomeReply(): Reply {
  return {
    key: 'welcome.greeting',
    choices: [
      { value: 'daftar seller', key: 'choices.register' },
      { value: 'petugas', key: 'choices.officer' },
    ],
  };
}

export type ConversationMachine = typeof conversationMachine;
export type { Step };
