import type { PgPool } from '../../src/storage/postgres/pool.js';
import { openSqlite, type SqliteDatabase } from '../../src/storage/sqlite.js';
import type { TicketingOptions } from '../../src/tickets/sqlTicketing.js';
import { createTicketStores, type TicketStores } from '../../src/tickets/ticketStores.js';
import type { TicketingPort } from '../../src/tickets/ticketingPort.js';
import type { NewTicketReply, TicketContact, TicketRequest } from '../../src/tickets/types.js';
import { describeOnBothDatabases } from '../storage/bothDatabases.js';
import type { TestSchema } from '../storage/pgTestSchema.js';
import { sqliteDatabase, postgresDatabase } from '../../src/storage/database.js';

export type TicketTable = 'itsm_tickets' | 'apkt_records' | 'ticket_replies' | 'ticket_outbox';
const TABLES: readonly TicketTable[] = ['ticket_replies', 'apkt_records', 'itsm_tickets', 'ticket_outbox'];

/**
 * One database for the ticket contract suites. `connect` opens the port and the outbox on it with
 * their own connection (SQLite) or pool (PostgreSQL): calling it twice is two instances of the
 * service (or a restart).
 */
export interface TicketBackendHarness {
  readonly name: string;
  connect(opts?: TicketingOptions): Promise<TicketStores>;
  /** Empties the tables: each test starts from nothing (numbers from 00001). */
  reset(): Promise<void>;
  count(table: TicketTable): Promise<number>;
  /** `day-seq` of every ITSM ticket, as stored. */
  itsmSlots(): Promise<string[]>;
  /** Ends what `connect` opened. */
  disconnectAll(): Promise<void>;
}

/** A SQLite file under `dir` (the caller makes and removes the directory). */
export function sqliteTicketHarness(dir: string): TicketBackendHarness {
  let open: SqliteDatabase[] = [];
  let adminDb: SqliteDatabase | undefined;
  const admin = (): SqliteDatabase => {
    if (!adminDb) {
      adminDb = openSqlite(dir);
      // Makes the tables (migrations), as the service does at start-up.
      sqliteDatabase(adminDb);
    }
    return adminDb;
  };
  return {
    name: 'SQLite',
    async connect(opts = {}) {
      admin();
      const db = openSqlite(dir);
      open.push(db);
      return createTicketStores(sqliteDatabase(db), opts);
    },
    async reset() {
      const db = admin();
      for (const table of TABLES) db.exec(`DELETE FROM ${table}`);
    },
    async count(table) {
      return (admin().prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    },
    async itsmSlots() {
      return (admin().prepare('SELECT day, seq FROM itsm_tickets ORDER BY day, seq').all() as Array<{ day: string; seq: number }>).map((r) => `${r.day}-${r.seq}`);
    },
    async disconnectAll() {
      for (const db of open) db.close();
      open = [];
      adminDb?.close();
      adminDb = undefined;
    },
  };
}

/** A migrated throw-away schema (see pgTestSchema); each `connect` is a new pool on it. */
export function postgresTicketHarness(schema: TestSchema): TicketBackendHarness {
  let pools: PgPool[] = [];
  let adminPool: PgPool | undefined;
  const admin = (): PgPool => (adminPool ??= schema.pool({ max: 1 }));
  return {
    name: 'PostgreSQL',
    async connect(opts = {}) {
      const pool = schema.pool({ max: 4 });
      pools.push(pool);
      return createTicketStores(postgresDatabase(pool), opts);
    },
    async reset() {
      await admin().query(`TRUNCATE ${TABLES.join(', ')}, ticket_counters RESTART IDENTITY`);
    },
    async count(table) {
      return (await admin().query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]?.n ?? -1;
    },
    async itsmSlots() {
      return (await admin().query<{ day: string; seq: number }>('SELECT day, seq FROM itsm_tickets ORDER BY day, seq')).rows.map((r) => `${r.day}-${r.seq}`);
    },
    async disconnectAll() {
      const ending = pools;
      pools = [];
      await Promise.all(ending.map((p) => p.end()));
    },
  };
}

/**
 * A port that runs the real one but fails where told: `before` a step's write (the system was
 * down: nothing written), or `after` it (a crash between the write and the outbox recording it).
 * `retryable` marks the errors as a down system does (see itsmHttp.ts). Counts the calls.
 */
export class FaultyPort implements TicketingPort {
  calls = { itsm: 0, apkt: 0 };
  faults: { itsm?: 'before' | 'after'; apkt?: 'before' | 'after'; retryable?: boolean } = {};

  constructor(private readonly inner: TicketingPort) {}

  private fail(step: string, req: TicketRequest): never {
    // Echoes the applicant's phone, as a careless adapter might: it must not reach last_error.
    const err = new Error(`${step} unreachable for ${req.applicant.phone}`) as Error & { retryable?: boolean };
    // true: a system down; false: a refusal (HTTP 4xx); unset: an unknown failure (retried).
    if (this.faults.retryable !== undefined) err.retryable = this.faults.retryable;
    throw err;
  }

  async createServiceRequest(req: TicketRequest) {
    this.calls.itsm += 1;
    if (this.faults.itsm === 'before') this.fail('ITSM', req);
    const r = await this.inner.createServiceRequest(req);
    if (this.faults.itsm === 'after') this.fail('ITSM', req);
    return r;
  }

  async createApktRecord(input: { itsmNumber: string; req: TicketRequest }) {
    this.calls.apkt += 1;
    if (this.faults.apkt === 'before') this.fail('APKT', input.req);
    const r = await this.inner.createApktRecord(input);
    if (this.faults.apkt === 'after') this.fail('APKT', input.req);
    return r;
  }

  getTicket(number: string) {
    return this.inner.getTicket(number);
  }
  addReply(number: string, reply: NewTicketReply) {
    return this.inner.addReply(number, reply);
  }
  ticketsOf(channel: string, conversationId: string) {
    return this.inner.ticketsOf(channel, conversationId);
  }
  ticketsOfContact(contact: TicketContact) {
    return this.inner.ticketsOfContact(contact);
  }
}

/**
 * Runs one contract suite on SQLite (a temporary file) and on PostgreSQL (a fresh migrated schema;
 * skipped, and said so, without DATABASE_URL).
 */
export function describeOnBothBackends(what: string, suite: (name: string, harness: () => TicketBackendHarness) => void): void {
  describeOnBothDatabases(what, { sqlite: sqliteTicketHarness, postgres: postgresTicketHarness }, suite);
}
