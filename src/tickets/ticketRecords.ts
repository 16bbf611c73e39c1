import type { ApplicantData, ApktView, PhotoRef, TicketPriority, TicketReply, TicketRequest, TicketView } from './types.js';

/**
 * What the ticketing adapters (SQLite `EmbeddedTicketing`, PostgreSQL `PgTicketing`) share: the
 * numbering rules, the optional remote numbering, and the mapping from stored rows to views.
 */

/** Status of an ITSM ticket when filed; the Marketplace support team moves it on in ITSM. */
export const ITSM_STATUS_OPEN = 'Open';

/** Numbers carry five digits of sequence per day. */
export const MAX_SEQ_PER_DAY = 99_999;

const JAKARTA_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Jakarta',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** `YYYYMMDD` of `d` in Asia/Jakarta (WIB), the contact centre's calendar day. */
export function jakartaDay(d: Date): string {
  const parts = JAKARTA_DATE.formatToParts(d);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}${get('month')}${get('day')}`;
}

/** `ITSM-20261124-00001` from its parts; throws once the day's five digits are used up. */
export function ticketNumber(prefix: 'ITSM' | 'APKT', day: string, seq: number): string {
  if (seq > MAX_SEQ_PER_DAY) throw new Error(`${prefix} numbering exhausted for ${day}`);
  return `${prefix}-${day}-${String(seq).padStart(5, '0')}`;
}

/** The real ITSM/APKT: each call files there and returns the number it issued (idempotent on its key). */
export interface RemoteTicketing {
  fileServiceRequest(req: TicketRequest): Promise<string>;
  fileApktRecord(input: { itsmNumber: string; req: TicketRequest }): Promise<string>;
}

/** Options of both ticketing adapters. */
export interface TicketingOptions {
  /** Clock, for tests (day roll-over). Defaults to the system clock. */
  now?: () => Date;
  /**
   * Where the numbers come from when the real ITSM and APKT file the ticket (src/tickets/itsmHttp.ts);
   * unset, they are issued here. Either way the record is kept here for status look-ups and replies.
   */
  remote?: RemoteTicketing;
}

/**
 * An `itsm_tickets` row as either database returns it: SQLite keeps the JSON columns as text,
 * PostgreSQL (jsonb) hands them back parsed; both give `created_at` as an ISO string.
 */
export interface ItsmRow {
  number: string;
  call_type: string;
  service_family: string;
  service_group: string;
  service_type: string;
  catalog_number: number | null;
  officer: string;
  channel: string;
  conversation_id: string;
  applicant_json: string | ApplicantData;
  photo_json: string | PhotoRef | null;
  previous_number: string | null;
  description: string | null;
  priority: string;
  status: string;
  created_at: string;
}

export interface ReplyRow {
  at: string;
  author: string;
  text: string;
  status: string | null;
}

export interface ApktRow {
  number: string;
  itsm_number: string;
  category: string;
  complaint_type: string;
  sub_type: string;
  status: string;
}

/** Copies only the known applicant fields (no stray properties end up in the record). */
export function applicantOf(a: ApplicantData): ApplicantData {
  return {
    name: a.name,
    businessName: a.businessName,
    productType: a.productType,
    city: a.city,
    province: a.province,
    phone: a.phone,
    email: a.email,
  };
}

/** Requests kept in the outbox by an earlier version have no priority: they are normal. */
export function priorityOf(value: unknown): TicketPriority {
  return value === 'urgent' ? 'urgent' : 'normal';
}

/** The columns of an ITSM ticket after its number, day, seq and idempotency_key, as both adapters insert them. */
export const ITSM_DETAIL_COLUMNS =
  'call_type, service_family, service_group, service_type, catalog_number, officer, channel, conversation_id, applicant_json, photo_json, previous_number, description, status, created_at, priority';

/** The values of ITSM_DETAIL_COLUMNS, in its order, for `req` filed at `at`. */
export function itsmDetails(req: TicketRequest, at: Date): Array<string | number | null> {
  const c = req.classification;
  return [
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
  ];
}

function parsed<T>(value: string | T): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

export function toView(row: ItsmRow, apkt: ApktRow | null, replies: ReplyRow[]): TicketView {
  const apktView: ApktView | null = apkt
    ? {
        number: apkt.number,
        category: apkt.category,
        complaintType: apkt.complaint_type,
        subType: apkt.sub_type,
        status: apkt.status,
        itsmNumber: apkt.itsm_number,
      }
    : null;
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
    applicant: applicantOf(parsed<ApplicantData>(row.applicant_json)),
    photo: row.photo_json ? parsed<PhotoRef>(row.photo_json) : null,
    previousNumber: row.previous_number,
    description: row.description,
    priority: priorityOf(row.priority),
    status: row.status,
    createdAt: row.created_at,
    apkt: apktView,
    replies: replies.map((r): TicketReply => ({ at: r.at, author: r.author, text: r.text, status: r.status })),
  };
}
