import { displayPhone } from '../src/phone.js';
import type { PhotoRef } from '../src/tickets/types.js';
import { channelIdOf } from '../src/core/conversationChannel.js';
import type { SenderProfile } from './events.js';
import { FIELD_KEYS, type FieldKey } from './fields/index.js';
import type { Choice, Reply, SummaryLine } from './reply.js';

/** Channels where the SOP asks for a sample photo of the product (section 1b, item 8). */
const PHOTO_REQUIRED_CHANNELS = new Set(['whatsapp', 'messenger', 'facebook', 'instagram']);

export type Step = FieldKey | 'photo';

/** Seller applications (SOP section 1) and Marketplace complaints (section 2) share the form machinery. */
export type FormKind = 'seller' | 'complaint';

/** What each form asks, in order; the photo (product photo, or a screenshot for complaints) comes last. */
export const FORM_FIELDS: Record<FormKind, readonly FieldKey[]> = {
  seller: FIELD_KEYS,
  complaint: ['name', 'phone', 'email'],
};

/** A form as far as the applicant got: the part of the conversation state that is the form. */
export interface ApplicationDraft {
  kind: FormKind;
  /** Idempotency key of the ticket: one application, one ITSM ticket. */
  id: string;
  fields: Partial<Record<FieldKey, string>>;
  photo: PhotoRef | null;
  photoSkipped: boolean;
  current: Step;
  /**
   * A guessed value waiting for "ya" (city, province or email typo); `about: 'mismatch'`: the
   * province of the city (`value`) against the one given (`typed`), see placeCheck.ts.
   */
  pending: { value: string; typed: string; about?: 'mismatch' } | null;
  /** The province as filled in from the city (not given by the customer): it follows the city. */
  provinceFromCity?: string;
  /** "city|province" already asked about as a mismatch: given again, it is what they mean. */
  placesChecked?: string;
  /** What the applicant typed when they said no to the guess: typed again, it is what they mean. */
  refusedGuess?: string;
  /** The region whose provinces were just offered ("Papua"): named again, its province of that name is meant. */
  regionAsked?: string;
  /** Failed answers to the current question. */
  attempts: number;
  /**
   * The WhatsApp form (Flow) sent for this application: the nonce its flow_token names, whether its
   * answer was taken (a form is taken once), and whether the form's message already stood in for
   * the first question (asked in the chat only when the applicant chooses the chat).
   */
  form?: { nonce: string; answered: boolean; announced: boolean };
  /** Values the form gave that did not validate, by field: why is said when the chat asks for that field. */
  formRefused?: Partial<Record<FieldKey, string>>;
}

export const MAX_ATTEMPTS = 3;

/** By the customer's app, whichever way it came in (`npm run chat -- --channel whatsapp` asks like WhatsApp). */
export function photoRequired(channel: string): boolean {
  return PHOTO_REQUIRED_CHANNELS.has(channelIdOf(channel));
}

export function newDraft(id: string, kind: FormKind = 'seller', prefill: Partial<Record<FieldKey, string>> = {}): ApplicationDraft {
  const draft: ApplicationDraft = { kind, id, fields: { ...prefill }, photo: null, photoSkipped: false, current: FORM_FIELDS[kind][0]!, pending: null, attempts: 0 };
  return { ...draft, current: nextOpenStep(draft) ?? draft.current };
}

/** Whether the photo may be skipped: always for a complaint's screenshot, off social media for sellers. */
export function photoOptionalFor(draft: ApplicationDraft, channel: string): boolean {
  return draft.kind === 'complaint' || !photoRequired(channel);
}

/** The first question still open, or null when the form is complete. */
export function nextOpenStep(draft: ApplicationDraft): Step | null {
  const missing = FORM_FIELDS[draft.kind].find((k) => draft.fields[k] === undefined);
  if (missing) return missing;
  if (!draft.photo && !draft.photoSkipped) return 'photo';
  return null;
}

export function askReply(step: Step, channel: string, profile: SenderProfile | null = null, kind: FormKind = 'seller'): Reply {
  // WhatsApp tells us the sender's profile name and number: offer them as one-tap answers.
  if (step === 'name' && profile?.name) {
    return { key: 'fields.name.question', after: [{ key: 'seller.defaults.name' }], choices: [{ value: profile.name, key: 'choices.asIs', vars: { value: profile.name } }] };
  }
  if (step === 'phone' && profile?.phone) {
    const shown = displayPhone(profile.phone);
    return { key: 'fields.phone.question', after: [{ key: 'seller.defaults.phone' }], choices: [{ value: shown, key: 'choices.asIs', vars: { value: shown } }] };
  }
  if (step === 'photo' && kind === 'complaint') {
    return { key: 'complaint.screenshotQuestion', choices: [{ value: 'lewati', key: 'choices.skip' }] };
  }
  if (step === 'photo') {
    return photoRequired(channel)
      ? { key: 'seller.photo.questionRequired' }
      : { key: 'seller.photo.questionOptional', choices: [{ value: 'lewati', key: 'choices.skip' }] };
  }
  return { key: `fields.${step}.question` };
}

/** The summary before submitting; a complaint also shows the problem type and the customer's words. */
export function summaryReply(draft: ApplicationDraft, problem: { label: string; description: string } | null = null): Reply {
  const problemLines: SummaryLine[] = problem
    ? [
        { labelKey: 'complaint.problemLabel', value: problem.label },
        { labelKey: 'complaint.descriptionLabel', value: problem.description },
      ]
    : [];
  const lines: SummaryLine[] = [...problemLines, ...FORM_FIELDS[draft.kind].map((k) => ({
    labelKey: `fields.${k}.label`,
    value: k === 'phone' && draft.fields.phone ? displayPhone(draft.fields.phone) : (draft.fields[k] ?? '-'),
  }))];
  lines.push({ labelKey: photoLabel(draft.kind), valueKey: draft.photo ? 'seller.photo.attached' : 'seller.photo.none' });
  return {
    key: 'seller.summary.intro',
    lines,
    choices: [
      { value: 'kirim', key: 'choices.submit' },
      { value: 'ubah', key: 'choices.edit' },
      { value: 'batal', key: 'choices.cancel' },
    ],
  };
}

const photoLabel = (kind: FormKind) => (kind === 'complaint' ? 'complaint.screenshotLabel' : 'seller.photo.label');

/** The photo can be changed (or added) on every channel, so it is always one of the choices. */
export function chooseFieldReply(kind: FormKind = 'seller'): Reply {
  const steps: Step[] = [...FORM_FIELDS[kind], 'photo'];
  const choices: Choice[] = steps.map((s) => ({ value: `ubah ${EDIT_WORD[s]}`, key: s === 'photo' ? photoLabel(kind) : `fields.${s}.label` }));
  return { key: 'seller.summary.chooseField', choices };
}

/** The word that "ubah <word>" understands for each step (see commands.ts). */
export const EDIT_WORD: Record<Step, string> = {
  name: 'nama',
  businessName: 'nama usaha',
  productType: 'jenis produk',
  city: 'kota',
  province: 'provinsi',
  phone: 'telepon',
  email: 'email',
  photo: 'foto',
};
