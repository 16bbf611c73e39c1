/**
 * The seller application as a form the channel shows (a WhatsApp Flow, src/channels/whatsapp/flows):
 * offered when an application starts on a channel that has it, in place of the first question, with
 * the chat as the alternative ("lewat chat saja", or simply typing the answers). Its answer comes
 * back as a FORM event and is taken like several fields typed at once (formEdits.ts `takeFields`):
 * what validates is stored, a typo to confirm is asked first, what does not validate is asked in
 * the chat in its turn with the reason. A form is taken once, and only while its application is
 * open: a replayed answer, or one that arrives after the applicant finished in the chat, is not.
 */
import { randomBytes } from 'node:crypto';
import type { ApplicationDraft } from './application.js';
import { normalizeCommandText } from './commands.js';
import type { DialogEvent, SenderProfile } from './events.js';
import { parseField, type FieldKey } from './fields/index.js';
import { takeFields } from './formEdits.js';
import type { Reply } from './reply.js';

/** What the "answer in the chat" button sends, and what else people type for it. */
export const CHAT_INSTEAD = 'lewat chat saja';
const CHAT_INSTEAD_TYPED = new Set([CHAT_INSTEAD, 'lewat chat', 'lewat chat aja', 'chat saja', 'chat aja', 'via chat', 'di chat aja', 'di chat saja', 'chat instead', 'by chat']);

/** A new form's nonce (what its flow_token names): 12 random bytes, base64url (16 characters). */
export const newFormNonce = (): string => randomBytes(12).toString('base64url');

/** A new form for the draft, and the message that sends it (prefilled with what the channel told of the sender). */
export function offerForm(draft: ApplicationDraft, profile: SenderProfile | null): { draft: ApplicationDraft; reply: Reply } {
  const nonce = newFormNonce();
  const prefill = { ...(profile?.name ? { name: profile.name } : {}), ...(profile?.phone ? { phone: profile.phone } : {}) };
  return {
    draft: { ...draft, form: { nonce, answered: false, announced: false } },
    reply: { key: 'seller.flow.message', form: { kind: 'sellerApplication', nonce, prefill }, choices: [{ value: CHAT_INSTEAD, key: 'seller.flow.chatInstead' }] },
  };
}

/** The form's message stood in for the first question: it is not asked in the chat as well, once. */
export function formAnnouncesQuestion(draft: ApplicationDraft | null): boolean {
  return draft?.form !== undefined && !draft.form.announced;
}

export function markAnnounced(draft: ApplicationDraft): ApplicationDraft {
  return draft.form ? { ...draft, form: { ...draft.form, announced: true } } : draft;
}

/**
 * "lewat chat saja" (tapped or typed) in an application the form was offered for: the chat asks
 * (the open question), and the words are never taken as an answer (a name, a business name), also
 * when the old button is tapped after the form was sent.
 */
export function choosesChat(draft: ApplicationDraft | null, text: string): boolean {
  if (!draft?.form) return false;
  return CHAT_INSTEAD_TYPED.has(normalizeCommandText(text));
}

/** The FORM event answers this draft's form: its nonce, not taken before. */
export function answersForm(draft: ApplicationDraft | null, event: DialogEvent): boolean {
  return event.type === 'FORM' && event.nonce !== null && draft?.form?.nonce === event.nonce && !draft.form.answered;
}

/**
 * The form's answers taken into the draft: stored, a typo to confirm made the open question, the
 * rest left to be asked, each refused value kept so that its question says why (`formReason`).
 */
export function takeFormAnswers(draft: ApplicationDraft, answers: Partial<Record<FieldKey, string>>): { draft: ApplicationDraft; replies: Reply[] } {
  const taken = takeFields(draft, answers);
  const refused = Object.fromEntries(taken.refused.flatMap((field) => (answers[field] !== undefined ? [[field, answers[field]]] : [])));
  const next: ApplicationDraft = {
    ...taken.draft,
    form: { ...(draft.form ?? { nonce: '', announced: true }), answered: true, announced: true },
    ...(taken.refused.length > 0 ? { formRefused: refused } : {}),
  };
  return { draft: next, replies: [{ key: 'seller.flow.received' }] };
}

/**
 * When the chat asks for a field whose value from the form did not validate: why, said once
 * before the question ("that looks like a landline …"), and the value forgotten.
 */
export function formReason(draft: ApplicationDraft | null): { draft: ApplicationDraft; reply: Reply } | null {
  if (!draft?.formRefused || draft.current === 'photo') return null;
  const field = draft.current;
  const given = draft.formRefused[field];
  if (given === undefined) return null;
  const { [field]: _said, ...rest } = draft.formRefused;
  const outcome = parseField(field, given);
  const next = { ...draft, formRefused: rest };
  return outcome.kind === 'invalid' ? { draft: next, reply: { key: `fields.${field}.errors.${outcome.error}` } } : null;
}
