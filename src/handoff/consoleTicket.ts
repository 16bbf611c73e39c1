import type { ConversationContext, FileTicketInput } from '../../dialogs/conversation.machine.js';
import { URGENT_TYPES } from '../../dialogs/complaint.js';
import { doneKey } from '../../dialogs/ticketInputs.js';
import { emailAsTyped, parseField, type FieldKey } from '../../dialogs/fields/index.js';
import { ticketRequestOf } from '../bot/dialogServices.js';
import { catalogEntry } from '../../dialogs/catalog.js';
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
}

export type ConsoleTicketResult = { ok: true; value: FiledTicket } | { ok: false; error: 'invalid_fields'; fields: Record<string, string> };

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
  deps: { store: Pick<HandoffStore, 'latestPhoto'>; tickets: TicketService; botOfficerName: string },
): Promise<ConsoleTicketResult> {
  const errors: Record<string, string> = {};
  const applicant: ApplicantData = { name: '', businessName: '', productType: '', city: '', province: '', phone: '', email: '' };
  for (const key of REQUIRED[input.kind]) {
    const value = checkField(key, input.fields[key] ?? '');
    if (value.ok) applicant[key] = value.value;
    else errors[key] = value.error;
  }
  const catalogNumber = input.kind === 'seller' ? 7 : (input.catalogNumber ?? null);
  if (input.kind === 'complaint' && (catalogNumber === null || !catalogEntry(catalogNumber))) errors.catalogNumber = 'required';
  if (Object.keys(errors).length > 0) return { ok: false, error: 'invalid_fields', fields: errors };

  const draft = context?.application;
  const fileInput: FileTicketInput = {
    idempotencyKey: draft && draft.kind === input.kind ? draft.id : `handoff-${handoff.id}-${input.kind}`,
    kind: input.kind,
    channel: handoff.channel,
    conversationId: handoff.conversationId,
    officer: officer.username,
    applicant,
    photo: (await deps.store.latestPhoto(handoff.conversationKey, handoff.requestedAt)) ?? draft?.photo ?? null,
    catalogNumber,
    description: input.description?.trim() || context?.complaint?.description || null,
    previousNumber: null,
    priority: catalogNumber !== null && URGENT_TYPES.includes(catalogNumber) ? 'urgent' : 'normal',
    notice: doneKey(input.kind),
  };
  const request = await ticketRequestOf(fileInput, deps);
  return { ok: true, value: await deps.tickets.file(request) };
}

/** An officer's entry is taken as meant: a suggested correction is applied, an email kept as typed when well formed. */
function checkField(key: FieldKey, raw: string): { ok: true; value: string } | { ok: false; error: string } {
  const outcome = parseField(key, raw);
  if (outcome.kind === 'valid') return { ok: true, value: outcome.value };
  if (outcome.kind === 'confirm') {
    if (key === 'email') {
      const typed = emailAsTyped(outcome.typed);
      return typed !== undefined ? { ok: true, value: typed } : { ok: false, error: 'invalid' };
    }
    return { ok: true, value: outcome.value };
  }
  return { ok: false, error: outcome.error };
}
