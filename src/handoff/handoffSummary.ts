import type { ConversationContext } from '../../dialogs/conversation.machine.js';
import type { OutboundMessenger } from '../core/outbound.js';
import { catalogEntry, SELLER_REGISTRATION } from '../../dialogs/catalog.js';
import type { TicketService } from '../tickets/ticketService.js';
import type { ApplicantData, PhotoRef, TicketView } from '../tickets/types.js';
import type { HandoffStore } from './handoffStore.js';
import { maskPhone } from '../core/redact.js';
import type { FiledTicketView, Handoff, HandoffSummary, TranscriptEntry } from './types.js';

/** The classifier's guess for a text, human readable ("18. Akun diretas (92%)"), or null. */
export type Guesser = (text: string) => Promise<string | null>;

export interface SummaryDeps {
  store: Pick<HandoffStore, 'position' | 'latestPhoto' | 'transcript'>;
  tickets: Pick<TicketService, 'ticketsOf'>;
  messenger: Pick<OutboundMessenger, 'windowOpen'>;
  /** Display name of an officer (null when the account is gone). */
  officerName: (username: string) => Promise<string | null>;
  guess?: Guesser;
  /** The officer name the bot files under (its tickets are shown as the bot's). */
  botOfficerName: string;
  now: Date;
}

/** What the console shows of a handoff: the queue data plus the conversation as far as it got. */
export async function summarize(handoff: Handoff, context: ConversationContext | null, deps: SummaryDeps): Promise<HandoffSummary> {
  const draft = context?.application ?? null;
  const complaint = context?.complaint ?? null;
  const since = handoff.status === 'active' && handoff.takenAt ? handoff.takenAt : handoff.requestedAt;
  const [latest, position, officerName, windowOpen, [last], filed] = await Promise.all([
    deps.store.latestPhoto(handoff.conversationKey, handoff.requestedAt),
    deps.store.position(handoff),
    handoff.officer ? deps.officerName(handoff.officer) : null,
    deps.messenger.windowOpen(handoff, true),
    deps.store.transcript(handoff.conversationKey, 1),
    ticketOfHandoff(handoff, deps.tickets),
  ]);
  // The form as far as it got; once a ticket is filed (the form is then ended), what the ticket holds.
  const form: Record<string, string> = {};
  const fields = draft?.fields ?? (filed ? applicantFields(filed.applicant, filed.catalogNumber === SELLER_CATALOG_NUMBER) : {});
  for (const [key, value] of Object.entries(fields)) if (typeof value === 'string' && value) form[key] = value;
  const photo: PhotoRef | null = latest ?? draft?.photo ?? null;
  const catalogNumber = complaint?.catalogNumber ?? complaint?.candidates[0] ?? null;
  return {
    ...handoff,
    officerName: handoff.officer ? (officerName ?? handoff.officer) : null,
    waitingSeconds: Math.max(0, Math.round((deps.now.getTime() - Date.parse(since)) / 1000)),
    position,
    form,
    formKind: draft?.kind ?? (complaint ? 'complaint' : filed ? (filed.catalogNumber === SELLER_CATALOG_NUMBER ? 'seller' : 'complaint') : null),
    catalogNumber: catalogNumber ?? filed?.catalogNumber ?? null,
    filed: filed ? filedView(filed, deps.botOfficerName) : null,
    thumbnail: photo ? thumbnailOf(photo.fileName) : null,
    guess: await guessOf(context, catalogNumber, deps.guess),
    customerName: context?.profile?.name ?? null,
    formName: form.name ?? null,
    phone: phoneOf(handoff, form.phone),
    lastMessage: last ? { from: last.from, text: preview(last), at: last.at } : null,
    windowOpen,
  };
}

/** The catalogue's "Pendaftaran seller" (SOP 1a): a seller application. */
const SELLER_CATALOG_NUMBER = SELLER_REGISTRATION.catalogNumber;

