import type { ColumnType, Generated } from 'kysely';

/**
 * The tables as the stores see them through Kysely, on both databases (the DDL is in
 * migrations/sqlite and migrations/postgres). Where the two store a value differently, the type
 * says what both return and the store reads it through the helpers below:
 * - JSON: a TEXT column on SQLite, json/jsonb on PostgreSQL (parsed by pg). Always written as a
 *   JSON string (pg would turn a top-level array into a PostgreSQL array); read with `fromJson`.
 * - booleans: INTEGER 0/1 on SQLite, boolean on PostgreSQL; written as booleans (the SQLite dialect
 *   binds them as 0/1); read with `Boolean(...)`.
 * - times: epoch-millisecond numbers (bigint on PostgreSQL, read as numbers by the pool) or ISO 8601
 *   strings (timestamptz on PostgreSQL, read back as ISO strings by the pool).
 */
export type Json = ColumnType<unknown, string, string>;
export type NullableJson = ColumnType<unknown, string | null, string | null>;
export type Bool = ColumnType<boolean | number, boolean, boolean>;
/** An id the database assigns (INTEGER PRIMARY KEY AUTOINCREMENT / identity). */
export type Id = Generated<number>;

/** A JSON column's value as stored: SQLite hands back the text, PostgreSQL the parsed value. */
export const fromJson = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

export interface Schema {
  conversations: { conversation_key: string; machine_version: number; snapshot: Json; updated_at: number };
  processed_messages: { message_id: string; processed_at: number; replies: NullableJson };
  transcript: {
    id: Id;
    conversation_key: string;
    at: string;
    sender: 'customer' | 'bot' | 'agent';
    text: string;
    officer: string | null;
    attachment: string | null;
    photo: NullableJson;
    choices: NullableJson;
    note: ColumnType<boolean | number, boolean | undefined, boolean>;
    delivery: string | null;
    delivery_error: string | null;
    provider_id: string | null;
  };
  handoffs: {
    id: Id;
    conversation_key: string;
    channel: string;
    conversation_id: string;
    status: 'waiting' | 'active' | 'closed';
    reason: string;
    officer: string | null;
    requested_at: string;
    taken_at: string | null;
    closed_at: string | null;
    outcome: string | null;
    itsm_number: string | null;
    apkt_number: string | null;
    priority: ColumnType<number, number | undefined, number>;
  };
  officers: {
    username: string;
    display_name: string;
    password_hash: string;
    created_at: string;
    disabled: ColumnType<boolean | number, boolean | undefined, boolean>;
    supervisor: ColumnType<boolean | number, boolean | undefined, boolean>;
  };
  agent_sessions: { id: string; username: string; csrf_token: string; created_at: number; last_seen: number };
  itsm_tickets: {
    number: string;
    day: string;
    seq: number;
    idempotency_key: string;
    call_type: string;
    service_family: string;
    service_group: string;
    service_type: string;
    catalog_number: number | null;
    officer: string;
    channel: string;
    conversation_id: string;
    applicant_json: Json;
    photo_json: NullableJson;
    previous_number: string | null;
    description: string | null;
    status: string;
    created_at: string;
    priority: ColumnType<string, string | undefined, string>;
  };
  apkt_records: {
    number: string;
    day: string;
    seq: number;
    itsm_number: string;
    category: string;
    complaint_type: string;
    sub_type: string;
    status: string;
    problem: string;
    officer: string;
    channel: string;
    applicant_json: Json;
    description: string | null;
    created_at: string;
  };
  ticket_replies: { id: Id; ticket_number: string; at: string; author: string; text: string; status: string | null };
  ticket_counters: { prefix: string; day: string; seq: number };
  ticket_outbox: {
    idempotency_key: string;
    request_json: Json;
    itsm_number: string | null;
    apkt_number: string | null;
    state: ColumnType<'pending' | 'itsm_filed' | 'done', 'pending' | 'itsm_filed' | 'done' | undefined>;
    attempts: ColumnType<number, number | undefined>;
    last_error: string | null;
    created_at: string;
    updated_at: string;
    notice: string | null;
    dead_at: string | null;
  };
  contact_windows: { channel: string; user_id: string; last_inbound_at: number };
  delivery_failures: { id: Id; channel: string; user_id: string; reason: string; detail: string; at: string };
  conversation_references: { conversation_key: string; reference: Json; updated_at: number };
  sent_replies: { reply_id: string; state: string; message_ids: string | null; attempted_at: number; finished_at: number | null };
  webhook_inbox: { channel: string; message_id: string; message: string; received_at: number; done_at: number | null };
  service_secrets: { name: string; value: string; created_at: ColumnType<string, string | undefined, string> };
  sign_in_throttle: { key: string; points: number; expire: number | null };
}
