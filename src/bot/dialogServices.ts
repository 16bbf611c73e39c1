import { fromPromise } from 'xstate';
import { conversationMachine, type FileApplicationInput } from '../../dialogs/conversation.machine.js';
import type { PhotoInput } from '../../dialogs/events.js';
import type { PhotoPipeline } from '../media/index.js';
import { SELLER_REGISTRATION } from '../tickets/catalog.js';
import type { TicketService } from '../tickets/ticketService.js';
import type { FiledTicket, PhotoRef, TicketRequest } from '../tickets/types.js';

export interface DialogServices {
  tickets: TicketService;
  photos: PhotoPipeline;
  /** The bot's own officer user name, written as the receiving officer when no human took over. */
  botOfficerName: string;
}

/** The SOP section 1c ticket for a confirmed seller application. */
export function sellerApplicationTicket(input: FileApplicationInput, botOfficerName: string): TicketRequest {
  return {
    idempotencyKey: input.idempotencyKey,
    channel: input.channel,
    conversationId: input.conversationId,
    officer: input.officer ?? botOfficerName,
    classification: SELLER_REGISTRATION,
    applicant: input.applicant,
    photo: input.photo,
    previousNumber: null,
    description: null,
  };
}

/** The conversation machine with the real ticketing module and photo pipeline plugged in. */
export function provideDialogServices(services: DialogServices) {
  return conversationMachine.provide({
    actors: {
      fileApplication: fromPromise<FiledTicket, FileApplicationInput>(({ input }) =>
        services.tickets.file(sellerApplicationTicket(input, services.botOfficerName)),
      ),
      ingestPhoto: fromPromise<PhotoRef, { source: PhotoInput }>(async ({ input }) => {
        const stored = await services.photos.ingest(input.source);
        return {
          sha256: stored.sha256,
          bytes: stored.bytes,
          width: stored.width,
          height: stored.height,
          mimeType: stored.mimeType,
          fileName: stored.fileName,
        };
      }),
    },
  });
}