/**
 * How long before the request a ticket filed from the conversation still counts as this stay's
 * ticket (the bot filed it, then the customer asked for an officer about it). Older ones are the
 * customer's earlier tickets.
 */
const TICKET_SESSION_MS = 24 * 3600_000;

/**
 * The ticket of this stay with the officers: the one an officer filed during it, else the newest
 * the conversation filed since a day before the request (by the bot or an officer); null if none.
 */
export async function ticketOfHandoff(handoff: Handoff, tickets: Pick<TicketService, 'ticketsOf'>): Promise<TicketView | null> {
  const views = await tickets.ticketsOf(handoff.channel, handoff.conversationId);
  const recorded = handoff.ticket?.itsmNumber;
  const from = Date.parse(handoff.requestedAt) - TICKET_SESSION_MS;
  const until = handoff.closedAt ? Date.parse(handoff.closedAt) : Number.POSITIVE_INFINITY;
  return views.find((v) => v.number === recorded) ?? views.find((v) => Date.parse(v.createdAt) >= from && Date.parse(v.createdAt) <= until) ?? null;
}

/** A ticket as the console's ticket panel shows it. */
function filedView(ticket: TicketView, botOfficerName: string): FiledTicketView {
  return {
    itsmNumber: ticket.number,
    apktNumber: ticket.apkt?.number ?? null,
    serviceType: ticket.serviceType,
    catalogNumber: ticket.catalogNumber,
    filedBy: ticket.officer === botOfficerName ? null : ticket.officer,
    createdAt: ticket.createdAt,
    status: ticket.status,
    previousNumber: ticket.previousNumber,
  };
}

/** The applicant data of a ticket as form fields (a complaint has no business fields). */
function applicantFields(applicant: ApplicantData, seller: boolean): Record<string, string> {
  const { name, businessName, productType, city, province, phone, email } = applicant;
  return seller ? { name, businessName, productType, city, province, phone, email } : { name, phone, email };
}

/** The longest preview of the last message the queue shows. */
const PREVIEW_CHARS = 120;

/** The last message as the queue previews it: its first line, shortened; a photo by its placeholder text. */
function preview(entry: TranscriptEntry): string {
  const text = entry.text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(text);
  return chars.length > PREVIEW_CHARS ? `${chars.slice(0, PREVIEW_CHARS - 1).join('')}…` : text;
}

/**
 * The customer's number as the console shows it, masked (`+62*******011`): WhatsApp's user id is
 * the number; elsewhere the number the form collected, if any.
 */
function phoneOf(handoff: Handoff, formPhone: string | undefined): string | null {
  if (handoff.channel === 'whatsapp' && /^\d{8,15}$/.test(handoff.conversationId)) return maskPhone(`+${handoff.conversationId}`);
  return formPhone ? maskPhone(formPhone) : null;
}

/** `<sha>.jpg` -> `<sha>.thumb.jpg` (see src/media/photoStore.ts). */
export function thumbnailOf(fileName: string): string {
  return fileName.replace(/\.(jpg|webp)$/, '.thumb.$1');
}

async function guessOf(context: ConversationContext | null, catalogNumber: number | null, guess?: Guesser): Promise<string | null> {
  if (catalogNumber !== null) {
    const entry = catalogEntry(catalogNumber);
    return entry ? `${entry.number}. ${entry.label}` : null;
  }
  if (context?.application?.kind === 'seller') return SELLER_REGISTRATION.serviceType;
  if (guess && context?.lastText) {
    try {
      return await guess(context.lastText);
    } catch {
      return null;
    }
  }
  return null;
}

/** The classifier's top label as the console shows it. */
export function describeGuess(label: string, confidence: number): string {
  const percent = `${Math.round(confidence * 100)}%`;
  const type = /^type:(\d+)$/.exec(label);
  const entry = type ? catalogEntry(Number(type[1])) : undefined;
  if (entry) return `${entry.number}. ${entry.label} (${percent})`;
  return `${label.replace(/^intent:/, '').replace(/_/g, ' ')} (${percent})`;
}
