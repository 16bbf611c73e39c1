import { fromPromise } from 'xstate';
import type { NluResult } from '../../dialogs/complaint.js';
import { conversationMachine, type DialogTicket, type FileTicketInput, type TicketQuery } from '../../dialogs/conversation.machine.js';
import type { FilingOutcome } from '../../dialogs/conversationContext.js';
import type { TicketMetrics } from '../observability/metrics.js';
import type { PhotoInput } from '../../dialogs/events.js';
import { PhotoError, type PhotoPipeline } from '../media/index.js';
import type { MarketplaceClassifier } from '../nlu/classifier.js';
import { toE164 } from '../phone.js';
import { SELLER_REGISTRATION, catalogClassification, catalogEntry } from '../../dialogs/catalog.js';
import type { TicketService } from '../tickets/ticketService.js';
import type { Classification, PhotoRef, TicketRequest, TicketView } from '../tickets/types.js';

export interface DialogServices {
  tickets: TicketService;
  photos: PhotoPipeline;
  classifier: Pick<MarketplaceClassifier, 'classify'>;
  /** The bot's own officer user name, written as the receiving officer when no human took over. */
  botOfficerName: string;
  metrics?: TicketMetrics;
  /**
   * How long a photo may take to arrive (fetch, check, store) before the applicant is asked to send
   * it again: within the turn's budget, so a hanging media download gets that answer in time.
   */
  photoBudgetMs?: number;
  /** A WhatsApp Flow of the seller application is configured: WhatsApp applicants get the form (dialogs/sellerForm.ts). */
  whatsappForm?: boolean;
}

/**
 * `work`, or PhotoError `downloadFailed` as soon as `signal` aborts (whether or not `work` heeds
 * it: a download that ignores it is left to end in the background).
 */
function withinBudget<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const giveUp = () => reject(new PhotoError('downloadFailed', 'the photo did not arrive within the turn budget'));
    if (signal.aborted) giveUp();
    signal.addEventListener('abort', giveUp, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', giveUp));
  });
}

/**
 * ITSM Call Type of a Marketplace complaint. The SOP fixes the classification only for seller
 * registration; for the catalogue's other types, requests to change something (registration,
 * user and product management) are Service Requests, and faults (security, transactions, the
 * app itself) are Incidents.
 */
const SERVICE_REQUEST_GROUPS = new Set(['Registrasi', 'Manajemen User', 'Manajemen Produk']);

export function complaintClassification(catalogNumber: number): Classification {
  const group = catalogEntry(catalogNumber)?.group;
  return catalogClassification(catalogNumber, group && SERVICE_REQUEST_GROUPS.has(group) ? 'Service Request' : 'Incident');
}

/** The ITSM request for what the dialog files: a seller application, a complaint, or a follow-up. */
export async function ticketRequestOf(input: FileTicketInput, services: Pick<DialogServices, 'tickets' | 'botOfficerName'>): Promise<TicketRequest> {
  let classification: Classification;
  if (input.kind === 'seller') classification = SELLER_REGISTRATION;
  else if (input.kind === 'refile' && input.previousNumber) {
    // A follow-up keeps the earlier ticket's classification (SOP 1f), whatever it was.
    const previous = await services.tickets.get(input.previousNumber);
    if (!previous) throw new Error('Earlier ticket not found');
    classification = {
      callType: previous.callType,
      serviceFamily: previous.serviceFamily,
      serviceGroup: previous.serviceGroup,
      serviceType: previous.serviceType,
      catalogNumber: previous.catalogNumber,
    };
  } else if (input.catalogNumber !== null) classification = complaintClassification(input.catalogNumber);
  else throw new Error('A complaint needs a catalogue type');
  return {
    idempotencyKey: input.idempotencyKey,
    channel: input.channel,
    conversationId: input.conversationId,
    officer: input.officer ?? services.botOfficerName,
    classification,
    applicant: input.applicant,
    photo: input.photo,
    previousNumber: input.previousNumber,
    description: input.description,
    priority: input.priority,
    notice: input.notice,
  };
}

