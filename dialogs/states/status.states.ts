import { and, or } from 'xstate';
import { conversationSetup, refileInputOf } from '../conversation.setup.js';

/**
 * A customer asking about an earlier report (SOP section 1f): by number, their own reports (this
 * conversation, their WhatsApp number), or, the number lost, by the phone *and* email on the
 * report (three pairs that match nothing, then an officer searches). The status and the support
 * team's latest answer go to the owner only. A report not answered yet is not filed again (its
 * status, how it is followed up, an officer offered); a matter the answer did not settle gets a
 * follow-up ticket naming the earlier number, with the customer's explanation, after a yes.
 */
export const statusState = conversationSetup.createStateConfig({
  id: 'status',
  initial: 'mine',
  on: {
    CANCEL: { target: '#conversation.idle', actions: ['endInquiry', { type: 'say', params: { key: 'common.cancelled' } }] },
  },
  states: {
    byNumber: {
      tags: 'busy',
      invoke: {
        src: 'findTickets',
        input: ({ context }) => ({ by: 'number' as const, number: context.inquiry?.number ?? '' }),
        onDone: [
          {
            guard: 'foundNone',
            target: '#conversation.idle',
            actions: [{ type: 'say', params: ({ context }) => ({ key: 'status.notFound', vars: { number: context.inquiry?.number ?? '' } }) }, 'endInquiry'],
          },
          { guard: 'foundOwned', actions: 'setInquiryTicket', target: 'show' },
          { actions: 'setInquiryTicket', target: 'verify' },
        ],
        onError: { target: '#conversation.idle', actions: [{ type: 'say', params: { key: 'common.error' } }, 'endInquiry'] },
      },
    },
    mine: {
      tags: 'busy',
      invoke: {
        src: 'findTickets',
        input: ({ context }) => ({
          by: 'conversation' as const,
          channel: context.channel,
          conversationId: context.conversationId,
          ...(context.profile?.phone ? { phone: context.profile.phone } : {}),
        }),
        onDone: [
          { guard: and(['foundNone', 'saidLost']), target: 'toContact' },
          { guard: 'foundNone', target: 'askNumber' },
          { guard: 'foundSeveral', actions: 'setFound', target: 'pick' },
          { actions: 'setInquiryTicket', target: 'show' },
        ],
        onError: { target: 'askNumber' },
      },
    },
    askNumber: {
      entry: { type: 'expect', params: { kind: 'ticketNumber' } },
      on: {
        USER: [
          { guard: 'hasTicketNumber', actions: 'startInquiry', target: 'byNumber' },
          { guard: 'givesContact', actions: 'addContact', target: 'contactCheck' },
          { guard: 'saysLost', target: 'toContact' },
        ],
      },
    },
    /** The number lost: the phone and email on the report find it, unless three pairs missed already. */
    toContact: {
      always: [
        {
          guard: 'lookupExhausted',
          target: '#conversation.idle',
          actions: ['endInquiry', { type: 'say', params: { key: 'status.contactExhausted' } }, { type: 'requestHandoff', params: 'stuck' }],
        },
        { target: 'contact' },
      ],
    },
    contact: {
      entry: { type: 'expect', params: { kind: 'contact' } },
      on: {
        USER: [
          { guard: 'hasTicketNumber', actions: 'startInquiry', target: 'byNumber' },
          { guard: 'givesContact', actions: 'addContact', target: 'contactCheck' },
        ],
      },
    },
    /** Both given: search; else the one missing is asked for. */
    contactCheck: {
      always: [{ guard: 'contactComplete', target: 'searching' }, { target: 'contact' }],
    },
    searching: {
      tags: 'busy',
      invoke: {
        src: 'findTickets',
        input: ({ context }) => ({ by: 'contact' as const, phone: context.inquiry?.contact?.phone ?? '', email: context.inquiry?.contact?.email ?? '' }),
        onDone: [
          {
            guard: and(['foundNone', 'lastLookupMiss']),
            target: '#conversation.idle',
            actions: ['countLookupMiss', 'sayContactNotFound', 'endInquiry', { type: 'requestHandoff', params: 'stuck' }],
          },
          { guard: 'foundNone', target: 'contact', actions: ['countLookupMiss', 'sayContactNotFound', 'clearContact'] },
          { guard: 'foundSeveral', actions: ['resetLookupMisses', 'setFound'], target: 'pick' },
          { actions: ['resetLookupMisses', 'setFound', 'setInquiryTicket'], target: 'show' },
        ],
        onError: { target: '#conversation.idle', actions: [{ type: 'say', params: { key: 'common.error' } }, 'endInquiry'] },
      },
    },
    /** Several reports: numbers and status listed, one picked (by number, or its place in the list). */
    pick: {
      entry: { type: 'expect', params: { kind: 'choice', about: 'ticket', options: [] } },
      on: {
        USER: [
          { guard: 'picksListed', actions: 'pickFound', target: 'byNumber' },
          { guard: 'hasTicketNumber', actions: 'startInquiry', target: 'byNumber' },
        ],
      },
    },
    verify: {
      entry: { type: 'expect', params: { kind: 'proof' } },
      on: {
        USER: [
          { guard: 'provesOwnership', target: 'show' },
          {
            guard: or(['isAnswer', 'isFields']),
            target: '#conversation.idle',
            actions: [{ type: 'say', params: ({ context }) => ({ key: 'status.notOwner', vars: { number: context.inquiry?.number ?? '' } }) }, 'endInquiry'],
          },
        ],
      },
    },
    /** Answered by the support team: did it settle the matter? Not yet answered: nothing to settle. */
    show: {
      always: [{ guard: 'hasSupportReply', target: 'settled' }, { target: 'unanswered' }],
    },
    /** Its status, handled by the support team, follow-up by phone or email; no new ticket. */
    unanswered: {
      entry: { type: 'expect', params: { kind: 'choice', about: 'unanswered', options: [] } },
      on: {
        USER: [
          { guard: 'hasTicketNumber', actions: 'startInquiry', target: 'byNumber' },
          { guard: or([{ type: 'is', params: 'thanks' as const }, { type: 'is', params: 'closing' as const }]), target: '#conversation.idle', actions: ['endInquiry', 'sayThanks'] },
          // "ya blm ada kabar aja", "oh gitu", "lama bgt": the report stands; nothing is filed twice.
          {
            guard: or(['isYes', 'isNo', 'isAnswer', 'isComplaintAct']),
            target: '#conversation.idle',
            actions: [{ type: 'say', params: ({ context }) => ({ key: 'status.stillWaiting', vars: { number: context.inquiry?.ticket?.number ?? '' } }) }, 'endInquiry'],
          },
        ],
      },
    },
    settled: {
      entry: { type: 'expect', params: { kind: 'yesNo', about: 'settled' } },
      on: {
        USER: [
          { guard: 'hasTicketNumber', actions: 'startInquiry', target: 'byNumber' },
          { guard: 'isYes', target: '#conversation.idle', actions: [{ type: 'say', params: { key: 'status.thanks' } }, 'endInquiry'] },
          // "belum, masih ga bisa login": the explanation is in the no.
          { guard: and(['isNo', 'explainsNow']), actions: ['startRefile', 'rememberRefileText'], target: 'confirmRefile' },
          // A bare "belum" after "ITSM-… kok masih belum bisa login" when asking: that is the explanation.
          { guard: and(['isNo', 'explainedBefore']), actions: ['startRefile', { type: 'rememberRefileText', params: 'said' }], target: 'confirmRefile' },
          { guard: 'isNo', actions: 'startRefile', target: 'refileDescribe' },
          // "masih ga bisa login" without a no: as plain an answer.
          { guard: and([or(['isAnswer', 'isComplaintAct']), 'explainsNow']), actions: ['startRefile', 'rememberRefileText'], target: 'confirmRefile' },
        ],
      },
    },
    refileDescribe: {
      entry: { type: 'expect', params: { kind: 'freeText', about: 'refile' } },
      on: {
        USER: [{ guard: and([or(['isAnswer', 'isComplaintAct', 'isQuestion']), 'describesProblem']), actions: { type: 'rememberRefileText', params: 'asked' }, target: 'confirmRefile' }],
      },
    },
    /** The follow-up and its explanation shown: filed only after a yes. */
    confirmRefile: {
      entry: { type: 'expect', params: { kind: 'yesNo', about: 'refile' } },
      on: {
        USER: [
          { guard: 'isYes', target: 'refiling' },
          {
            guard: 'isNo',
            target: '#conversation.idle',
            actions: ['endInquiry', { type: 'say', params: { key: 'status.refileDropped', choices: [{ value: 'petugas', key: 'choices.officer' }, { value: 'menu', key: 'choices.menu' }] } }],
          },
          { guard: or(['isAnswer', 'isComplaintAct']), actions: 'addRefileText', target: 'confirmRefile', reenter: true },
        ],
      },
    },
    refiling: {
      tags: 'busy',
      invoke: {
        src: 'fileTicket',
        input: ({ context }) => refileInputOf(context),
        onDone: [
          { guard: 'filingQueued', target: '#conversation.idle', actions: [{ type: 'say', params: { key: 'status.refileQueued' } }, 'markAwaitingNumber', 'endInquiry'] },
          { target: '#conversation.idle', actions: [{ type: 'recordTicket', params: ({ event }) => event.output }, 'sayRefiled', 'endInquiry'] },
        ],
        // Nothing was filed (the key is kept, so a retry cannot file twice): asked again.
        onError: { target: 'confirmRefile', actions: { type: 'say', params: { key: 'common.error' } } },
      },
    },
  },
});
