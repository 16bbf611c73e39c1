import { withTransaction, type PgClient, type PgPool } from '../storage/postgres/pool.js';
import { APKT_CLASSIFICATION } from './catalog.js';
import type { TicketingPort } from './ticketingPort.js';
import {
  applicantOf,
  ITSM_DETAIL_COLUMNS,
  itsmDetails,
  jakartaDay,
  MAX_SEQ_PER_DAY,
  ticketNumber,
  toView,
  type ApktRow,
  type ItsmRow,
  type RemoteTicketing,
  type ReplyRow,
  type TicketingOptions,
} from './ticketRecords.js';
import type { NewTicketReply, TicketContact, TicketRequest, TicketView } from './types.js';

/** Anything that runs a query: the pool, or one connection inside a transaction. */
type Queryable = Pick<PgClient, 'query'>;

/** Newest first; the sequence breaks ties within one millisecond (as in EmbeddedTicketing). */
const NEWEST_FIRST = 'ORDER BY created_at DESC, day DESC, seq DESC';
/** The expressions of the indexes itsm_tickets_phone and itsm_tickets_email (migrations/postgres/002). */
const PHONE_EXPR = "(applicant_json ->> 'phone')";
const EMAIL_EXPR = "lower(applicant_json ->> 'email')";
const APKT_COLUMNS = 'number, itsm_number, category, complaint_type, sub_type, status';

/** The number (SQL): the one the real ITSM/APKT issued (`issued`, may be NULL), else ours from `day` and `seq`, as ticketNumber() makes it. */
const numberExpr = (prefix: string, issued: string, day: string, seq: string) => `COALESCE(${issued}::text, ${prefix} || '-' || ${day}::text || '-' || lpad(${seq}::text, 5, '0'))`;

/**
 * The ticketing adapter on PostgreSQL (tables of migrations/postgres/002_tickets.sql, so run
 * `migrate(pool)` first): the same records, numbers and views as `EmbeddedTicketing`, shared by
 * every instance of the service.
 *
 * Numbering: one statement takes the next number of the prefix and Jakarta day
 * (next_ticket_seq, migrations/postgres/009: a counter row) and inserts the ticket with it, so
 * filings of one day from any number of instances wait for each other only while that statement
 * runs (the row lock ends with it), not across round trips, and never share a number; a filing
 * whose key is taken meanwhile takes no number, so the day's numbers have no gaps.
 * Idempotency: the insert is `ON CONFLICT DO NOTHING` on `idempotency_key` (ITSM) or
 * `itsm_number` (APKT); when it inserted nothing the row filed first (perhaps by another instance,
 * just committed) is read back and its number returned.
 */
export class PgTicketing implements TicketingPort {
  private readonly now: () => Date;
  private readonly remote: RemoteTicketing | undefined;

  constructor(
    private readonly pool: PgPool,
    opts: TicketingOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.remote = opts.remote;
  }

  async createServiceRequest(req: TicketRequest): Promise<{ number: string }> {
    const known = await this.numberByKey(this.pool, req.idempotencyKey);
    if (known) return { number: known };
    // The real ITSM files first (idempotent on the key there too); its number is then recorded here.
    const issued = this.remote ? await this.remote.fileServiceRequest(req) : null;
    const at = this.now();
    const day = jakartaDay(at);
    // One statement: the day's counter row is locked only while it runs (see the class comment).
    const { rows } = await this.pool.query<{ number: string }>(
      `WITH n AS (SELECT next_ticket_seq('ITSM', $2, 'itsm_tickets', 'idempotency_key', $3) AS seq),
       inserted AS (
         INSERT INTO itsm_tickets (number, day, seq, idempotency_key, ${ITSM_DETAIL_COLUMNS})
         SELECT ${numberExpr("'ITSM'", '$1', '$2', 'n.seq')}, $2::text, n.seq, $3::text, $4::text, $5::text, $6::text,
           $7::text, $8::integer, $9::text, $10::text, $11::text, $12::jsonb, $13::jsonb,
           $14::text, $15::text, $16::text, $17::timestamptz, $18::text
         FROM n WHERE n.seq <= ${MAX_SEQ_PER_DAY}
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING number)
       SELECT number FROM inserted`,
      [issued, day, req.idempotencyKey, ...itsmDetails(req, at)],
    );
    // Nothing: a filing of the same key was committed meanwhile (read it), or the day's numbers ran out.
    const number = rows[0]?.number ?? (await this.numberByKey(this.pool, req.idempotencyKey)) ?? (await this.exhausted('ITSM', day));
    if (!number) throw new Error('ITSM ticket neither inserted nor found');
    return { number };
  }

