import { conversationSetup } from '../conversation.setup.js';

import { and, or } from 'xstate';

/**
 * A Marketplace complaint (SOP section 2): the customer's words, the catalogue type (confirmed in
 * one tap when the classifier is confident, else chosen among its best guesses or by browsing the
 * groups page by page), an urgent path for account take-over and data leaks, then the form.
 */
export const complaintState = conversationSetup.createStateConfig({
  id: 'complaint',
  initial: 'describe',
  on: {
    CANCEL: { target: '#conversation.idle', actions: ['sayCancelled', 'endForm'] },
  },
  states: {
    describe: {
      entry: { type: 'expect', params: { kind: 'freeText', about: 'problem' } },
      on: {
        USER: [
          { guard: 'typedType', actions: 'selectTypedType', target: 'selected' },
          { guard: or(['isAnswer', 'isComplaintAct', 'isQuestion']), actions: 'rememberText', target: 'classifying' },
        ],
      },
    },
    classifying: {
      tags: 'busy',
      invoke: {
        src: 'classify',
        input: ({ context }) => ({ text: context.lastText }),
        onDone: [
          { guard: 'nluConfidentType', actions: 'setComplaintCandidates', target: 'confirmType' },
          { actions: 'setComplaintCandidates', target: 'chooseType' },
        ],
        onError: { target: 'groups' },
      },
    },
    confirmType: {
      entry: { type: 'expect', params: { kind: 'yesNo', about: 'complaintType' } },
      on: {
        USER: [
          { guard: 'isYes', actions: 'selectFirstCandidate', target: 'selected' },
          { guard: 'typedType', actions: 'selectTypedType', target: 'selected' },
          { guard: or(['isNo', 'goesBack']), target: 'chooseType' },
        ],
      },
    },
    chooseType: {
      always: { guard: ({ context }) => (context.complaint?.candidates.length ?? 0) === 0, target: 'groups' },
      entry: { type: 'expect', params: { kind: 'choice', about: 'complaintType', options: [] } },
      on: {
        USER: [
          { guard: 'typedType', actions: 'selectTypedType', target: 'selected' },
          { guard: 'typedGroup', actions: 'selectTypedGroup', target: 'browse' },
          { guard: or(['isBrowseWord', 'isNo']), target: 'groups' },
        ],
      },
    },
    groups: {
      entry: { type: 'expect', params: { kind: 'choice', about: 'group', options: [] } },
      on: {
        USER: [
          { guard: 'typedGroup', actions: 'selectTypedGroup', target: 'browse' },
          { guard: 'typedType', actions: 'selectTypedType', target: 'selected' },
          { guard: or(['isNo', 'goesBack']), target: 'chooseType' },
        ],
      },
    },
    browse: {
      entry: { type: 'expect', params: { kind: 'choice', about: 'browse', options: [] } },
      on: {
        USER: [
          { guard: 'typedType', actions: 'selectTypedType', target: 'selected' },
          { guard: and([{ type: 'goes', params: 'next' as const }, 'hasMorePages']), actions: 'nextPage', target: 'browse', reenter: true },
          { guard: or(['isNo', 'goesBack']), target: 'groups' },
          { guard: 'typedGroup', actions: 'selectTypedGroup', target: 'browse', reenter: true },
        ],
      },
    },
    /** Back from an officer: the first step still open (the type, else the contact data). */
    resume: {
      always: [
        { guard: ({ context }) => context.complaint?.catalogNumber != null, target: 'lookingUpEarlier' },
        { guard: 'hasCandidates', target: 'chooseType' },
        { target: 'describe' },
      ],
    },
    /** A type is chosen: urgent ones are flagged and go to the officers' queue at once; then the contact data. */
    selected: {
      always: [
        { guard: 'isUrgentType', actions: [{ type: 'say', params: { key: 'complaint.urgent' } }, { type: 'requestHandoff', params: 'urgent' }], target: 'lookingUpEarlier' },
        { target: 'lookingUpEarlier' },
      ],
    },
    /** Someone who filed before is offered their earlier contact data instead of typing it again. */
    lookingUpEarlier: {
      tags: 'busy',
      invoke: {
        src: 'findTickets',
        input: ({ context }) => ({ by: 'conversation' as const, channel: context.channel, conversationId: context.conversationId }),
        onDone: [{ guard: 'hasEarlierContact', actions: 'rememberEarlier', target: 'offerPrefill' }, { target: 'startForm' }],
        onError: { target: 'startForm' },
      },
    },
    offerPrefill: {
      entry: { type: 'expect', params: { kind: 'yesNo', about: 'prefill' } },
      on: {
        USER: [
          { guard: 'isYes', actions: { type: 'startComplaintForm', params: true }, target: '#form' },
          { guard: 'isNo', actions: [{ type: 'startComplaintForm', params: false }, { type: 'say', params: { key: 'complaint.intro' } }], target: '#form' },
        ],
      },
    },
    startForm: {
      always: { actions: [{ type: 'startComplaintForm', params: false }, { type: 'say', params: { key: 'complaint.intro' } }], target: '#form' },
    },
  },
});
