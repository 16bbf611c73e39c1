/**
 * The answer of the seller application's Flow, as WhatsApp delivers it: a message of type
 * `interactive` whose `interactive` is `{ type: 'nfm_reply', nfm_reply: { name: 'flow', body:
 * 'Sent', response_json: '<JSON text>' } }`; the JSON holds the `flow_token` of the sending and the
 * Footer's payload (flows/seller-application.json: one key per field). Read with zod: a field that
 * is missing, empty or not text is left out (the chat asks for it), a province is taken only as
 * one of the dropdown's ids; the values are not judged here (the dialog validates each with the
 * chat's own rules).
 */
import { z } from 'zod';
import { FIELD_KEYS, type FieldKey } from '../../../../dialogs/fields/index.js';
import { t } from '../../../i18n/messages.js';
import { provinceOptions } from './sellerFlow.js';

export interface FlowReply {
  /** The flow_token as given back (verified by the caller: verifyFlowToken). */
  token: string;
  /** The fields the form gave, as typed (trimmed); the province as its stored name. */
  answers: Partial<Record<FieldKey, string>>;
}

/** The Flow's payload keys and the fields they fill. */
const FIELD_OF_KEY: Readonly<Record<string, Exclude<FieldKey, 'province'>>> = {
  name: 'name',
  business_name: 'businessName',
  product_type: 'productType',
  city: 'city',
  phone: 'phone',
  email: 'email',
};

/** The longest text taken from a field of the form (the longest field rule is 254, an email). */
const MAX_VALUE = 300;

const nfmReplySchema = z.looseObject({
  type: z.literal('nfm_reply'),
  nfm_reply: z.looseObject({ response_json: z.string().max(20_000), name: z.string().optional(), body: z.string().optional() }),
});
const responseSchema = z.looseObject({ flow_token: z.string().min(1).max(200) });

/** The Flow answer in a message's `interactive` object, or undefined when it is none (or unreadable). */
export function readFlowReply(interactive: unknown): FlowReply | undefined {
  const reply = nfmReplySchema.safeParse(interactive);
  if (!reply.success) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(reply.data.nfm_reply.response_json);
  } catch {
    return undefined;
  }
  const response = responseSchema.safeParse(json);
  if (!response.success) return undefined;
  const answers: Partial<Record<FieldKey, string>> = {};
  for (const [key, field] of Object.entries(FIELD_OF_KEY)) {
    const value = response.data[key];
    if (typeof value === 'string' && value.trim() !== '' && value.length <= MAX_VALUE) answers[field] = value.trim();
  }
  const province = provinceOptions().find((p) => p.id === response.data.province);
  if (province) answers.province = province.title;
  return { token: response.data.flow_token, answers };
}

/**
 * A form's answer as a line of the officers' transcript (in Indonesian, as the console is): a
 * heading, then each field given with its label, in the form's order.
 */
export function formTranscriptText(answers: Partial<Record<FieldKey, string>>): string {
  const lines = FIELD_KEYS.flatMap((field) => (answers[field] !== undefined ? [`${t('id', `fields.${field}.label`)}: ${answers[field]}`] : []));
  return [t('id', 'seller.flow.transcriptHeading'), ...lines].join('\n');
}
