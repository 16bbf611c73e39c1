import type { SqliteDatabase } from '../storage/sqlite.js';
import type { TicketingPort } from './ticketingPort.js';
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

export type OutboxState = 'pending' | 'itsm_filed' | 'done';

/** One row of `ticket_outbox`, as the service and a future queue worker see it. */
export interface OutboxEntry {
  idempotencyKey: string;
  /** `wanted`: the applicant waits for the number; `sending`/`sent`/`failed` after that. */
  notice: string | null;
  request: TicketRequest;
  itsmNumber: string | null;
  apktNumber: string | null;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

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

export interface TicketServiceOptions {
  db: SqliteDatabase;
  port: TicketingPort;
  logger?: TicketServiceLogger;
  /** Clock for the outbox timestamps (tests). Defaults to the system clock. */
  now?: () => Date;
}

const MAX_KEY_LENGTH = 200;
const MAX_ERROR_LENGTH = 500;

interface OutboxRow {
  idempotency_key: string;
  request_json: string;
  itsm_number: string | null;
  apkt_number: string | null;
  state: OutboxState;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  notice?: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ticket_outbox (
  idempotency_key TEXT PRIMARY KEY,
  request_json    TEXT NOT NULL,
  itsm_number     TEXT,
  apkt_number     TEXT,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'itsm_filed', 'done')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ticket_outbox_not_done ON ticket_outbox (state, created_at) WHERE state <> 'done';
`;

/**
 * The only ticketing API the bot calls. A confirmed application is first written to the
 * `ticket_outbox` table (same SQLite database), then advanced step by step: ITSM service request,
 * APKT record, done. Every step is idempotent (the port guarantees it on the idempotency key and
 * on the ITSM number), so a crash between two writes is repaired by `drainPending()` at start-up
 * or by the next `file()` with the same key, without a second ticket.
 *
 * Queue-ready: `enqueue()` only persists the request and `advance()` holds all of the step logic,
 * so a BullMQ worker (job = idempotency key) or an HTTP ITSM adapter behind the port can drive the
 * same outbox later.
 */
export class TicketService {
  private readonly db: SqliteDatabase;
  private readonly port: TicketingPort;
  private readonly logger: TicketServiceLogger | undefined;
  private readonly now: () => Date;
  /** One in-flight advance per key in this process: concurrent duplicate confirmations share it. */
  private readonly inFlight = new Map<string, Promise<FiledTicket>>();

  constructor(opts: TicketServiceOptions) {
    this.db = opts.db;
    this.port = opts.port;
    this.logger = opts.logger;
    this.now = opts.now ?? (() => new Date());
    this.db.exec(SCHEMA);
    const columns = this.db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('ticket_outbox')").all();
    if (!columns.some((c) => c.name === 'notice')) this.db.exec('ALTER TABLE ticket_outbox ADD COLUMN notice TEXT');
  }

  /**
   * The applicant was told the request is recorded but not yet filed (the ITSM was down): once the
   * row is done, `claimNotices` hands it out once so the number can be sent to them.
   */
  wantNotice(idempotencyKey: string): void {
    this.db.prepare("UPDATE ticket_outbox SET notice = 'wanted' WHERE idempotency_key = ? AND notice IS NULL").run(idempotencyKey);
  }

  /**
   * Rows filed since the applicant was told to wait, each claimed by a single conditional UPDATE so
   * that two drains (or two instances) never both send the number.
   */
  claimNotices(): OutboxEntry[] {
    const keys = this.db
      .prepare<[], { idempotency_key: string }>("SELECT idempotency_key FROM ticket_outbox WHERE state = 'done' AND notice = 'wanted' ORDER BY created_at")
      .all();
    const claimed: OutboxEntry[] = [];
    for (const { idempotency_key: key } of keys) {
      const info = this.db.prepare("UPDATE ticket_outbox SET notice = 'sending' WHERE idempotency_key = ? AND notice = 'wanted'").run(key);
      const row = info.changes > 0 ? this.row(key) : undefined;
      if (row) claimed.push(toEntry(row));
    }
    return claimed;
  }

  /** The number reached the applicant (`sent`), or cannot (`failed`: the failure is recorded elsewhere); `retry` puts it back. */
  noticeDone(idempotencyKey: string, outcome: 'sent' | 'failed' | 'retry'): void {
    this.db.prepare('UPDATE ticket_outbox SET notice = ? WHERE idempotency_key = ?').run(outcome === 'retry' ? 'wanted' : outcome, idempotencyKey);
  }

  /** How many rows are not filed yet (metrics, /readyz detail). */
  pendingCount(): number {
    return this.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM ticket_outbox WHERE state <> 'done'").get()?.n ?? 0;
  }

  /**
   * Files a confirmed application: one ITSM ticket and one APKT record. Filing the same
   * idempotency key again (duplicate confirmation, retry) returns the first filing. If the port
   * fails, the error propagates and the request stays in the outbox for a later retry.
   */
  async file(req: TicketRequest): Promise<FiledTicket> {
    this.enqueue(req);
    return this.advance(req.idempotencyKey);
  }

  /**
   * Persists the request in the outbox (no-op if the key is already there: the first request
   * wins) without contacting the ticketing systems.
   */
  enqueue(req: TicketRequest): void {
    const key = req.idempotencyKey;
    if (typeof key !== 'string' || key.trim() === '' || key.length > MAX_KEY_LENGTH) {
      throw new TypeError(`idempotencyKey must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`);
    }
    const at = this.now().toISOString();
    this.db
      .prepare(
        `INSERT OR IGNORE INTO ticket_outbox (idempotency_key, request_json, state, attempts, created_at, updated_at)
         VALUES (?, ?, 'pending', 0, ?, ?)`,
      )
      .run(key, JSON.stringify(req), at, at);
  }

  /**
   * Brings the outbox row for `idempotencyKey` to `done` and returns its numbers. This is the one
   * place that knows the steps; concurrent calls for the same key share one promise.
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
    const keys = this.db
      .prepare<[], { idempotency_key: string }>(
        `SELECT idempotency_key FROM ticket_outbox WHERE state <> 'done' ORDER BY created_at, idempotency_key`,
      )
      .all()
      .map((r) => r.idempotency_key);
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

  /** The outbox row for a key (monitoring, a queue worker, tests), or null. */
  entry(idempotencyKey: string): OutboxEntry | null {
    const row = this.row(idempotencyKey);
    return row ? toEntry(row) : null;
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
    const phone = contact.phone === undefined ? null : normalizePhone(contact.phone);
    const email = contact.email?.trim().toLowerCase() ?? '';
    const query: TicketContact = { ...(phone ? { phone } : {}), ...(email.includes('@') ? { email } : {}) };
    if (!query.phone && !query.email) return Promise.resolve([]);
    return this.port.ticketsOfContact(query);
  }

  private async runSteps(key: string): Promise<FiledTicket> {
    let row = this.row(key);
    if (!row) throw new Error(`No ticket outbox entry for key ${key}`);
    if (row.state === 'done' && row.itsm_number && row.apkt_number) {
      return { itsmNumber: row.itsm_number, apktNumber: row.apkt_number };
    }

    const req = JSON.parse(row.request_json) as TicketRequest;
    this.db
      .prepare('UPDATE ticket_outbox SET attempts = attempts + 1, updated_at = ? WHERE idempotency_key = ?')
      .run(this.now().toISOString(), key);
    try {
      // Step 1: ITSM service request (idempotent on the key).
      if (!row.itsm_number) {
        const { number } = await this.port.createServiceRequest(req);
        this.db
          .prepare(
            `UPDATE ticket_outbox SET itsm_number = ?, state = 'itsm_filed', updated_at = ?
             WHERE idempotency_key = ? AND itsm_number IS NULL`,
          )
          .run(number, this.now().toISOString(), key);
        row = this.mustRow(key);
      }
      const itsmNumber = row.itsm_number as string;

      // Step 2: APKT record carrying the ITSM number (idempotent on the ITSM number).
      if (!row.apkt_number) {
        const { number } = await this.port.createApktRecord({ itsmNumber, req });
        this.db
          .prepare(
            `UPDATE ticket_outbox SET apkt_number = ?, state = 'done', last_error = NULL, updated_at = ?
             WHERE idempotency_key = ? AND apkt_number IS NULL`,
          )
          .run(number, this.now().toISOString(), key);
        row = this.mustRow(key);
      } else if (row.state !== 'done') {
        this.db
          .prepare(`UPDATE ticket_outbox SET state = 'done', last_error = NULL, updated_at = ? WHERE idempotency_key = ?`)
          .run(this.now().toISOString(), key);
      }
      return { itsmNumber, apktNumber: row.apkt_number as string };
    } catch (err) {
      const message = describeError(err, req);
      this.db
        .prepare('UPDATE ticket_outbox SET last_error = ?, updated_at = ? WHERE idempotency_key = ?')
        .run(message, this.now().toISOString(), key);
      this.logger?.warn('ticket filing failed; kept in outbox for retry', { idempotencyKey: key, error: message });
      throw err;
    }
  }

  private row(key: string): OutboxRow | undefined {
    return this.db.prepare<[string], OutboxRow>('SELECT * FROM ticket_outbox WHERE idempotency_key = ?').get(key);
  }

  private mustRow(key: string): OutboxRow {
    const row = this.row(key);
    if (!row) throw new Error(`Ticket outbox entry ${key} disappeared`);
    return row;
  }
}

function toEntry(row: OutboxRow): OutboxEntry {
  return {
    idempotencyKey: row.idempotency_key,
    notice: row.notice ?? null,
    request: JSON.parse(row.request_json) as TicketRequest,
    itsmNumber: row.itsm_number,
    apktNumber: row.apkt_number,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** `value` trimmed, or a RangeError naming the field (never its content) when empty or too long. */
function bounded(field: string, value: unknown, max: number): string {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  if (trimmed.length === 0 || trimmed.length > max) throw new RangeError(`reply ${field} must be 1-${max} characters`);
  return trimmed;
}

/** E.164 from `+62 812-3456-7890`, `081234567890` or `6281234567890`; null for anything else. */
export function normalizePhone(phone: string): string | null {
  const compact = phone.replace(/[\s\-().]/g, '');
  if (/^\+[1-9]\d{7,14}$/.test(compact)) return compact;
  if (/^0[1-9]\d{6,12}$/.test(compact)) return `+62${compact.slice(1)}`;
  if (/^62[1-9]\d{6,12}$/.test(compact)) return `+${compact}`;
  return null;
}

const EMAIL_RE = /[^\s@]+@[^\s@]+\.[^\s@]+/g;
/** E.164-looking numbers (ticket numbers such as ITSM-20261124-00001 have no "+" and stay readable). */
const E164_RE = /\+\d[\d\s-]{6,}\d/g;

/** The ways an E.164 Indonesian number may be echoed: +628..., 628..., 08..., 8... */
function phoneVariants(phone: string): string[] {
  const digits = phone.replace(/\D/g, '');
  const variants = [phone, digits];
  if (digits.startsWith('62')) variants.push(`0${digits.slice(2)}`, digits.slice(2));
  return variants;
}

/**
 * A short error text for `last_error` and logs, with the applicant's name, phone and email (and
 * anything that looks like an email or an E.164 number) masked: an adapter may echo the request
 * in its error messages.
 */
function describeError(err: unknown, req: TicketRequest): string {
  let text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const a = req.applicant as Partial<TicketRequest['applicant']> | undefined;
  const secrets = [a?.name, a?.email, ...(typeof a?.phone === 'string' ? phoneVariants(a.phone) : [])]
    .filter((s): s is string => typeof s === 'string' && s.trim().length >= 3)
    .sort((x, y) => y.length - x.length); // longest first: "+62812..." before its "812..." tail
  for (const secret of secrets) text = text.split(secret).join('[redacted]');
  text = text.replace(EMAIL_RE, '[redacted-email]').replace(E164_RE, '[redacted-phone]');
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