/** A ticket as the dialog needs it: the status and the support team's latest answer. */
export function dialogTicketOf(view: TicketView): DialogTicket {
  const latest = [...(view.replies ?? [])].pop();
  return {
    number: view.number,
    status: view.status,
    serviceType: view.serviceType,
    catalogNumber: view.catalogNumber,
    channel: view.channel,
    conversationId: view.conversationId,
    applicant: view.applicant,
    latestReply: latest ? { text: latest.text, at: latest.at } : null,
    filedAt: view.createdAt,
  };
}

/** Newest first, each ticket once. */
function newestFirst(views: TicketView[]): TicketView[] {
  const seen = new Set<string>();
  return views
    .filter((v) => (seen.has(v.number) ? false : (seen.add(v.number), true)))
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}

/** Tickets for the dialog's status look-ups: by number, by phone *and* email, or the conversation's own (and its WhatsApp number's). */
export async function findTickets(tickets: TicketService, query: TicketQuery): Promise<DialogTicket[]> {
  if (query.by === 'number') {
    const view = await tickets.get(query.number);
    return view ? [dialogTicketOf(view)] : [];
  }
  if (query.by === 'contact') {
    // Ownership without the number: the ticket must name both the phone and the email given
    // (the look-up by either returns more; a stranger knows one of them more easily than both).
    const phone = toE164(query.phone);
    const email = query.email.trim().toLowerCase();
    if (!phone || !email.includes('@')) return [];
    const views = await tickets.ticketsOfContact({ phone, email });
    return newestFirst(views.filter((v) => v.applicant.phone === phone && v.applicant.email.toLowerCase() === email)).map(dialogTicketOf);
  }
  const own = await tickets.ticketsOf(query.channel, query.conversationId);
  // The sender's own WhatsApp number (the channel vouches for it): their reports from other chats too.
  const phone = query.phone ? toE164(query.phone) : null;
  const byPhone = phone ? (await tickets.ticketsOfContact({ phone })).filter((v) => v.applicant.phone === phone) : [];
  return newestFirst([...own, ...byPhone]).map(dialogTicketOf);
}

/** The conversation machine with the real ticketing module, photo pipeline and classifier plugged in. */
export function provideDialogServices(services: DialogServices) {
  return conversationMachine.provide({
    // The Meta WhatsApp channel only ('whatsapp'; a Bot Framework client's is 'bf:…'): the one that sends Flows.
    guards: { formAvailable: ({ context }) => services.whatsappForm === true && context.channel === 'whatsapp' },
    actors: {
      fileTicket: fromPromise<FilingOutcome, FileTicketInput>(async ({ input }) => {
        const request = await ticketRequestOf(input, services);
        try {
          const filed = await services.tickets.file(request);
          services.metrics?.ticketFiled(input.kind);
          return filed;
        } catch (err) {
          // The request is in the outbox and the systems are only down: it will be filed, and the
          // applicant gets the number in a message then. Anything else is a real failure.
          if ((err as { retryable?: unknown }).retryable !== true) throw err;
          // Not in the outbox (or the outbox cannot be read either): a real failure, told as such.
          const kept = await services.tickets.entry(request.idempotencyKey).catch(() => null);
          if (!kept) throw err;
          await services.tickets.wantNotice(request.idempotencyKey);
          return { queued: true } as const;
        }
      }),
      ingestPhoto: fromPromise<PhotoRef, { source: PhotoInput }>(async ({ input, signal }) => {
        const budget = services.photoBudgetMs ? AbortSignal.any([signal, AbortSignal.timeout(services.photoBudgetMs)]) : signal;
        const stored = await withinBudget(services.photos.ingest(input.source, { signal: budget }), budget);
        return { sha256: stored.sha256, bytes: stored.bytes, width: stored.width, height: stored.height, mimeType: stored.mimeType, fileName: stored.fileName };
      }),
      classify: fromPromise<NluResult, { text: string }>(({ input }) => services.classifier.classify(input.text)),
      findTickets: fromPromise<DialogTicket[], TicketQuery>(({ input }) => findTickets(services.tickets, input)),
    },
  });
}
