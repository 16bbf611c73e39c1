import { and } from 'xstate';
import { conversationSetup, welcomeReply } from './conversation.setup.js';
import { complaintState } from './states/complaint.states.js';
import { formState } from './states/form.states.js';
import { statusState } from './states/status.states.js';

export type { ConversationContext, ConversationInput, DialogTicket, FileTicketInput, Locale, TicketQuery } from './conversation.setup.js';

/** Bumped when a change makes older persisted snapshots unusable; the bot then starts them afresh. */
export const CONVERSATION_MACHINE_VERSION = 2;

/**
 * The conversation: a welcome that understands a menu tap as well as free text (classified into
 * the Marketplace's intents and 40 service types), then a seller application (SOP section 1), a
 * complaint (section 2) or a status look-up (section 1f). Pure: replies are message keys, and the
 * services (ticketing, photos, classifier, ticket look-up) are provided by the bot.
 */
export const conversationMachine = conversationSetup.createMachine({
  id: 'conversation',
  context: ({ input }) => ({
    ...input,
    officerRequested: false,
    officer: null,
    application: null,
    complaint: null,
    inquiry: null,
    earlier: null,
    lastTicket: null,
    photoError: null,
    profile: null,
    lastText: '',
  }),
  initial: 'idle',
  on: {
    // Any time, also in the middle of a form: the bot opens the handoff and tells the queue position.
    OFFICER: { actions: 'requestHandoff' },
    // From the officers' side (src/handoff). While an officer holds the conversation the bot steps
    // the machine only with these, and says nothing; handing back resumes at the first open question.
    OFFICER_JOINED: { actions: 'joinOfficer' },
    HANDED_BACK: [
      { guard: 'inForm', actions: { type: 'say', params: { key: 'officer.handedBack' } }, target: '#form.advance' },
      { guard: 'inComplaintSelection', actions: { type: 'say', params: { key: 'officer.handedBack' } }, target: '#complaint.resume' },
      { target: '.idle', actions: ['endInquiry', { type: 'say', params: welcomeReply('officer.handedBackMenu') }] },
    ],
    HANDOFF_CLOSED: { target: '.idle', actions: ['endForm', 'endInquiry', { type: 'say', params: welcomeReply('officer.closed') }] },
    FILED_BY_OFFICER: { target: '.idle', actions: ['recordOfficerTicket', 'endForm'] },
    LANGUAGE: { actions: ['setLocale', { type: 'say', params: { key: 'language.switched' } }] },
    PROFILE: { actions: 'setProfile' },
    UNSUPPORTED: { actions: { type: 'say', params: { key: 'common.unsupported' } } },
  },
  states: {
    idle: {
      on: {
        CANCEL: { actions: { type: 'say', params: { key: 'common.nothingToCancel' } } },
        PHOTO: { actions: 'sayWelcome' },
        USER: [
          { guard: 'repeatsConfirmation', actions: 'sayAlreadyFiled' },
          { guard: 'hasTicketNumber', actions: 'startInquiry', target: 'status.byNumber' },
          { guard: { type: 'isMenu', params: 'register' }, target: 'seller' },
          { guard: { type: 'isMenu', params: 'report' }, actions: 'startComplaint', target: 'complaint' },
          { guard: { type: 'isMenu', params: 'status' }, actions: 'startOwnInquiry', target: 'status' },
          { guard: { type: 'isMenu', params: 'menu' }, actions: ['resetUnplaced', 'sayWelcome'] },
          { guard: 'isGreeting', actions: ['resetUnplaced', 'sayWelcome'] },
          { actions: 'rememberText', target: 'classifying' },
        ],
      },
    },
    /** Free text at the start: the classifier decides what the customer wants. */
    classifying: {
      tags: 'busy',
      invoke: {
        src: 'classify',
        input: ({ context }) => ({ text: context.lastText }),
        onDone: [
          { guard: 'lastTextEnglish', target: 'idle', actions: ['resetUnplaced', { type: 'say', params: { key: 'language.offerEnglish', choices: [{ value: 'english', key: 'choices.english' }] } }] },
          { guard: and(['nluUnsure', 'unplacedBefore']), target: 'idle', actions: { type: 'requestHandoff', params: 'unplaced' } },
          { guard: 'nluUnsure', target: 'idle', actions: ['countUnplaced', { type: 'say', params: welcomeReply('welcome.notUnderstood') }] },
          { guard: { type: 'nluIs', params: 'intent:register_seller' }, target: 'seller' },
          { guard: { type: 'nluIs', params: 'intent:status_inquiry' }, actions: 'startOwnInquiry', target: 'status' },
          { guard: { type: 'nluIs', params: 'intent:ask_human' }, target: 'idle', actions: { type: 'requestHandoff', params: 'asked' } },
          { guard: { type: 'nluIs', params: 'intent:promo_info' }, target: 'idle', actions: ['resetUnplaced', { type: 'say', params: { key: 'promo.ended', choices: welcomeReply().choices } }] },
          { guard: { type: 'nluIs', params: 'intent:greeting' }, target: 'idle', actions: ['resetUnplaced', 'sayWelcome'] },
          { guard: { type: 'nluIs', params: 'intent:out_of_scope' }, target: 'idle', actions: ['resetUnplaced', { type: 'say', params: { key: 'scope.outOfScope' } }] },
          { guard: 'nluConfidentType', actions: 'startComplaintFromNlu', target: 'complaint.confirmType' },
          { guard: 'nluHasTypes', actions: 'startComplaintFromNlu', target: 'complaint.chooseType' },
          { guard: 'unplacedBefore', target: 'idle', actions: { type: 'requestHandoff', params: 'unplaced' } },
          { target: 'idle', actions: ['countUnplaced', { type: 'say', params: welcomeReply('welcome.notUnderstood') }] },
        ],
        onError: { target: 'idle', actions: { type: 'say', params: welcomeReply('welcome.notUnderstood') } },
      },
    },
    /** SOP 1a: explain first, then the form. */
    seller: {
      entry: ['startSellerForm', { type: 'say', params: { key: 'seller.intro' } }],
      always: '#form',
    },
    complaint: complaintState,
    form: formState,
    status: statusState,
  },
});

export type ConversationMachine = typeof conversationMachine;
