import { and } from 'xstate';
import { conversationSetup, welcomeReply } from '../conversation.setup.js';

/**
 * What the customer says that is not the answer to the open question, handled the same way in
 * every state (CONVERSATION.md's catalogue): a waiting state takes only its answers, and every
 * other text, photo or sticker bubbles up to these handlers at the top of the chart. Each answers
 * what was said and asks the open question again; three unusable answers in a row to one question
 * offer an officer and the menu. So no message goes unanswered, nothing that is not an answer is
 * stored, and no state loops.
 */
const config = conversationSetup.createStateConfig({
  on: {
    USER: [
      // "menu" with a form or a report under way: the menu, and what was typed is kept ("lanjutkan" resumes it).
      { guard: and([{ type: 'goes', params: 'menu' as const }, 'holdsData']), target: '#conversation.idle', actions: ['endInquiry', 'sayMenuKeepingForm'] },
      { guard: { type: 'goes', params: 'menu' }, target: '#conversation.idle', actions: ['endForm', 'endInquiry', { type: 'say', params: welcomeReply('welcome.menu') }] },
      // A correction in free text, at any step of a form (the photo and the summary included).
      // "ubah email": that question again; "emailnya budi.s@yahoo.com": changed, said, on from where the form stands.
      { guard: and(['correctionInForm', 'correctionAsks']), target: '#form.route', actions: 'applyCorrection' },
      // A new value that does not fit the field: why, then that question.
      { guard: and(['correctionInForm', 'correctionUnusable']), target: '#form.route', actions: 'applyCorrection' },
      { guard: 'correctionInForm', target: '#form.corrected', actions: 'applyCorrection' },
      { guard: { type: 'is', params: 'correction' }, actions: ['sayCorrectionTooLate', 'reask'] },
      // Several fields (or one out of turn) while a form is open: stored and said back.
      { guard: and(['isFields', 'inForm']), target: '#form.corrected', actions: 'takeFields' },
      // Waiting for an officer: what is not an answer to the form (a greeting, "msh lama ga?", …) is
      // for the officer, who reads it in the transcript; the bot only says so.
      { guard: 'awaitingOfficer', actions: 'sayOfficerNote' },
      // Not an answer, but not nothing either: answered, then the question again. Each still counts
      // towards the officer offer, so no state loops on thanks or questions either.
      { guard: { type: 'is', params: 'greeting' }, actions: ['sayGreeting', 'reask', 'countMiss', 'offerOfficerWhenStuck'] },
      { guard: { type: 'is', params: 'thanks' }, actions: ['answerSalam', 'sayThanks', 'reaskInProgress', 'countMissInProgress', 'offerOfficerWhenStuck'] },
      { guard: { type: 'is', params: 'closing' }, actions: ['sayClosing', 'reaskInProgress', 'countMissInProgress', 'offerOfficerWhenStuck'] },
      { guard: { type: 'is', params: 'question' }, actions: ['answerSalam', 'sayAnswer', 'reask', 'countMiss', 'offerOfficerWhenStuck'] },
      { guard: { type: 'is', params: 'botComplaint' }, actions: ['sayBotComplaint', 'reask', 'countMiss'] },
      { guard: { type: 'goes', params: 'repeat' }, actions: ['reask', 'countMiss', 'offerOfficerWhenStuck'] },
      { guard: { type: 'goes', params: 'later' }, actions: ['sayLater', 'reask', 'countMiss', 'offerOfficerWhenStuck'] },
      { guard: and(['isComplaintAct', 'inProgress']), actions: ['sayComplaintMidForm', 'reask', 'countMiss'] },
      // "kembali" where there is nothing to go back to: the menu (what was typed is kept).
      { guard: and(['goesBack', 'holdsData']), target: '#conversation.idle', actions: ['endInquiry', 'sayMenuKeepingForm'] },
      { guard: 'goesBack', target: '#conversation.idle', actions: ['endInquiry', { type: 'say', params: welcomeReply('welcome.menu') }] },
      { actions: 'miss' },
    ],
    // A photo where none is asked for (yet): kept out, the open question again.
    PHOTO: [{ guard: 'awaitingOfficer', actions: 'sayOfficerNote' }, { actions: ['sayPhotoNotNow', 'reask', 'countMiss', 'offerOfficerWhenStuck'] }],
    // A sticker, a voice note, a video, a document, a location: never an answer.
    UNSUPPORTED: [{ guard: 'awaitingOfficer', actions: 'sayOfficerNote' }, { actions: 'miss' }],
  },
});

export const repairHandlers = config.on;
