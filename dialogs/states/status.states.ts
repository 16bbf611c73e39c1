import { or } from 'xstate';
import { conversationSetup, refileInputOf } from '../conversation.setup.js';

/**
 * A customer asking about an earlier report (SOP section 1f): by number, or their own latest
 * report. The status and the support team's latest answer go to the owner only (this very
 * conversation, their WhatsApp number, or the phone/email on the ticket). A matter that is not
 * settled gets a follow-up ticket that names the earlier number.
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
        input: ({ context }) => ({ by: 'conversation' as const, channel: context.channel, conversationId: context.conversationId }),
        onDone: [{ guard: 'foundNone', target: 'askNumber' }, { actions: 'setInquiryTicket', target: 'show' }],
        onError: { target: 'askNumber' },
      },
    },
    askNumber: {
      entry: { type: 'expect', params: { kind: 'ticketNumber' } },
      on: {
        USER: [{ guard: 'hasTicketNumber', actions: 'startInquiry', target: 'byNumber' }],
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
    show: {
      entry: { type: 'expect', params: { kind: 'yesNo', about: 'settled' } },
      on: {
        USER: [
          { guard: 'hasTicketNumber', actions: 'startInquiry', target: 'byNumber' },
          { guard: 'isYes', target: '#conversation.idle', actions: [{ type: 'say', params: { key: 'status.thanks' } }, 'endInquiry'] },
          { guard: 'isNo', actions: 'startRefile', target: 'refileDescribe' },
        ],
      },
    },
    refileDescribe: {
      entry: { type: 'expect', params: { kind: 'freeText', about: 'refile' } },
      on: {
        USER: [{ guard: or(['isAnswer', 'isComplaintAct', 'isQuestion']), actions: 'rememberRefileText', target: 'refiling' }],
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
        // Nothing was filed (the key is kept, so a retry cannot file twice): ask again.
        onError: { target: 'refileDescribe', actions: { type: 'say', params: { key: 'common.error' } } },
      },
    },
  },
});
