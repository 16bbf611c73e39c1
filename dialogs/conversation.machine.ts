import { and, not, raise } from 'xstate';
import { conversationSetup, welcomeReply } from './conversation.setup.js';
import { repairHandlers } from './states/repair.states.js';
import { complaintState } from './states/complaint.states.js';
import { formState } from './states/form.states.js';
import { statusState } from './states/status.states.js';

export type { ConversationContext, ConversationInput, DialogTicket, FileTicketInput, Locale, TicketQuery } from './conversation.setup.js';

/** Bumped when a change makes older persisted snapshots unusable; the bot then starts them afresh. */
export const CONVERSATION_MACHINE_VERSION = 3;

/**
 * The conversation: a welcome that understands a menu tap as well as free text (classified into
 * the Marketplace's intents and 40 service types), then a seller application (SOP section 1), a
 * complaint (section 2) or a status look-up (section 1f). Pure: replies are message keys, and the
 * services (ticketing, photos, classifier, ticket look-up) are provided by the bot.
 *
 * Every text arrives with its act (src/nlu/understanding): each waiting state takes what answers
 * its open question; whatever else the customer says (a question, a greeting, thanks, a
 * correction, a sticker, nothing usable) bubbles up to the handlers at the top of the chart
 * (states/repair.states.ts), which answer it and ask the open question again, the same way in
 * every state.
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
    open: { kind: 'menu' },
    misses: 0,
  }),
  initial: 'idle',
  on: {
    // Any time, also in the middle of a form: the bot opens the handoff and tells the queue position.
    OFFICER: { actions: 'requestHandoff' },
    // From the officers' side (src/handoff). While an officer holds the conversation the bot steps
    // the machine only with these, and says nothing; handing back resumes at the first open question.
    OFFICER_JOINED: { actions: 'joinOfficer' },
    HANDED_BACK: [
      { guard: 'inForm', actions: ['endOfficerWait', { type: 'say', params: { key: 'officer.handedBack' } }], target: '#form.advance' },
      { guard: 'inComplaintSelection', actions: ['endOfficerWait', { type: 'say', params: { key: 'officer.handedBack' } }], target: '#complaint.resume' },
      { target: '.idle', actions: ['endOfficerWait', 'endInquiry', { type: 'say', params: welcomeReply('officer.handedBackMenu') }] },
    ],
    HANDOFF_CLOSED: { target: '.idle', actions: ['endOfficerWait', 'endForm', 'endInquiry', { type: 'say', params: welcomeReply('officer.closed') }] },
    FILED_BY_OFFICER: { target: '.idle', actions: ['recordOfficerTicket', 'endForm'] },
    LANGUAGE: { actions: ['setLocale', { type: 'say', params: { key: 'language.switched' } }, 'reask'] },
    PROFILE: { actions: 'setProfile' },
    // The answer of the form sent for the open application, wherever the form stands; any other
    // (replayed, foreign, expired, or after the application ended) is refused, and the open question asked again.
    FORM: [
      { guard: 'answersForm', actions: 'takeFormAnswers', target: '#form.corrected' },
      { actions: [{ type: 'say', params: { key: 'seller.flow.stale' } }, 'reaskInProgress'] },
    ],
    ...repairHandlers,
  },
  states: {
    idle: {
      entry: { type: 'setOpen', params: { kind: 'menu' } },
      on: {
        // A form kept at the menu ("menu" mid-form) is cancelled now; else there is nothing to cancel.
        CANCEL: [
          { guard: 'holdsData', actions: ['sayCancelled', 'endForm'] },
          { actions: { type: 'say', params: { key: 'common.nothingToCancel' } } },
        ],
        PHOTO: [
          { guard: 'awaitingOfficer', actions: 'sayOfficerNote' },
          { actions: 'sayWelcome' },
        ],
        UNSUPPORTED: { guard: 'awaitingOfficer', actions: 'sayOfficerNote' },
        USER: [
          // Waiting for an officer: what they write is for the officer (it is in the transcript).
          { guard: and(['awaitingOfficer', not('isFields')]), actions: 'sayOfficerNote' },
          { guard: 'repeatsConfirmation', actions: 'sayAlreadyFiled' },
          // "lanjutkan" after "menu" mid-form: back to the question it was at, nothing lost.
          { guard: and(['resumes', 'inForm']), target: '#form.advance' },
          { guard: and(['resumes', 'inComplaintSelection']), target: '#complaint.resume' },
          // Someone who writes English is answered in English: switched, then the same message read again.
          { guard: 'writesEnglish', actions: ['switchToEnglish', { type: 'say', params: { key: 'language.switchedAuto' } }, raise(({ event }) => event)] },
          { guard: 'hasTicketNumber', actions: 'startInquiry', target: 'status.byNumber' },
          { guard: 'asksAboutOwnReport', actions: ['answerSalam', 'rememberText', { type: 'startOwnInquiry', params: true }], target: 'status' },
          { guard: { type: 'isMenu', params: 'register' }, target: 'seller' },
          { guard: { type: 'isMenu', params: 'report' }, actions: 'startComplaint', target: 'complaint' },
          { guard: { type: 'isMenu', params: 'status' }, actions: 'startOwnInquiry', target: 'status' },
          { guard: { type: 'isMenu', params: 'menu' }, actions: ['resetUnplaced', 'sayWelcome'] },
          { guard: { type: 'is', params: 'greeting' }, actions: ['resetUnplaced', 'answerSalam', 'sayWelcome'] },
          // Everything at once at the opener ("nama sy …, usaha …, hp …"): the application, prefilled.
          { guard: and(['isFields', 'givesApplication']), actions: 'answerSalam', target: 'sellerFromFields' },
          { guard: 'saysReportNumberLost', actions: ['answerSalam', 'rememberText', { type: 'startOwnInquiry', params: true }], target: 'status' },
          { guard: { type: 'is', params: 'answer' }, actions: ['answerSalam', 'rememberText'], target: 'classifying' },
          { guard: { type: 'is', params: 'complaint' }, actions: ['answerSalam', 'rememberText'], target: 'classifying' },
          // A question about the procedure is answered from it (with the menu, whose first button is
          // to register); any other question may be a wish ("promonya masih ada?"): the classifier
          // first, and what it cannot place is answered as a question for the support team.
          { guard: 'asksAboutProcedure', actions: ['resetUnplaced', 'answerSalam', 'sayAnswer', 'sayWelcomeMenu'] },
          { guard: { type: 'is', params: 'question' }, actions: ['answerSalam', 'rememberText'], target: 'classifying' },
          // Nothing usable: as a message the classifier could not place (the second in a row goes to an officer).
          { guard: and([{ type: 'is', params: 'unusable' } as const, 'unplacedBefore']), actions: { type: 'requestHandoff', params: 'unplaced' } },
          { guard: { type: 'is', params: 'unusable' }, actions: ['countUnplaced', { type: 'say', params: welcomeReply('welcome.notUnderstood') }] },
          // Yes, no, "lanjut" with nothing asked: the menu.
          { guard: { type: 'is', params: 'yes' }, actions: ['resetUnplaced', { type: 'say', params: welcomeReply('welcome.anythingElse') }] },
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
          { guard: and(['nluUnsure', 'askedQuestion']), target: 'idle', actions: ['resetUnplaced', 'sayAnswer', 'sayWelcomeMenu'] },
          { guard: and(['nluUnsure', 'unplacedBefore']), target: 'idle', actions: { type: 'requestHandoff', params: 'unplaced' } },
          { guard: 'nluUnsure', target: 'idle', actions: ['countUnplaced', { type: 'say', params: welcomeReply('welcome.notUnderstood') }] },
          { guard: { type: 'nluIs', params: 'intent:register_seller' }, target: 'seller' },
          { guard: { type: 'nluIs', params: 'intent:status_inquiry' }, actions: { type: 'startOwnInquiry', params: true }, target: 'status' },
          { guard: { type: 'nluIs', params: 'intent:ask_human' }, target: 'idle', actions: { type: 'requestHandoff', params: 'asked' } },
          { guard: { type: 'nluIs', params: 'intent:promo_info' }, target: 'idle', actions: ['resetUnplaced', { type: 'say', params: { key: 'promo.ended', choices: welcomeReply().choices } }] },
          { guard: { type: 'nluIs', params: 'intent:greeting' }, target: 'idle', actions: ['resetUnplaced', 'sayWelcome'] },
          { guard: { type: 'nluIs', params: 'intent:out_of_scope' }, target: 'idle', actions: ['resetUnplaced', { type: 'say', params: { key: 'scope.outOfScope', choices: welcomeReply().choices } }] },
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
      // Where the channel has the form (WhatsApp with a Flow configured), it is sent, the chat its alternative.
      always: [{ guard: 'formAvailable', actions: 'offerForm', target: '#form' }, { target: '#form' }],
    },
    /** An application given in one message: explained, what was understood said back, then only what is missing. */
    sellerFromFields: {
      entry: ['startSellerForm', { type: 'say', params: { key: 'seller.intro' } }, 'takeFields'],
      always: [{ guard: 'hasPending', target: '#form.confirming' }, { target: '#form.advance' }],
    },
    complaint: complaintState,
    form: formState,
    status: statusState,
  },
});

export type ConversationMachine = typeof conversationMachine;
