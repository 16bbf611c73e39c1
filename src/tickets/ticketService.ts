import type { DateClock } from '../core/clock.js';
import { redact } from '../core/redact.js';
import { toE164 } from '../phone.js';
import type { Database } from '../storage/database.js';
import { SqlOutboxStore, type OutboxEntry, type OutboxStore } from './outboxStore.js';
import type { TicketingPort } from './ticketingPort.js';
import type { FilingTransaction } from './ticketStores.js';
import {
  REPLY_AUTHOR_MAX,
  REPLY_STATUS_MAX,
  REPLY_TEXT_MAX,
  type FiledTicket,
  type NewTicketReply,
  type TicketContact,
  type TicketRequest,
  type TicketView,
} from './types.js';

export type { OutboxEntry, OutboxState, OutboxStore } from './outboxStore.js';

export interface DrainResult {
  /** Rows brought to `done` by this drain. */
  completed: number;
  /** Rows still not done (their `last_error` says why). */
  failed: number;
}

/** Only what the service needs from a logger; never given applicant data. */
export interface TicketServiceLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
}

interface TicketServiceCommon {
  port: TicketingPort;
  logger?: TicketServiceLogger;
  /** Clock for the outbox timestamps (tests). Defaults to the system clock. */
  now?: DateClock;
  /**
   * Attempts (the first included) after which a request still failing is marked dead instead of
   * being retried again; unlimited when not given. A refusal (`retryable: false`) is dead at once.
   */
  maxAttempts?: number;
  /**
   * Told when `file()` failed but the request stays in the outbox for a retry (the systems are
   * down), so a queue can take it. Must not throw.
   */
  onPending?: (idempotencyKey: string) => void;
  /**
   * A new filing's steps in one transaction, when the port files in the outbox's database
   * (`createTicketStores` gives it); without it every step is committed on its own.
   */
  filingTransaction?: FilingTransaction;
}

/**
 * Where the outbox is kept: an `OutboxStore` (see `createTicketStores`), or for short the database
 * it is opened on.
 */
export type TicketServiceOptions = TicketServiceCommon & ({ outbox: OutboxStore; db?: never } | { db: Database; outbox?: never });

const MAX_KEY_LENGTH = 200;
const MAX_ERROR_LENGTH = 500;

/**
 * The only ticketing API the bot calls. A confirmed application is first written to the outbox
 * (`ticket_outbox`, in the same database as the tickets), then advanced step by step: ITSM service
 * request, APKT record, done. Every step is idempotent (the port guarantees it on the idempotency
 * key and on the ITSM number), so a crash between two writes is repaired by `drainPending()` at
 * start-up or by the next `file()` with the same key, without a second ticket; and two instances
 * advancing the same key (both draining, or a retry racing a duplicate confirmation) get the
 * same numbers from the port and record them once.
 *
 * When the tickets are numbered in the same database (no real ITSM), a new request is written with
 * both records in one transaction instead (`filingTransaction`): nothing between steps to repair.
 *
 * `enqueue()` only persists the request and `advance()` holds all of the step logic, so the
 * outbox is driven the same way by `file()`, by the OutboxRetrier's sweeps and, with REDIS_URL, by
 * the BullMQ queue's workers (outboxQueue.ts, job = idempotency key).
 */
export class TicketService {
  private readonly outbox: OutboxStore;
  private readonly port: TicketingPort;
  private readonly logger: TicketServiceLogger | undefined;
  private readonly now: DateClock;
  private readonly maxAttempts: number;
  private readonly onPending: ((idempotencyKey: string) => void) | undefined;
  private readonly filingTransaction: FilingTransaction | undefined;
  /** One in-flight advance per key in this process: concurrent duplicate confirmations share it. */
  private readonly inFlight = new Map<string, Promise<FiledTicket>>();

  constructor(opts: TicketServiceOptions) {
    this.outbox = opts.outbox ?? new SqlOutboxStore(opts.db);
    this.port = opts.port;
    this.logger = opts.logger;
    this.now = opts.now ?? (() => new Date());
    this.maxAttempts = opts.maxAttempts ?? Number.POSITIVE_INFINITY;
    this.onPending = opts.onPending;
    this.filingTransaction = opts.filingTransaction;
  }

