import type { SqliteDatabase } from '../storage/sqlite.js';
import { APKT_CLASSIFICATION } from './catalog.js';
import type { TicketingPort } from './ticketingPort.js';
import {
  applicantOf,
  ITSM_DETAIL_COLUMNS,
  itsmDetails,
  jakartaDay,
  ticketNumber,
  toView,
  type ApktRow,
  type ItsmRow,
  type RemoteTicketing,
  type ReplyRow,
  type TicketingOptions,
} from './ticketRecords.js';
import type { NewTicketReply, TicketContact, TicketRequest, TicketView } from './types.js';

// Kept importable from here, where they were first defined.
export { ITSM_STATUS_OPEN, jakartaDay, type RemoteTicketing } from './ticketRecords.js';

export type EmbeddedTicketingOptions = TicketingOptions;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS itsm_tickets (
  number          TEXT PRIMARY KEY,
  day             TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  call_type       TEXT NOT NULL,
  service_family  TEXT NOT NULL,
  service_group   TEXT NOT NULL,
  service_type    TEXT NOT NULL,
  catalog_number  INTEGER,
  officer         TEXT NOT NULL,
  channel         TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  applicant_json  TEXT NOT NULL,
  photo_json      TEXT,
  previous_number TEXT,
  description     TEXT,
  status          TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  priority        TEXT NOT NULL DEFAULT 'normal',
  UNIQUE (day, seq)
);
CREATE TABLE IF NOT EXISTS apkt_records (
  number          TEXT PRIMARY KEY,
  day             TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  itsm_number     TEXT NOT NULL UNIQUE REFERENCES itsm_tickets(number),
  category        TEXT NOT NULL,
  complaint_type  TEXT NOT NULL,
  sub_type        TEXT NOT NULL,
  status          TEXT NOT NULL,
  problem         TEXT NOT NULL,
  officer         TEXT NOT NULL,
  channel         TEXT NOT NULL,
  applicant_json  TEXT NOT NULL,
  description     TEXT,
  created_at      TEXT NOT NULL,
  UNIQUE (day, seq)
);
CREATE TABLE IF NOT EXISTS ticket_replies (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  ticket_number   TEXT NOT NULL REFERENCES itsm_tickets(number),
  at              TEXT NOT NULL,
  author          TEXT NOT NULL,
  text            TEXT NOT NULL,
  status          TEXT
);
`;

/**
 * Columns added to `itsm_tickets` after the first release, each added by `migrate()` to a database
 * created before it (ALTER TABLE ... ADD COLUMN; a NOT NULL column needs its constant default).
 */
const ADDED_ITSM_COLUMNS: ReadonlyArray<{ name: string; ddl: string }> = [{ name: 'priority', ddl: "priority TEXT NOT NULL DEFAULT 'normal'" }];

/**
 * Look-ups of a person's tickets (SOP 1f): by conversation, and by the applicant's phone or email
 * (expression indexes: the query must use the very same expressions).
 */
const INDEXES = `
CREATE INDEX IF NOT EXISTS ticket_replies_ticket ON ticket_replies (ticket_number, id);
CREATE INDEX IF NOT EXISTS itsm_tickets_conversation ON itsm_tickets (channel, conversation_id);
CREATE INDEX IF NOT EXISTS itsm_tickets_phone ON itsm_tickets (json_extract(applicant_json, '$.phone'));
CREATE INDEX IF NOT EXISTS itsm_tickets_email ON itsm_tickets (lower(json_extract(applicant_json, '$.email')));
`;
const PHONE_EXPR = "json_extract(applicant_json, '$.phone')";
const EMAIL_EXPR = "lower(json_extract(applicant_json, '$.email'))";
/** Newest first; the sequence breaks ties within one millisecond. */
const NEWEST_FIRST = 'ORDER BY created_at DESC, day DESC, seq DESC';

/**
 * The embedded ticketing adapter: ITSM tickets and APKT records kept in the bot's own SQLite
 * database, with local numbering (`ITSM-YYYYMMDD-NNNNN`, `APKT-YYYYMMDD-NNNNN`, day in
 * Asia/Jakarta, sequence per day).
 *
 * Each number is allocated in the same `BEGIN IMMEDIATE` transaction as its insert, so two filings
 * (even from two processes on the same file) never share a number. The UNIQUE constraints on
 * `itsm_tickets.idempotency_key` and `apkt_records.itsm_number` make both writes idempotent at the
 * database level; the methods look the existing row up first and return its number.
 */
export class EmbeddedTicketing implements TicketingPort {
  private readonly now: () => Date;
  private readonly remote: RemoteTicketing | undefined;

  constructor(
    private readonly db: SqliteDatabase,
    opts: EmbeddedTicketingOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.remote = opts.remote;
    this.migrate();
  }

  /**
   * Creates the tables, or brings a database made by an earlier version up to date, in one
   * `BEGIN IMMEDIATE` transaction: two processes opening the same file at once never both add a
   * column, and a failure leaves the old schema untouched.
   */
  private migrate(): void {
    const run = this.db.transaction(() => {
      this.db.exec(SCHEMA);
      const present = new Set(
        this.db
          .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('itsm_tickets')")
          .all()
          .map((c) => c.name),
      );
      for (const column of ADDED_ITSM_COLUMNS) {
        if (!present.has(column.name)) this.db.exec(`ALTER TABLE itsm_tickets ADD COLUMN ${column.ddl}`);
      }
      this.db.exec(INDEXES);
    });
    run.immediate();
  }

  async createServiceRequest(req: TicketRequest): Promise<{ number: string }> {
    const known = this.db.prepare<[string], { number: string }>('SELECT number FROM itsm_tickets WHERE idempotency_key = ?').get(req.idempotencyKey);
    if (known) return { number: known.number };
    // The real ITSM files first (idempotent on the key there too); its number is then recorded here.
    const issued = this.remote ? await this.remote.fileServiceRequest(req) : null;
    const file = this.db.transaction((): string => {
      const existing = this.db
        .prepare<[string], { number: string }>('SELECT number FROM itsm_tickets WHERE idempotency_key = ?')
        .get(req.idempotencyKey);
      if (existing) return existing.number;

      const at = this.now();
      const allocated = this.allocate('itsm_tickets', 'ITSM', at);
      const { day, seq } = allocated;
      const number = issued ?? allocated.number;
      this.db
        .prepare(`INSERT INTO itsm_tickets (number, day, seq, idempotency_key, ${ITSM_DETAIL_COLUMNS}) VALUES (${Array(19).fill('?').join(', ')})`)
        .run(number, day, seq, req.idempotencyKey, ...itsmDetails(req, at));
      return number;
    });
    return { number: file.immediate() };
  }

  async createApktRecord(input: { itsmNumber: string; req: TicketRequest }): Promise<{ number: string }> {
    const { itsmNumber, req } = input;
    const known = this.db.prepare<[string], { number: string }>('SELECT number FROM apkt_records WHERE itsm_number = ?').get(itsmNumber);
    if (known) return { number: known.number };
    const issued = this.remote ? await this.remote.fileApktRecord({ itsmNumber, req }) : null;
    const write = this.db.transaction((): string => {
      const existing = this.db
        .prepare<[string], { number: string }>('SELECT number FROM apkt_records WHERE itsm_number = ?')
        .get(itsmNumber);
      if (existing) return existing.number;

      const itsm = this.db
        .prepare<[string], { service_type: string }>('SELECT service_type FROM itsm_tickets WHERE number = ?')
        .get(itsmNumber);
      if (!itsm) throw new Error(`APKT record refused: unknown ITSM number ${itsmNumber}`);

      const at = this.now();
      const allocated = this.allocate('apkt_records', 'APKT', at);
      const { day, seq } = allocated;
      const number = issued ?? allocated.number;
      this.db
        .prepare(
          `INSERT INTO apkt_records (number, day, seq, itsm_number, category, complaint_type, sub_type, status,
             problem, officer, channel, applicant_json, description, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          number,
          day,
          seq,
          itsmNumber,
          APKT_CLASSIFICATION.category,
          APKT_CLASSIFICATION.complaintType,
          APKT_CLASSIFICATION.subType,
          APKT_CLASSIFICATION.status,
          itsm.service_type,
          req.officer,
          req.channel,
          JSON.stringify(applicantOf(req.applicant)),
          req.description,
          at.toISOString(),
        );
      return number;
    });
    return { number: write.immediate() };
  }

  /** The ticket by its ITSM number, or by the number of its APKT record. Case-insensitive. */
  async getTicket(number: string): Promise<TicketView | null> {
    const row = this.findRow(number);
    return row ? this.viewOf(row) : null;
  }

  async addReply(number: string, reply: NewTicketReply): Promise<TicketView | null> {
    const write = this.db.transaction((): TicketView | null => {
      const row = this.findRow(number);
      if (!row) return null;
      const status = reply.status ?? null;
      this.db
        .prepare('INSERT INTO ticket_replies (ticket_number, at, author, text, status) VALUES (?, ?, ?, ?, ?)')
        .run(row.number, this.now().toISOString(), reply.author, reply.text, status);
      if (status !== null) this.db.prepare('UPDATE itsm_tickets SET status = ? WHERE number = ?').run(status, row.number);
      // Read back inside the transaction: the last reply of the view is the one just stored.
      return this.viewOf(status !== null ? { ...row, status } : row);
    });
    return write.immediate();
  }

  async ticketsOf(channel: string, conversationId: string): Promise<TicketView[]> {
    return this.db
      .prepare<[string, string], ItsmRow>(`SELECT * FROM itsm_tickets WHERE channel = ? AND conversation_id = ? ${NEWEST_FIRST}`)
      .all(channel, conversationId)
      .map((row) => this.viewOf(row));
  }

  async ticketsOfContact(contact: TicketContact): Promise<TicketView[]> {
    const clauses: string[] = [];
    const params: string[] = [];
    if (contact.phone) {
      clauses.push(`${PHONE_EXPR} = ?`);
      params.push(contact.phone);
    }
    if (contact.email) {
      clauses.push(`${EMAIL_EXPR} = ?`);
      params.push(contact.email.toLowerCase());
    }
    if (clauses.length === 0) return [];
    return this.db
      .prepare<string[], ItsmRow>(`SELECT * FROM itsm_tickets WHERE ${clauses.join(' OR ')} ${NEWEST_FIRST}`)
      .all(...params)
      .map((row) => this.viewOf(row));
  }

  /** The ITSM row by its number or its APKT record's number (case-insensitive), or undefined. */
  private findRow(number: string): ItsmRow | undefined {
    const key = number.trim().toUpperCase();
    return (
      this.db.prepare<[string], ItsmRow>('SELECT * FROM itsm_tickets WHERE number = ?').get(key) ??
      this.db
        .prepare<[string], ItsmRow>('SELECT t.* FROM itsm_tickets t JOIN apkt_records a ON a.itsm_number = t.number WHERE a.number = ?')
        .get(key)
    );
  }

  private viewOf(row: ItsmRow): TicketView {
    const apkt = this.db
      .prepare<[string], ApktRow>(
        'SELECT number, itsm_number, category, complaint_type, sub_type, status FROM apkt_records WHERE itsm_number = ?',
      )
      .get(row.number);
    const replies = this.db
      .prepare<[string], ReplyRow>('SELECT at, author, text, status FROM ticket_replies WHERE ticket_number = ? ORDER BY id')
      .all(row.number);
    return toView(row, apkt ?? null, replies);
  }

  /** Next number of the day for `table`; call inside the write transaction. */
  private allocate(table: 'itsm_tickets' | 'apkt_records', prefix: 'ITSM' | 'APKT', at: Date) {
    const day = jakartaDay(at);
    const last = this.db
      .prepare<[string], { seq: number | null }>(`SELECT MAX(seq) AS seq FROM ${table} WHERE day = ?`)
      .get(day);
    const seq = (last?.seq ?? 0) + 1;
    return { day, seq, number: ticketNumber(prefix, day, seq) };
  }
}
