import { and, or } from 'xstate';
import { conversationSetup, draftOf, fileInputOf } from '../conversation.setup.js';
import type { Reply } from '../reply.js';

const summaryHint: Reply = {
  key: 'seller.summary.hint',
  choices: [
    { value: 'kirim', key: 'choices.submit' },
    { value: 'ubah', key: 'choices.edit' },
    { value: 'batal', key: 'choices.cancel' },
  ],
};

/**
 * The form shared by seller applications and complaints: each open question in turn (with
 * validation, "did you mean" confirmations and edits at any time), the photo, the summary,
 * and the filing of the ticket. What is asked depends on the draft's kind (see application.ts).
 */
export const formState = conversationSetup.createStateConfig({
  id: 'form',
  initial: 'route',
  on: {
    CANCEL: { target: '#conversation.idle', actions: ['sayCancelled', 'endForm'] },
  },
  states: {
    /** Decides what comes after an accepted answer: the summary or the next open question. */
    advance: {
      always: [{ guard: 'formComplete', target: 'summary' }, { actions: 'moveToNextOpen', target: 'route' }],
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
              { guard: 'isEditOfStep', actions: 'beginEdit', target: '#form.route' },
              { guard: 'isEditAll', target: '#form.choosingField' },
              { guard: 'answerValid', actions: 'storeAnswer', target: '#form.advance' },
              { guard: 'answerNeedsConfirm', actions: 'setPending', target: '#form.confirming' },
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
              { guard: 'isEditOfStep', actions: 'beginEdit', target: '#form.route' },
              { guard: 'isEditAll', target: '#form.choosingField' },
              { guard: and(['isSkip', 'photoOptional']), actions: 'skipPhoto', target: '#form.advance' },
              { guard: 'isSkip', actions: { type: 'say', params: { key: 'seller.photo.required' } } },
              {
                guard: 'photoOptional',
                actions: { type: 'say', params: { key: 'seller.photo.pleaseSendOptional', choices: [{ value: 'lewati', key: 'choices.skip' }] } },
              },
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
              target: '#form.advance',
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
          { actions: { type: 'say', params: summaryHint } },
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
        src: 'fileTicket',
        input: ({ context }) => fileInputOf(context),
        onDone: [
          {
            guard: 'filingQueued',
            target: '#conversation.idle',
            actions: [{ type: 'say', params: ({ context }) => ({ key: draftOf(context).kind === 'complaint' ? 'complaint.queued' : 'seller.queued' }) }, 'markAwaitingNumber', 'endForm'],
          },
          {
            target: '#conversation.idle',
            actions: [{ type: 'recordTicket', params: ({ event }) => event.output }, 'sayDone', 'endForm'],
          },
        ],
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
});
