import type { ConversationContext, FileTicketInput } from '../../dialogs/conversation.machine.js';
import { URGENT_TYPES } from '../../dialogs/complaint.js';
import { doneKey } from '../../dialogs/ticketInputs.js';
import { emailAsTyped, parseField, type FieldKey } from '../../dialogs/fields/index.js';
import { ticketRequestOf } from '../bot/dialogServices.js';
import { catalogEntry, SELLER_REGISTRATION } from '../../dialogs/catalog.js';
import { photoRequired } from '../../dialogs/application.js';
import { t, type Locale } from '../i18n/messages.js';
import type { TicketService } from '../tickets/ticketService.js';
import type { ApplicantData, FiledTicket } from '../tickets/types.js';
import type { HandoffStore } from './handoffStore.js';
import type { Officer } from './officerStore.js';
import type { Handoff } from './types.js';

/** What the console's ticket form sends. */
export interface ConsoleTicketInput {
  kind: 'seller' | 'complaint';
  /** The catalogue type (1-40) of a complaint. */
  catalogNumber?: number;
  fields: Partial<Record<FieldKey, string>>;
  description?: string;
  /** Files a further ticket linked to the stay's ticket (refused without it when there is one). */
  followUp?: boolean;
  /** The officer checked an email the bot would query (`gmial.com`) and keeps it as typed. */
  keepEmailAsTyped?: boolean;
}

/**
 * `fields`: field -> error code (the bot's codes, `typo` for an email to check, `required` for a
 * missing photo); `messages`: what the console shows for each, in the service's language;
 * `suggestions`: the corrected value offered for a typo.
 */
export type ConsoleTicketResult =
  | { ok: true; value: FiledTicket }
  | { ok: false; error: 'invalid_fields'; fields: Record<string, string>; messages: Record<string, string>; suggestions: Record<string, string> };

const REQUIRED: Record<ConsoleTicketInput['kind'], readonly FieldKey[]> = {
  seller: ['name', 'businessName', 'productType', 'city', 'province', 'phone', 'email'],
  complaint: ['name', 'phone', 'email'],
};

/**
 * Files the ticket an officer completed in the console. The fields go through the same validators
 * as the dialog's; the officer's user name is the receiving officer (SOP 1c). A form the customer
 * began keeps its idempotency key, so the bot can never file the same application a second time
 * after the conversation is handed back.
 */
export async function fileFromConsole(
  handoff: Handoff,
  context: ConversationContext | null,
  officer: Officer,
  input: ConsoleTicketInput,
  /** The stay's ticket this one follows up (input.followUp), or null. */
  previousNumber: string | null,
  deps: { store: Pick<HandoffStore, 'latestPhoto'>; tickets: TicketService; botOfficerName: string; locale: Locale },
): Promise<ConsoleTicketResult> {
  const errors: Record<string, string> = {};
  const messages: Record<string, string> = {};
  const suggestions: Record<string, string> = {};
  const applicant: ApplicantData = { name: '', businessName: '', productType: '', city: '', province: '', phone: '', email: '' };
  for (const key of REQUIRED[input.kind]) {
    const value = checkField(key, input.fields[key] ?? '', input.keepEmailAsTyped === true);
    if (value.ok) {
      applicant[key] = value.value;
      continue;
    }
    errors[key] = value.error;
    if (value.suggestion !== undefined) {
      suggestions[key] = value.suggestion;
      messages[key] = t(deps.locale, 'agent.ticket.errorTypo', { value: value.suggestion });
    } else {
      messages[key] = t(deps.locale, `fields.${key}.errors.${value.error}`);
    }
  }
  const catalogNumber = input.kind === 'seller' ? SELLER_REGISTRATION.catalogNumber : (input.catalogNumber ?? null);
  if (input.kind === 'complaint' && (catalogNumber === null || !catalogEntry(catalogNumber))) {
    errors.catalogNumber = 'required';
    messages.catalogNumber = t(deps.locale, 'agent.ticket.errorRequired');
  }
  const draft = context?.application;
  const photo = (await deps.store.latestPhoto(handoff.conversationKey, handoff.requestedAt)) ?? draft?.photo ?? null;
  // As the bot: a seller on WhatsApp, Messenger or Instagram sends a product photo; the officer asks for it in the chat.
  if (input.kind === 'seller' && !photo && photoRequired(handoff.channel)) {
    errors.photo = 'required';
    messages.photo = t(deps.locale, 'agent.ticket.errorPhoto');
  }
  if (Object.keys(errors).length > 0) return { ok: false, error: 'invalid_fields', fields: errors, messages, suggestions };

  const fileInput: FileTicketInput = {
    idempotencyKey: previousNumber
      ? `handoff-${handoff.id}-followup-${previousNumber}`
      : draft && draft.kind === input.kind
        ? draft.id
        : `handoff-${handoff.id}-${input.kind}`,
    kind: input.kind,
    channel: handoff.channel,
    conversationId: handoff.conversationId,
    officer: officer.username,
    applicant,
    photo,
    catalogNumber,
    description: input.description?.trim() || context?.complaint?.description || null,
    previousNumber,
    priority: catalogNumber !== null && URGENT_TYPES.includes(catalogNumber) ? 'urgent' : 'normal',
    notice: doneKey(input.kind),
  };
  const request = await ticketRequestOf(fileInput, deps);
  return { ok: true, value: await deps.tickets.file(request) };
}

/**
 * An officer's entry checked by the bot's rules. A correction the bot would offer is applied (a
 * province or city spelt loosely), except an email's domain: that is asked back (`typo`, with the
 * suggestion) unless the officer keeps it as typed, as the bot asks the customer.
 */
function checkField(key: FieldKey, raw: string, keepEmailAsTyped: boolean): { ok: true; value: string } | { ok: false; error: string; suggestion?: string } {
  const outcome = parseField(key, raw);
  if (outcome.kind === 'valid') return { ok: true, value: outcome.value };
  if (outcome.kind === 'confirm') {
    if (key === 'email') {
      const typed = emailAsTyped(outcome.typed);
      if (typed === undefined) return { ok: false, error: 'invalid' };
      return keepEmailAsTyped ? { ok: true, value: typed } : { ok: false, error: 'typo', suggestion: outcome.value };
    }
    return { ok: true, value: outcome.value };
  }
  return { ok: false, error: outcome.error };
}
