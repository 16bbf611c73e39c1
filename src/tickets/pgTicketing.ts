import { withTransaction, type PgClient, type PgPool } from '../storage/postgres/pool.js';
import { APKT_CLASSIFICATION } from './catalog.js';
import type { TicketingPort } from './ticketingPort.js';
import {
  applicantOf,
  ITSM_STATUS_OPEN,
  jakartaDay,
  priorityOf,
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

/**
 * The ticketing adapter on PostgreSQL (tables of migrations/postgres/002_tickets.sql, so run
 * `migrate(pool)` first): the same records, numbers and views as `EmbeddedTicketing`, shared by
 * every instance of the service.
 *
 * Numbering: each filing takes a transaction-scoped advisory lock on its prefix and Jakarta day
 * (per schema) before reading `MAX(seq)` and inserting, so filings of one day from any number of
 * instances take turns for the few milliseconds of the insert and never share a number; the lock
 * ends with the transaction. Idempotency: the insert is `ON CONFLICT DO NOTHING` on
 * `idempotency_key` (ITSM) or `itsm_number` (APKT); when it inserted nothing the row filed first
 * (perhaps by another instance, just committed) is read back and its number returned.
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
    const number = await withTransaction(this.pool, async (client) => {
      const at = this.now();
      const { day, seq, number: allocated } = await this.allocate(client, 'ITSM', at);
      const c = req.classification;
      const inserted = await client.query<{ number: string }>(
        `INSERT INTO itsm_tickets (number, day, seq, idempotency_key, call_type, service_family, service_group,
           service_type, catalog_number, officer, channel, conversation_id, applicant_json, photo_json,
           previous_number, description, status, created_at, priority)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING number`,
        [
          issued ?? allocated,
          day,
          seq,
          req.idempotencyKey,
          c.callType,
          c.serviceFamily,
          c.serviceGroup,
          c.serviceType,
          c.catalogNumber,
          req.officer,
          req.channel,
          req.conversationId,
          JSON.stringify(applicantOf(req.applicant)),
          req.photo ? JSON.stringify(req.photo) : null,
          req.previousNumber,
          req.description,
          ITSM_STATUS_OPEN,
          at.toISOString(),
          priorityOf(req.priority),
        ],
      );
      return inserted.rows[0]?.number ?? (await this.numberByKey(client, req.idempotencyKey));
    });
    if (!number) throw new Error('ITSM ticket neither inserted nor found');
    return { number };
  }

  async createApktRecord(input: { itsmNumber: string; req: TicketRequest }): Promise<{ number: string }> {
    const { itsmNumber, req } = input;
    const known = await this.apktNumberOf(this.pool, itsmNumber);
    if (known) return { number: known };
    const issued = this.remote ? await this.remote.fileApktRecord({ itsmNumber, req }) : null;
    const number = await withTransaction(this.pool, async (client) => {
      const itsm = (await client.query<{ service_type: string }>('SELECT service_type FROM itsm_tickets WHERE number = $1', [itsmNumber])).rows[0];
      if (!itsm) throw new Error(`APKT record refused: unknown ITSM number ${itsmNumber}`);
      const at = this.now();
      const { day, seq, number: allocated } = await this.allocate(client, 'APKT', at);
      const inserted = await client.query<{ number: string }>(
        `INSERT INTO apkt_records (number, day, seq, itsm_number, category, complaint_type, sub_type, status,
           problem, officer, channel, applicant_json, description, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (itsm_number) DO NOTHING
         RETURNING number`,
        [
          issued ?? allocated,
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
        ],
      );
      return inserted.rows[0]?.number ?? (await this.apktNumberOf(client, itsmNumber));
    });
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

  /**
   * The next number of the day for `prefix`. Call inside the insert's transaction: the advisory
   * lock (keyed on the schema, the prefix and the day; released at COMMIT or ROLLBACK) makes
   * every other filing of that day, from any instance, wait until this one is committed, so its
   * MAX(seq) then sees this row.
   */
  private async allocate(client: PgClient, prefix: 'ITSM' | 'APKT', at: Date): Promise<{ day: string; seq: number; number: string }> {
    const day = jakartaDay(at);
    const table = prefix === 'ITSM' ? 'itsm_tickets' : 'apkt_records';
    await client.query('SELECT pg_advisory_xact_lock(hashtext(current_schema()), hashtext($1))', [`${prefix}-${day}`]);
    const last = (await client.query<{ seq: number | null }>(`SELECT MAX(seq) AS seq FROM ${table} WHERE day = $1`, [day])).rows[0];
    const seq = (last?.seq ?? 0) + 1;
    return { day, seq, number: ticketNumber(prefix, day, seq) };
  }
}