  /**
   * The applicant was told the request is recorded but not yet filed (the ITSM was down): once the
   * row is done, `claimNotices` hands it out once so the number can be sent to them.
   */
  wantNotice(idempotencyKey: string): Promise<void> {
    return this.outbox.wantNotice(idempotencyKey);
  }

  /**
   * Rows whose applicant, told to wait, is owed news: filed since (state `done`: the number), or
   * given up (dead: that it could not be recorded and an officer follows it up). Each is claimed by
   * a conditional UPDATE so that two drains (or two instances) never both send it.
   */
  claimNotices(): Promise<OutboxEntry[]> {
    return this.outbox.claimNotices();
  }

  /**
   * The news reached the applicant (`sent`), or cannot (`failed`: the failure is recorded
   * elsewhere); `retry` puts it back. `told` is what was sent: the news that the request was given
   * up is kept apart (`givenUp`), so that the number still follows if it is filed after all.
   */
  noticeDone(idempotencyKey: string, outcome: 'sent' | 'failed' | 'retry', told: 'number' | 'givenUp' = 'number'): Promise<void> {
    if (outcome === 'retry') return this.outbox.noticeDone(idempotencyKey, 'wanted');
    return this.outbox.noticeDone(idempotencyKey, outcome === 'sent' && told === 'givenUp' ? 'givenUp' : outcome);
  }

  /** How many rows are not filed yet (metrics, /readyz detail). */
  pendingCount(): Promise<number> {
    return this.outbox.pendingCount();
  }

  /**
   * Files a confirmed application: one ITSM ticket and one APKT record. Filing the same
   * idempotency key again (duplicate confirmation, retry) returns the first filing. If the port
   * fails, the error propagates and the request stays in the outbox for a later retry.
   *
   * With a `filingTransaction`, a new key is filed in one transaction first: the outbox row, both
   * records and the outcome, all committed or none. Anything else (the key known already, any
   * error) takes the steps one by one below, which record an error and keep the request.
   */
  async file(req: TicketRequest): Promise<FiledTicket> {
    const filed = await this.fileAtOnce(req);
    if (filed) return filed;
    await this.enqueue(req);
    try {
      return await this.advance(req.idempotencyKey);
    } catch (err) {
      if (!isPermanentFailure(err)) this.onPending?.(req.idempotencyKey);
      throw err;
    }
  }

  /** The filing in one transaction, or null when it must take the steps (see `file`). */
  private async fileAtOnce(req: TicketRequest): Promise<FiledTicket | null> {
    if (!this.filingTransaction || !validKey(req.idempotencyKey)) return null;
    const at = this.stamp();
    try {
      return await this.filingTransaction(async (steps) => {
        if (!(await steps.addNew(req, at))) return null;
        const { number: itsmNumber } = await steps.createServiceRequest(req);
        const { number: apktNumber } = await steps.createApktRecord({ itsmNumber, req });
        await steps.recordFiled(req.idempotencyKey, { itsmNumber, apktNumber }, at);
        return { itsmNumber, apktNumber };
      });
    } catch (err) {
      // Rolled back, nothing kept: the steps one by one will record why (or succeed).
      this.logger?.warn('ticket filing in one transaction failed; filing step by step', { idempotencyKey: req.idempotencyKey, error: describeError(err, req) });
      return null;
    }
  }

  /**
   * Persists the request in the outbox (no-op if the key is already there: the first request
   * wins) without contacting the ticketing systems. Rejects with a TypeError for a missing,
   * blank or over-long idempotency key.
   */
  async enqueue(req: TicketRequest): Promise<void> {
    const key = req.idempotencyKey;
    if (!validKey(key)) {
      throw new TypeError(`idempotencyKey must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`);
    }
    await this.outbox.add(req, this.now().toISOString());
  }

