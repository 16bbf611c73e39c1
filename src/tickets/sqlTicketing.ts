import { sql, type Expression, type ExpressionBuilder, type Insertable, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { BackendKind, Database } from '../storage/database.js';
import { onDatabase, prepared, type StatementTarget } from '../storage/prepared.js';
import { fromJson, type Schema } from '../storage/schema.js';
import { APKT_CLASSIFICATION } from './apkt.js';
import type { TicketingPort } from './ticketingPort.js';
import type { ApplicantData, NewTicketReply, PhotoRef, TicketContact, TicketPriority, TicketRequest, TicketView } from './types.js';

/** Status of an ITSM ticket when filed; the Marketplace support team moves it on in ITSM. */
const ITSM_STATUS_OPEN = 'Open';

/** Numbers carry five digits of sequence per day. */
const MAX_SEQ_PER_DAY = 99_999;

const JAKARTA_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta', year: 'numeric', month: '2-digit', day: '2-digit' });

/** `YYYYMMDD` of `d` in Asia/Jakarta (WIB), the contact centre's calendar day. */
export function jakartaDay(d: Date): string {
  const parts = JAKARTA_DATE.formatToParts(d);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}${get('month')}${get('day')}`;
}

/** The real ITSM/APKT: each call files there and returns the number it issued (idempotent on its key). */
export interface RemoteTicketing {
  fileServiceRequest(req: TicketRequest): Promise<string>;
  fileApktRecord(input: { itsmNumber: string; req: TicketRequest }): Promise<string>;
}

export interface TicketingOptions {
  /** Clock, for tests (day roll-over). Defaults to the system clock. */
  now?: () => Date;
  /**
   * Where the numbers come from when the real ITSM and APKT file the ticket (src/tickets/itsmHttp.ts);
   * unset, they are issued here. Either way the record is kept here for status look-ups and replies.
   */
  remote?: RemoteTicketing;
}

type ItsmRow = Selectable<Schema['itsm_tickets']>;
type Prefix = 'ITSM' | 'APKT';

const APKT_COLUMNS = ['number', 'itsm_number', 'category', 'complaint_type', 'sub_type', 'status'] as const;
type ApktRow = Pick<Selectable<Schema['apkt_records']>, (typeof APKT_COLUMNS)[number]>;
type ReplyRow = Pick<Selectable<Schema['ticket_replies']>, 'ticket_number' | 'at' | 'author' | 'text' | 'status'>;

/**
 * The applicant's phone and lower-cased email as the expression indexes itsm_tickets_phone and
 * itsm_tickets_email have them (migrations/sqlite/001, migrations/postgres/002): an index applies
 * only to a query with the very same expression, and the databases spell JSON access differently.
 */
const CONTACT = {
  sqlite: { phone: sql<string>`json_extract(applicant_json, '$.phone')`, email: sql<string>`lower(json_extract(applicant_json, '$.email'))` },
  postgres: { phone: sql<string>`(applicant_json ->> 'phone')`, email: sql<string>`lower(applicant_json ->> 'email')` },
};

/**
 * ITSM tickets and APKT records kept in the service's database (SQLite or PostgreSQL), numbered
 * here (`ITSM-YYYYMMDD-NNNNN`, `APKT-YYYYMMDD-NNNNN`, day in Asia/Jakarta, sequence per day) or by
 * the real ITSM/APKT (`remote`).
 *
 * A filing is one statement: it takes the day's next number (see `nextSeq`) and inserts the record
 * with it, `ON CONFLICT DO NOTHING` on `idempotency_key` (ITSM) or `itsm_number` (APKT); when it
 * inserted nothing, the record filed first (perhaps by another instance, just committed) is read
 * back and its number returned. A filing whose key is taken takes no number: no gaps.
 */
export class SqlTicketing implements TicketingPort {
  private readonly db: Kysely<Schema>;
  private readonly statements: StatementTarget;
  private readonly now: () => Date;
  private readonly remote: RemoteTicketing | undefined;

  constructor(
    private readonly database: Database,
    opts: TicketingOptions = {},
  ) {
    this.db = database.db;
    this.statements = onDatabase(database);
    this.now = opts.now ?? (() => new Date());
    this.remote = opts.remote;
  }

  createServiceRequest(req: TicketRequest): Promise<{ number: string }> {
    return this.serviceRequestOn(this.statements, req);
  }

  createApktRecord(input: { itsmNumber: string; req: TicketRequest }): Promise<{ number: string }> {
    return this.apktRecordOn(this.statements, input);
  }

  /**
   * The two filings with their statements run on `tx`, a transaction of `preparedTransaction` on
   * this database: with the outbox's statements in the same transaction, a whole filing is one
   * commit (see `createTicketStores`). Only without `remote`: a call to the real ITSM must not be
   * made inside a transaction (it would hold the database's write lock while waiting on the network).
   */
  filingOn(tx: StatementTarget): Pick<TicketingPort, 'createServiceRequest' | 'createApktRecord'> {
    if (this.remote) throw new Error('a filing with the real ITSM cannot run inside a database transaction');
    return { createServiceRequest: (req) => this.serviceRequestOn(tx, req), createApktRecord: (input) => this.apktRecordOn(tx, input) };
  }

  /** Every statement on `on` (the database, or a transaction of it: then nothing may go past it). */
  private async serviceRequestOn(on: StatementTarget, req: TicketRequest): Promise<{ number: string }> {
    // Filed before: the real ITSM is not asked again. Numbered here, the insert below (which does
    // nothing for a known key and reads its number back) answers the same, one statement fewer.
    const known = this.remote ? await this.numberOf(on, 'itsmByKey', req.idempotencyKey) : undefined;
    if (known) return { number: known };
    // The real ITSM files first (idempotent on the key there too); its number is then recorded here.
    const issued = this.remote ? await this.remote.fileServiceRequest(req) : null;
    const at = this.now();
    const day = jakartaDay(at);
    const c = req.classification;
    const details: ItsmDetails = {
      day,
      idempotency_key: req.idempotencyKey,
      call_type: c.callType,
      service_family: c.serviceFamily,
      service_group: c.serviceGroup,
      service_type: c.serviceType,
      catalog_number: c.catalogNumber,
      officer: req.officer,
      channel: req.channel,
      conversation_id: req.conversationId,
      applicant_json: JSON.stringify(applicantOf(req.applicant)),
      photo_json: req.photo ? JSON.stringify(req.photo) : null,
      previous_number: req.previousNumber,
      description: req.description,
      status: ITSM_STATUS_OPEN,
      created_at: at.toISOString(),
      priority: priorityOf(req.priority),
    };
    const inserted = (await FILE_ITSM[this.database.kind].run(on, { ...details, issued, numberPrefix: `ITSM-${day}-` })).rows[0];
    return { number: inserted?.number ?? (await this.numberOf(on, 'itsmByKey', req.idempotencyKey)) ?? (await this.notFiled(on, 'ITSM', day)) };
  }

  private async apktRecordOn(on: StatementTarget, input: { itsmNumber: string; req: TicketRequest }): Promise<{ number: string }> {
    const { itsmNumber, req } = input;
    const known = this.remote ? await this.numberOf(on, 'apktByItsm', itsmNumber) : undefined;
    if (known) return { number: known };
    const issued = this.remote ? await this.remote.fileApktRecord({ itsmNumber, req }) : null;
    const at = this.now();
    const day = jakartaDay(at);
    const details: ApktDetails = {
      day,
      itsm_number: itsmNumber,
      category: APKT_CLASSIFICATION.category,
      complaint_type: APKT_CLASSIFICATION.complaintType,
      sub_type: APKT_CLASSIFICATION.subType,
      status: APKT_CLASSIFICATION.status,
      officer: req.officer,
      channel: req.channel,
      applicant_json: JSON.stringify(applicantOf(req.applicant)),
      description: req.description,
      created_at: at.toISOString(),
    };
    const inserted = (await FILE_APKT[this.database.kind].run(on, { ...details, issued, numberPrefix: `APKT-${day}-` })).rows[0];
    return { number: inserted?.number ?? (await this.numberOf(on, 'apktByItsm', itsmNumber)) ?? (await this.notFiled(on, 'APKT', day, itsmNumber)) };
  }

  /** The ticket by its ITSM number, or by the number of its APKT record. Case-insensitive. */
  async getTicket(number: string): Promise<TicketView | null> {
    const row = await this.db.selectFrom('itsm_tickets').selectAll().where('number', '=', this.resolve(number)).executeTakeFirst();
    return row ? ((await this.viewsOf(this.db, [row]))[0] ?? null) : null;
  }

  async addReply(number: string, reply: NewTicketReply): Promise<TicketView | null> {
    return this.db.transaction().execute(async (trx) => {
      // The update first: it holds the ticket's row (PostgreSQL) or the write lock (SQLite) until
      // commit, so a concurrent reply waits and the view read back below ends with this reply.
      const row = await trx
        .updateTable('itsm_tickets')
        .set((eb) => ({ status: reply.status ?? eb.ref('status') }))
        .where('number', '=', this.resolve(number))
        .returningAll()
        .executeTakeFirst();
      if (!row) return null;
      await trx
        .insertInto('ticket_replies')
        .values({ ticket_number: row.number, at: this.now().toISOString(), author: reply.author, text: reply.text, status: reply.status ?? null })
        .execute();
      return (await this.viewsOf(trx, [row]))[0] ?? null;
    });
  }

  async ticketsOf(channel: string, conversationId: string): Promise<TicketView[]> {
    return this.newestFirst((eb) => eb.and({ channel, conversation_id: conversationId }));
  }

  async ticketsOfContact(contact: TicketContact): Promise<TicketView[]> {
    if (!contact.phone && !contact.email) return [];
    const { phone, email } = CONTACT[this.database.kind];
    return this.newestFirst((eb) =>
      eb.or([...(contact.phone ? [eb(phone, '=', contact.phone)] : []), ...(contact.email ? [eb(email, '=', contact.email.toLowerCase())] : [])]),
    );
  }


  /** Why a filing inserted nothing and found no record of its key: the ITSM ticket is unknown, or the day's numbers are used up. */
  private async notFiled(on: StatementTarget, prefix: Prefix, day: string, itsmNumber?: string): Promise<never> {
    if (itsmNumber !== undefined && !(await this.numberOf(on, 'itsmByNumber', itsmNumber))) {
      throw new Error(`APKT record refused: unknown ITSM number ${itsmNumber}`);
    }
    const last = (await LAST_SEQ[prefix].run(on, { day })).rows[0];
    if (Number(last?.seq ?? 0) >= MAX_SEQ_PER_DAY) throw new Error(`${prefix} numbering exhausted for ${day}`);
    throw new Error(`${prefix} record neither inserted nor found`);
  }

  private async numberOf(on: StatementTarget, by: keyof typeof NUMBER_BY, value: string): Promise<string | undefined> {
    return (await NUMBER_BY[by].run(on, { value })).rows[0]?.number;
  }

  /** The ITSM number that `number` names: an ITSM number (first) or an APKT record's, case-insensitive. */
  private resolve(number: string) {
    const key = number.trim().toUpperCase();
    return this.db
      .selectNoFrom((eb) =>
        eb.fn
          .coalesce(
            eb.selectFrom('itsm_tickets').select('number').where('number', '=', key),
            eb.selectFrom('apkt_records').select('itsm_number').where('number', '=', key),
          )
          .as('number'),
      );
  }

  /** The tickets `filter` selects, newest first (the sequence breaks ties within one millisecond). */
  private async newestFirst(filter: (eb: ExpressionBuilder<Schema, 'itsm_tickets'>) => Expression<SqlBool>): Promise<TicketView[]> {
    const rows = await this.db.selectFrom('itsm_tickets').selectAll().where(filter).orderBy('created_at', 'desc').orderBy('day', 'desc').orderBy('seq', 'desc').execute();
    return this.viewsOf(this.db, rows);
  }

  /** The views of `rows`, in their order, with their APKT records and replies (two queries in all). */
  private async viewsOf(db: Kysely<Schema>, rows: ItsmRow[]): Promise<TicketView[]> {
    if (rows.length === 0) return [];
    const numbers = rows.map((r) => r.number);
    // One after the other: `db` may be a transaction on one connection.
    const apkts = await db.selectFrom('apkt_records').select(APKT_COLUMNS).where('itsm_number', 'in', numbers).execute();
    const replies = await db
      .selectFrom('ticket_replies')
      .select(['ticket_number', 'at', 'author', 'text', 'status'])
      .where('ticket_number', 'in', numbers)
      .orderBy('id')
      .execute();
    const apktOf = new Map(apkts.map((a) => [a.itsm_number, a]));
    return rows.map((row) => toView(row, apktOf.get(row.number), replies.filter((r) => r.ticket_number === row.number)));
  }
}

/**
 * The next sequence number of `prefix` on `day` for the filing of `key`: the one place the
 * databases number differently.
 * - PostgreSQL: instances race, so next_ticket_seq (migrations/postgres/009) takes it from the
 *   day's counter row, locked only until the filing's statement commits; NULL (nothing filed)
 *   when a filing of `key` committed meanwhile.
 * - SQLite: one process writes, the filing's INSERT holds the write lock from its start, and the
 *   group-commit dialect runs it without interleaving: the day's MAX(seq) + 1 is free.
 */
function nextSeq(kind: BackendKind, prefix: Prefix, day: string, key: string) {
  const [table, keyColumn] = prefix === 'ITSM' ? (['itsm_tickets', 'idempotency_key'] as const) : (['apkt_records', 'itsm_number'] as const);
  if (kind === 'postgres') return sql<number>`next_ticket_seq(${prefix}, ${day}, ${table}, ${keyColumn}, ${key})`;
  return sql<number>`(SELECT coalesce(max(seq), 0) + 1 FROM ${sql.table(table)} WHERE day = ${day})`;
}

/** The number: the one the real ITSM/APKT issued, else ours, `numberPrefix` (`ITSM-YYYYMMDD-`) and `n.seq` in five digits, spelt alike on both databases. */
const numberSql = (issued: string | null, numberPrefix: string) => sql<string>`coalesce(${issued}, ${numberPrefix} || substr(cast(100000 + n.seq as text), 2))`;

/** What a filing stores besides its number and sequence, one value per column. */
const ITSM_COLUMNS = ['day', 'idempotency_key', 'call_type', 'service_family', 'service_group', 'service_type', 'catalog_number', 'officer', 'channel',
  'conversation_id', 'applicant_json', 'photo_json', 'previous_number', 'description', 'status', 'created_at', 'priority'] as const;
const APKT_COLUMNS_FILED = ['day', 'itsm_number', 'category', 'complaint_type', 'sub_type', 'status', 'officer', 'channel', 'applicant_json', 'description', 'created_at'] as const;
type ItsmDetails = Pick<Insertable<Schema['itsm_tickets']>, (typeof ITSM_COLUMNS)[number]>;
type ApktDetails = Pick<Insertable<Schema['apkt_records']>, (typeof APKT_COLUMNS_FILED)[number]>;
type Filing<D> = D & { issued: string | null; numberPrefix: string };

/** `columns`' values of `p` as the select list of an INSERT … SELECT, each named for its column. */
const selectValues = <D>(p: D, columns: ReadonlyArray<keyof D & string>) => columns.map((column) => sql.val(p[column]).as(column));

// A filing's statements, compiled once per database (storage/prepared.ts); each is one statement,
// ON CONFLICT DO NOTHING on the key (see the class).
const fileItsm = (kind: BackendKind) =>
  prepared((p: Filing<ItsmDetails>) => (db: Kysely<Schema>) =>
    db
      .insertInto('itsm_tickets')
      .columns(['number', 'seq', ...ITSM_COLUMNS])
      .expression(
        db
          .selectFrom(db.selectNoFrom(nextSeq(kind, 'ITSM', p.day, p.idempotency_key).as('seq')).as('n'))
          .select([numberSql(p.issued, p.numberPrefix).as('number'), 'n.seq', ...selectValues(p, ITSM_COLUMNS)])
          .where('n.seq', '<=', MAX_SEQ_PER_DAY),
      )
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('number'),
  );
const fileApkt = (kind: BackendKind) =>
  prepared((p: Filing<ApktDetails>) => (db: Kysely<Schema>) => {
    // `n` has a row only when the ITSM ticket exists, so an unknown one takes no number.
    const n = db
      .selectFrom('itsm_tickets')
      .select([nextSeq(kind, 'APKT', p.day, p.itsm_number).as('seq'), 'service_type'])
      .where('number', '=', p.itsm_number)
      .as('n');
    return db
      .insertInto('apkt_records')
      .columns(['number', 'seq', 'problem', ...APKT_COLUMNS_FILED])
      .expression(
        db
          .selectFrom(n)
          .select([numberSql(p.issued, p.numberPrefix).as('number'), 'n.seq', 'n.service_type', ...selectValues(p, APKT_COLUMNS_FILED)])
          .where('n.seq', '<=', MAX_SEQ_PER_DAY),
      )
      .onConflict((oc) => oc.column('itsm_number').doNothing())
      .returning('number');
  });
const FILE_ITSM = { sqlite: fileItsm('sqlite'), postgres: fileItsm('postgres') };
const FILE_APKT = { sqlite: fileApkt('sqlite'), postgres: fileApkt('postgres') };
const NUMBER_BY = {
  itsmByKey: prepared((p: { value: string }) => (db: Kysely<Schema>) => db.selectFrom('itsm_tickets').select('number').where('idempotency_key', '=', p.value)),
  itsmByNumber: prepared((p: { value: string }) => (db: Kysely<Schema>) => db.selectFrom('itsm_tickets').select('number').where('number', '=', p.value)),
  apktByItsm: prepared((p: { value: string }) => (db: Kysely<Schema>) => db.selectFrom('apkt_records').select('number').where('itsm_number', '=', p.value)),
};

/** The day's highest sequence (why a filing found no number: the day's numbers may be used up). */
const lastSeq = (table: 'itsm_tickets' | 'apkt_records') =>
  prepared((p: { day: string }) => (db: Kysely<Schema>) => db.selectFrom(table).select((eb) => eb.fn.max('seq').as('seq')).where('day', '=', p.day));
const LAST_SEQ = { ITSM: lastSeq('itsm_tickets'), APKT: lastSeq('apkt_records') };

/** Copies only the known applicant fields (no stray properties end up in the record). */
function applicantOf(a: ApplicantData): ApplicantData {
  return { name: a.name, businessName: a.businessName, productType: a.productType, city: a.city, province: a.province, phone: a.phone, email: a.email };
}

/** Requests kept in the outbox by an earlier version have no priority: they are normal. */
function priorityOf(value: unknown): TicketPriority {
  return value === 'urgent' ? 'urgent' : 'normal';
}

function toView(row: ItsmRow, apkt: ApktRow | undefined, replies: ReplyRow[]): TicketView {
  return {
    number: row.number,
    callType: row.call_type,
    serviceFamily: row.service_family,
    serviceGroup: row.service_group,
    serviceType: row.service_type,
    catalogNumber: row.catalog_number,
    officer: row.officer,
    channel: row.channel,
    conversationId: row.conversation_id,
    applicant: applicantOf(fromJson<ApplicantData>(row.applicant_json)),
    photo: row.photo_json ? fromJson<PhotoRef>(row.photo_json) : null,
    previousNumber: row.previous_number,
    description: row.description,
    priority: priorityOf(row.priority),
    status: row.status,
    createdAt: row.created_at,
    apkt: apkt
      ? { number: apkt.number, category: apkt.category, complaintType: apkt.complaint_type, subType: apkt.sub_type, status: apkt.status, itsmNumber: apkt.itsm_number }
      : null,
    replies: replies.map((r) => ({ at: r.at, author: r.author, text: r.text, status: r.status })),
  };
}
