import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { PhotoRef } from '../src/tickets/types.js';
import type { SenderProfile } from './events.js';
import { FIELD_KEYS, type FieldKey } from './fields/index.js';
import type { Choice, Reply, SummaryLine } from './reply.js';

/** Channels where the SOP asks for a sample photo of the product (section 1b, item 8). */
const PHOTO_REQUIRED_CHANNELS = new Set(['whatsapp', 'messenger', 'facebook', 'instagram']);

export type Step = FieldKey | 'photo';

/** A seller application as far as the applicant got: the part of the conversation state that is the form. */
export interface ApplicationDraft {
  /** Idempotency key of the ticket: one application, one ITSM ticket. */
  id: string;
  fields: Partial<Record<FieldKey, string>>;
  photo: PhotoRef | null;
  photoSkipped: boolean;
  current: Step;
  /** A guessed value waiting for "ya" (province typo, email domain typo). */
  pending: { value: string; typed: string } | null;
  /** Failed answers to the current question. */
  attempts: number;
}

export const MAX_ATTEMPTS = 3;

export function photoRequired(channel: string): boolean {
  return PHOTO_REQUIRED_CHANNELS.has(channel);
}

export function newDraft(id: string): ApplicationDraft {
  return { id, fields: {}, photo: null, photoSkipped: false, current: FIELD_KEYS[0]!, pending: null, attempts: 0 };
}

/** The first question still open, or null when the form is complete. */
export function nextOpenStep(draft: ApplicationDraft): Step | null {
  const missing = FIELD_KEYS.find((k) => draft.fields[k] === undefined);
  if (missing) return missing;
  if (!draft.photo && !draft.photoSkipped) return 'photo';
  return null;
}

export function askReply(step: Step, channel: string, profile: SenderProfile | null = null): Reply {
  // WhatsApp tells us the sender's profile name and number: offer them as one-tap answers.
  if (step === 'name' && profile?.name) {
    return { key: 'fields.name.question', after: [{ key: 'seller.defaults.name' }], choices: [{ value: profile.name, key: 'choices.asIs', vars: { value: profile.name } }] };
  }
  if (step === 'phone' && profile?.phone) {
    const shown = displayPhone(profile.phone);
    return { key: 'fields.phone.question', after: [{ key: 'seller.defaults.phone' }], choices: [{ value: shown, key: 'choices.asIs', vars: { value: shown } }] };
  }
  if (step === 'photo') {
    return photoRequired(channel)
      ? { key: 'seller.photo.questionRequired' }
      : { key: 'seller.photo.questionOptional', choices: [{ value: 'lewati', key: 'choices.skip' }] };
  }
  return { key: `fields.${step}.question` };
}

/** Phone numbers are stored as E.164; people read them in the national form (0812-3456-7890). */
export function displayPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatNational() ?? e164;
}

export function summaryReply(draft: ApplicationDraft): Reply {
  const lines: SummaryLine[] = FIELD_KEYS.map((k) => ({
    labelKey: `fields.${k}.label`,
    value: k === 'phone' && draft.fields.phone ? displayPhone(draft.fields.phone) : (draft.fields[k] ?? '-'),
  }));
  lines.push({ labelKey: 'seller.photo.label', valueKey: draft.photo ? 'seller.photo.attached' : 'seller.photo.none' });
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

/** The photo can be changed (or added) on every channel, so it is always one of the choices. */
export function chooseFieldReply(): Reply {
  const steps: Step[] = [...FIELD_KEYS, 'photo'];
  const choices: Choice[] = steps.map((s) => ({ value: `ubah ${EDIT_WORD[s]}`, key: s === 'photo' ? 'seller.photo.label' : `fields.${s}.label` }));
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