  async createApktRecord(input: { itsmNumber: string; req: TicketRequest }): Promise<{ number: string }> {
    const { itsmNumber, req } = input;
    const known = await this.apktNumberOf(this.pool, itsmNumber);
    if (known) return { number: known };
    const issued = this.remote ? await this.remote.fileApktRecord({ itsmNumber, req }) : null;
    const at = this.now();
    const day = jakartaDay(at);
    const { rows } = await this.pool.query<{ number: string; refused: boolean }>(
      `WITH itsm AS (SELECT number, service_type FROM itsm_tickets WHERE number = $3),
       n AS (SELECT next_ticket_seq('APKT', $2, 'apkt_records', 'itsm_number', $3) AS seq FROM itsm),
       inserted AS (
         INSERT INTO apkt_records (number, day, seq, itsm_number, category, complaint_type, sub_type, status,
           problem, officer, channel, applicant_json, description, created_at)
         SELECT ${numberExpr("'APKT'", '$1', '$2', 'n.seq')}, $2::text, n.seq, itsm.number, $4::text, $5::text, $6::text, $7::text,
           itsm.service_type, $8::text, $9::text, $10::jsonb, $11::text, $12::timestamptz
         FROM n, itsm WHERE n.seq <= ${MAX_SEQ_PER_DAY}
         ON CONFLICT (itsm_number) DO NOTHING
         RETURNING number)
       SELECT number, false AS refused FROM inserted UNION ALL SELECT NULL, true WHERE NOT EXISTS (SELECT 1 FROM itsm)`,
      [
        issued,
        day,
        itsmNumber,
        APKT_CLASSIFICATION.category,
        APKT_CLASSIFICATION.complaintType,
        APKT_CLASSIFICATION.subType,
        APKT_CLASSIFICATION.status,
        req.officer,
        req.channel,
        JSON.stringify(applicantOf(req.applicant)),
        req.description,
        at.toISOString(),
      ],
    );
    if (rows[0]?.refused) throw new Error(`APKT record refused: unknown ITSM number ${itsmNumber}`);
    const number = rows[0]?.number ?? (await this.apktNumberOf(this.pool, itsmNumber)) ?? (await this.exhausted('APKT', day));
    if (!number) throw new Error('APKT record neither inserted nor found');
    return { number };
  }

  /** The ticket by its ITSM number, or by the number of its APKT record. Case-insensitive. */
  async getTicket(number: string): Promise<TicketView | null> {
    const row = await this.findRow(this.pool, number, false);
    return row ? ((await this.viewsOf(this.pool, [row]))[0] ?? null) : null;
  }

  async addReply(number: string, reply: NewTicketReply): Promise<TicketView | null> {
    return withTransaction(this.pool, async (client) => {
      // Locked until commit: a concurrent reply to the same ticket waits, so the view read back
      // below ends with this reply.
      const row = await this.findRow(client, number, true);
      if (!row) return null;
      const status = reply.status ?? null;
      await client.query('INSERT INTO ticket_replies (ticket_number, at, author, text, status) VALUES ($1, $2, $3, $4, $5)', [
        row.number,
        this.now().toISOString(),
        reply.author,
        reply.text,
        status,
      ]);
      if (status !== null) await client.query('UPDATE itsm_tickets SET status = $1 WHERE number = $2', [status, row.number]);
      return (await this.viewsOf(client, [status !== null ? { ...row, status } : row]))[0] ?? null;
    });
  }

