import { describeOnBothBackends } from './ticketBackends.js';
import { describeTicketingPort } from './ticketing.contract.js';

/** The ticketing port (numbering, idempotency, replies, look-ups): one contract, both databases. */

describeOnBothBackends('ticketing port tests', describeTicketingPort);
