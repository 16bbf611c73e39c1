import { describeOnBothBackends } from './ticketBackends.js';
import { describeTicketOutbox } from './outbox.contract.js';

/** The ticket outbox behind TicketService (steps, crash repair, notices, pending count): one contract, both databases. */

describeOnBothBackends('ticket outbox tests', describeTicketOutbox);
