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
 * validation, "did you mean" confirmations, "kembali" and "ulang", and corrections at any time),
 * the photo, the summary, and the filing of the ticket. What is asked depends on the draft's kind
 * (see application.ts). A state here takes only what answers its question; everything else goes
 * to the repair handlers at the top of the chart (states/repair.states.ts).
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
      // The province follows the city, or the two disagree and that is asked first.
      entry: 'settlePlaces',
      always: [{ guard: 'placesMismatch', target: 'confirming' }, { guard: 'formComplete', target: 'summary' }, { actions: 'moveToNextOpen', target: 'route' }],
    },
    /** After a correction or several fields at once: a guess to confirm, else on from where the form stands. */
    corrected: {
      always: [{ guard: 'hasPending', target: 'confirming' }, { target: 'advance' }],
    },
    /** Asks the current step: a field question or the photo. */
    route: {
      always: [{ guard: 'atPhotoStep', target: 'photo' }, { target: 'asking' }],
    },
    asking: {
      entry: { type: 'expect', params: 'form' },
      on: {
        PHOTO: { actions: [{ type: 'say', params: { key: 'seller.photo.later' } }, 'reask'] },
        USER: [
          // "lewat chat saja" while the form waits: the question in the chat (never taken as a name).
          { guard: 'choosesChat', actions: 'reask' },
          { guard: 'answerValid', actions: 'storeAnswer', target: 'advance' },
          { guard: 'takesProfileDefault', actions: 'storeProfileDefault', target: 'advance' },
          { guard: 'insistsOnTyped', actions: 'storeTyped', target: 'advance' },
          // A guess is an attempt too: refused guesses in a row end with an officer offered.
          { guard: 'answerNeedsConfirm', actions: ['setPending', 'countMiss'], target: 'confirming' },
          // "jawa" at the province question: not wrong, only not precise enough; its provinces are
          // offered. The same region typed again counts as a try (no loop: an officer is offered in
          // the end), except that a region that is also a province's name ("papua") is that province.
          { guard: and(['answerIsRegion', 'repeatsRegion', 'regionAskedIsProvince']), actions: 'storeRegionProvince', target: 'advance' },
          { guard: and(['answerIsRegion', 'repeatsRegion', 'tooManyMisses']), actions: ['countMiss', 'sayRegion', 'offerOfficer'] },
          { guard: and(['answerIsRegion', 'repeatsRegion']), actions: ['countMiss', 'sayRegion'] },
          { guard: 'answerIsRegion', actions: ['rememberRegion', 'sayRegion'] },
          { guard: and(['answerInvalid', 'tooManyMisses']), actions: ['countMiss', 'sayInvalid', 'offerOfficer'] },
          { guard: 'answerInvalid', actions: ['countMiss', 'sayInvalid'] },
          { guard: { type: 'goes', params: 'back' }, actions: 'stepBack', target: 'route', reenter: true },
          { guard: 'passesAnswered', target: 'advance' },
          { guard: { type: 'goes', params: 'restart' }, actions: ['restartForm', { type: 'say', params: { key: 'repair.restarted' } }], target: 'route', reenter: true },
          { guard: 'isEditAll', target: 'choosingField' },
        ],
      },
    },
    confirming: {
      entry: [{ type: 'expect', params: { kind: 'yesNo', about: 'pending' } }, 'offerOfficerWhenStuck'],
      on: {
        PHOTO: { actions: [{ type: 'say', params: { key: 'seller.photo.later' } }, 'reask'] },
        USER: [
          { guard: 'isYes', actions: 'acceptPending', target: 'advance' },
          { guard: 'keepsOwnProvince', actions: 'keepProvinceAskCity', target: 'asking' },
          { guard: 'affirmsWithFields', actions: ['acceptPending', 'takeFields'], target: 'corrected' },
          { guard: 'fieldsRepeatGuess', actions: ['refuseGuess', 'countMiss', { type: 'say', params: { key: 'seller.askAgain' } }], target: 'asking' },
          // Not the guess: asked again (what was typed, typed again, is then taken as meant).
          { guard: 'isNo', actions: ['refuseGuess', 'countMiss', { type: 'say', params: { key: 'seller.askAgain' } }], target: 'asking' },
          { guard: 'answerValid', actions: ['dropPending', 'storeAnswer'], target: 'advance' },
          { guard: 'answerNeedsConfirm', actions: ['setPending', 'countMiss'], target: 'confirming', reenter: true },
          { guard: 'answerInvalid', actions: ['dropPending', 'sayInvalid'], target: 'asking' },
          { guard: { type: 'goes', params: 'back' }, actions: 'dropPending', target: 'asking' },
        ],
      },
    },
    /** The photo: asked once on entry; a refused photo says why and waits again without re-asking. */
    photo: {
      entry: { type: 'expect', params: 'form' },
      initial: 'waiting',
      states: {
        waiting: {
          on: {
            PHOTO: { target: 'ingesting' },
            USER: [
              // "kirim" before the photo: optional, it is skipped (the summary follows); required, said to be missing.
              { guard: and(['saysSubmit', 'photoOptional']), actions: 'skipPhoto', target: '#form.advance' },
              { guard: 'saysSubmit', actions: { type: 'say', params: { key: 'seller.photo.neededBeforeSubmit' } } },
              { guard: and(['passes', 'photoOptional']), actions: 'skipPhoto', target: '#form.advance' },
              // Required here: the conversation is kept, the photo can come later; an officer can help.
              { guard: 'passes', actions: 'sayLater' },
              { guard: { type: 'goes', params: 'back' }, actions: 'stepBack', target: '#form.route' },
              { guard: 'isEditAll', target: '#form.choosingField' },
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
      entry: { type: 'expect', params: { kind: 'summary' } },
      on: {
        PHOTO: { actions: 'editPhotoFromSummary', target: 'photo.ingesting' },
        USER: [
          { guard: 'isYes', target: 'submitting' },
          { guard: or(['isNo', 'isEditAll', 'goesBack']), target: 'choosingField' },
          { guard: 'isAnswer', actions: { type: 'say', params: summaryHint } },
        ],
      },
    },
    choosingField: {
      entry: { type: 'expect', params: { kind: 'choice', about: 'editField', options: [] } },
      on: {
        PHOTO: { actions: 'editPhotoFromSummary', target: 'photo.ingesting' },
        USER: [
          { guard: 'isFieldWord', actions: 'beginEditByWord', target: 'route' },
          // "kembali" / "tidak jadi ubah": back to where the applicant was.
          { guard: or(['isNo', 'isYes', 'goesBack']), target: 'advance' },
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
        onError: { target: 'submitFailed' },
      },
    },
    /** The record is kept; "kirim" files it again under the same idempotency key (never twice). */
    submitFailed: {
      entry: { type: 'expect', params: { kind: 'yesNo', about: 'retry' } },
      on: {
        USER: [{ guard: 'isYes', target: 'submitting' }, { guard: or(['isNo', 'goesBack']), target: 'summary' }],
      },
    },
  },
});