  async ticketsOf(channel: string, conversationId: string): Promise<TicketView[]> {
    const { rows } = await this.pool.query<ItsmRow>(`SELECT * FROM itsm_tickets WHERE channel = $1 AND conversation_id = $2 ${NEWEST_FIRST}`, [
      channel,
      conversationId,
    ]);
    return this.viewsOf(this.pool, rows);
  }

  async ticketsOfContact(contact: TicketContact): Promise<TicketView[]> {
    const clauses: string[] = [];
    const params: string[] = [];
    if (contact.phone) {
      params.push(contact.phone);
      clauses.push(`${PHONE_EXPR} = $${params.length}`);
    }
    if (contact.email) {
      params.push(contact.email.toLowerCase());
      clauses.push(`${EMAIL_EXPR} = $${params.length}`);
    }
    if (clauses.length === 0) return [];
    const { rows } = await this.pool.query<ItsmRow>(`SELECT * FROM itsm_tickets WHERE ${clauses.join(' OR ')} ${NEWEST_FIRST}`, params);
    return this.viewsOf(this.pool, rows);
  }

  private async numberByKey(db: Queryable, key: string): Promise<string | null> {
    return (await db.query<{ number: string }>('SELECT number FROM itsm_tickets WHERE idempotency_key = $1', [key])).rows[0]?.number ?? null;
  }

  private async apktNumberOf(db: Queryable, itsmNumber: string): Promise<string | null> {
    return (await db.query<{ number: string }>('SELECT number FROM apkt_records WHERE itsm_number = $1', [itsmNumber])).rows[0]?.number ?? null;
  }

  /**
   * The ITSM row by its number or its APKT record's number (case-insensitive; an ITSM number
   * wins, as in EmbeddedTicketing), locked FOR UPDATE when `lock`.
   */
  private async findRow(db: Queryable, number: string, lock: boolean): Promise<ItsmRow | null> {
    const key = number.trim().toUpperCase();
    const { rows } = await db.query<ItsmRow>(
      `SELECT t.* FROM itsm_tickets t
       WHERE t.number = $1 OR t.number = (SELECT a.itsm_number FROM apkt_records a WHERE a.number = $1)
       ORDER BY (t.number = $1) DESC
       LIMIT 1${lock ? ' FOR UPDATE' : ''}`,
      [key],
    );
    return rows[0] ?? null;
  }

  /** The views of `rows`, in their order, with their APKT records and replies (two queries in all). */
  private async viewsOf(db: Queryable, rows: ItsmRow[]): Promise<TicketView[]> {
    if (rows.length === 0) return [];
    const numbers = rows.map((r) => r.number);
    // One after the other: `db` may be a single connection (inside addReply's transaction).
    const apkts = await db.query<ApktRow>(`SELECT ${APKT_COLUMNS} FROM apkt_records WHERE itsm_number = ANY($1::text[])`, [numbers]);
    const replies = await db.query<ReplyRow & { ticket_number: string }>(
      'SELECT ticket_number, at, author, text, status FROM ticket_replies WHERE ticket_number = ANY($1::text[]) ORDER BY id',
      [numbers],
    );
    const apktOf = new Map(apkts.rows.map((a) => [a.itsm_number, a]));
    const repliesOf = new Map<string, ReplyRow[]>();
    for (const r of replies.rows) {
      const list = repliesOf.get(r.ticket_number) ?? [];
      list.push({ at: r.at, author: r.author, text: r.text, status: r.status });
      repliesOf.set(r.ticket_number, list);
    }
    return rows.map((row) => toView(row, apktOf.get(row.number) ?? null, repliesOf.get(row.number) ?? []));
  }

  /** Why nothing was filed when no row was inserted or found: the day's numbers are used up (or the filing raced away). */
  private async exhausted(prefix: 'ITSM' | 'APKT', day: string): Promise<null> {
    const seq = (await this.pool.query<{ seq: number }>('SELECT seq FROM ticket_counters WHERE prefix = $1 AND day = $2', [prefix, day])).rows[0]?.seq ?? 0;
    if (seq >= MAX_SEQ_PER_DAY) ticketNumber(prefix, day, seq + 1); // throws "numbering exhausted"
    return null;
  }
}