  /**
   * Brings the outbox row for `idempotencyKey` to `done` and returns its numbers. This is the one
   * place that knows the steps; concurrent calls for the same key in this process share one promise.
   */
  advance(idempotencyKey: string): Promise<FiledTicket> {
    const running = this.inFlight.get(idempotencyKey);
    if (running) return running;
    const p = this.runSteps(idempotencyKey).finally(() => this.inFlight.delete(idempotencyKey));
    this.inFlight.set(idempotencyKey, p);
    return p;
  }

  /**
   * Retries every row that is not done (call at start-up). Never throws for a single row. When a
   * system is down (a retryable error), the rest waits for the next drain rather than each row
   * waiting out its own timeout.
   */
  async drainPending(): Promise<DrainResult> {
    const keys = await this.outbox.notDoneKeys();
    const result: DrainResult = { completed: 0, failed: 0 };
    for (const key of keys) {
      try {
        await this.advance(key);
        result.completed += 1;
      } catch (err) {
        // Already recorded in last_error/attempts and logged by runSteps.
        result.failed += 1;
        if ((err as { retryable?: unknown }).retryable === true) {
          result.failed = keys.length - result.completed;
          break;
        }
      }
    }
    return result;
  }

  /** Keys of the requests still to file (not done, not dead), oldest first: what a sweep re-queues. */
  pendingKeys(): Promise<string[]> {
    return this.outbox.notDoneKeys();
  }

  /** The requests given up on (refused, or out of attempts), oldest first: the outbox's dead letters. */
  deadLetters(): Promise<OutboxEntry[]> {
    return this.outbox.deadEntries();
  }

  deadCount(): Promise<number> {
    return this.outbox.deadCount();
  }

  /** Gives a request up (a queue ran out of attempts for it); no-op once done. */
  markDead(idempotencyKey: string): Promise<void> {
    return this.outbox.markDead(idempotencyKey, this.stamp());
  }

  /** A dead request back to pending, with its attempts counted from zero; false if it was not dead. */
  revive(idempotencyKey: string): Promise<boolean> {
    return this.outbox.revive(idempotencyKey, this.stamp());
  }

  /** The outbox row for a key (monitoring, a queue worker, tests), or null. */
  entry(idempotencyKey: string): Promise<OutboxEntry | null> {
    return this.outbox.get(idempotencyKey);
  }

  /** The ticket by number (delegates to the port). */
  get(number: string): Promise<TicketView | null> {
    return this.port.getTicket(number);
  }

  /**
   * Records what the Marketplace support team wrote on the ticket (SOP 1f) and, with a `status`
   * (e.g. 'In Progress', 'Resolved', 'Closed'), moves the ticket to it. Returns the updated ticket
   * (its last reply is this one), or null for an unknown number. Author, text and status are
   * trimmed; a text empty or over 4000 characters, an author over 64 or a status over 40 rejects with
   * a RangeError (the API checks the same limits first and answers 400).
   *
   * Notifying the applicant is not done here: see `TicketNotifier` (src/notify).
   *
   * @example await tickets.addReply('ITSM-20261124-00001', { author: 'support.mp', text: 'Toko Anda sudah aktif.', status: 'Resolved' })
   */
  async addReply(number: string, reply: NewTicketReply): Promise<TicketView | null> {
    const text = bounded('text', reply.text, REPLY_TEXT_MAX);
    const author = bounded('author', reply.author, REPLY_AUTHOR_MAX);
    const status = reply.status === undefined ? undefined : bounded('status', reply.status, REPLY_STATUS_MAX);
    return this.port.addReply(number, { author, text, ...(status !== undefined ? { status } : {}) });
  }

  /** The tickets filed from this conversation (e.g. 'whatsapp' + the wa_id), newest first. */
  ticketsOf(channel: string, conversationId: string): Promise<TicketView[]> {
    return this.port.ticketsOf(channel, conversationId);
  }

  /**
   * The tickets of an applicant, from any conversation, by phone (E.164 `+62...`; `08...`,
   * `628...`, spaces and dashes are accepted) or email (case-insensitive), newest first. A ticket
   * matching either is returned once. Nothing usable given: an empty list.
   */
  ticketsOfContact(contact: TicketContact): Promise<TicketView[]> {
    const phone = contact.phone === undefined ? null : toE164(contact.phone);
    const email = contact.email?.trim().toLowerCase() ?? '';
    const query: TicketContact = { ...(phone ? { phone } : {}), ...(email.includes('@') ? { email } : {}) };
    if (!query.phone && !query.email) return Promise.resolve([]);
    return this.port.ticketsOfContact(query);
  }

  private async runSteps(key: string): Promise<FiledTicket> {
    let row = await this.outbox.get(key);
    if (!row) throw new Error(`No ticket outbox entry for key ${key}`);
    if (row.state === 'done' && row.itsmNumber && row.apktNumber) {
      return { itsmNumber: row.itsmNumber, apktNumber: row.apktNumber };
    }

    const req = row.request;
    const attempts = row.attempts + 1;
    await this.outbox.attemptStarted(key, this.stamp());
    try {
      // Step 1: ITSM service request (idempotent on the key).
      if (!row.itsmNumber) {
        const { number } = await this.port.createServiceRequest(req);
        await this.outbox.itsmFiled(key, number, this.stamp());
        row = await this.mustEntry(key);
      }
      const itsmNumber = row.itsmNumber as string;

      // Step 2: APKT record carrying the ITSM number (idempotent on the ITSM number).
      if (!row.apktNumber) {
        const { number } = await this.port.createApktRecord({ itsmNumber, req });
        await this.outbox.apktFiled(key, number, this.stamp());
        row = await this.mustEntry(key);
      } else if (row.state !== 'done') {
        await this.outbox.markDone(key, this.stamp());
      }
      return { itsmNumber, apktNumber: row.apktNumber as string };
    } catch (err) {
      const message = describeError(err, req);
      try {
        await this.outbox.recordError(key, message, this.stamp());
      } catch (recordErr) {
        // The database is gone too: the row keeps its previous error; the caller gets the first one.
        this.logger?.warn('ticket outbox: error not recorded', { idempotencyKey: key, error: recordErr instanceof Error ? recordErr.message : String(recordErr) });
      }
      if (isPermanentFailure(err) || attempts >= this.maxAttempts) {
        try {
          await this.outbox.markDead(key, this.stamp());
          this.logger?.warn('ticket filing given up: outbox entry marked dead', { idempotencyKey: key, attempts, error: message });
        } catch (deadErr) {
          this.logger?.warn('ticket outbox: dead mark not recorded', { idempotencyKey: key, error: deadErr instanceof Error ? deadErr.message : String(deadErr) });
        }
      } else {
        this.logger?.warn('ticket filing failed; kept in outbox for retry', { idempotencyKey: key, error: message });
      }
      throw err;
    }
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  private async mustEntry(key: string): Promise<OutboxEntry> {
    const row = await this.outbox.get(key);
    if (!row) throw new Error(`Ticket outbox entry ${key} disappeared`);
    return row;
  }
}

function validKey(key: unknown): key is string {
  return typeof key === 'string' && key.trim() !== '' && key.length <= MAX_KEY_LENGTH;
}

/** A refusal no retry can change (the ITSM/APKT answered 4xx: `retryable: false`); anything else may pass later. */
export function isPermanentFailure(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === false;
}

/** `value` trimmed, or a RangeError naming the field (never its content) when empty or too long. */
function bounded(field: string, value: unknown, max: number): string {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  if (trimmed.length === 0 || trimmed.length > max) throw new RangeError(`reply ${field} must be 1-${max} characters`);
  return trimmed;
}

/**
 * A short error text for `last_error` and logs, with the applicant's name, phone and email (and
 * anything that looks like an email or a phone number) masked: an adapter may echo the request
 * in its error messages.
 */
function describeError(err: unknown, req: TicketRequest): string {
  const a = req.applicant as Partial<TicketRequest['applicant']> | undefined;
  const known = [a?.name, a?.email, a?.phone].filter((s): s is string => typeof s === 'string');
  const text = redact(err instanceof Error ? `${err.name}: ${err.message}` : String(err), known);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
