import { sql, type Kysely, type Selectable, type SelectQueryBuilder, type SqlBool, type UpdateObject, type UpdateQueryBuilder, type UpdateResult } from 'kysely';
import type { Database } from '../storage/database.js';
import { onDatabase, prepared, type StatementTarget } from '../storage/prepared.js';
import { fromJson, type Schema } from '../storage/schema.js';
import type { TicketRequest } from './types.js';

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
  /**
   * When the request was given up on (refused by the ITSM, or out of attempts): a dead letter,
   * no longer retried until an operator revives it (`npm run dead-letters -- retry`). A later
   * filing of the same key (the applicant confirming again) still proceeds and clears it.
   */
  deadAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * Where a notice stands: `wanted` (to send), `sending` (claimed), `sent` (the number reached the
 * applicant), `failed` (cannot reach them), `givenUp` (they were told the request could not be
 * recorded; should it be filed after all, e.g. revived by an operator, the number is still sent).
 */
export type NoticeOutcome = 'sent' | 'failed' | 'wanted' | 'givenUp';

/**
 * The storage of the ticket outbox (`ticket_outbox`), behind `TicketService`, which holds every
 * step decision. Each write is one conditional statement, so that several processes or instances
 * on one database can drive the same rows: the guards (`itsm_number IS NULL`, `notice = 'wanted'`)
 * make a second writer a no-op instead of an overwrite. `at` values are ISO 8601 strings.
 *
 * Implemented once for both databases: `SqlOutboxStore` (below).
 */
export interface OutboxStore {
  /** Persists the request as `pending`, unless its idempotency key is there already (the first request wins). */
  add(request: TicketRequest, at: string): Promise<void>;
  /** The row for a key, or null. */
  get(idempotencyKey: string): Promise<OutboxEntry | null>;
  /** Keys of the rows not done and not dead, oldest first (ties by key). */
  notDoneKeys(): Promise<string[]>;
  /** How many rows are not done and not dead. */
  pendingCount(): Promise<number>;
  /** The request is given up on (no-op on a done row). */
  markDead(idempotencyKey: string, at: string): Promise<void>;
  /** A dead row back to pending with no attempts counted; false when the key is not dead. */
  revive(idempotencyKey: string, at: string): Promise<boolean>;
  /** The dead rows, oldest death first. */
  deadEntries(): Promise<OutboxEntry[]>;
  deadCount(): Promise<number>;
  /** One more attempt at the steps begins. */
  attemptStarted(idempotencyKey: string, at: string): Promise<void>;
  /** Step 1 done: records the ITSM number (state `itsm_filed`) unless one is recorded already. */
  itsmFiled(idempotencyKey: string, itsmNumber: string, at: string): Promise<void>;
  /** Step 2 done: records the APKT number (state `done`, error and death cleared) unless one is recorded already. */
  apktFiled(idempotencyKey: string, apktNumber: string, at: string): Promise<void>;
  /** Both numbers were there already (a repair): state `done`, error cleared. */
  markDone(idempotencyKey: string, at: string): Promise<void>;
  /** The attempt failed: keeps the (already redacted) message. */
  recordError(idempotencyKey: string, message: string, at: string): Promise<void>;
  /** notice := `wanted`, only if no notice was asked for before. */
  wantNotice(idempotencyKey: string): Promise<void>;
  /** Every done row whose notice is `wanted`, moved to `sending`, each handed to exactly one caller across all instances; oldest first. */
  claimNotices(): Promise<OutboxEntry[]>;
  /** Sets the notice to its outcome (`wanted` puts it back for a later claim). */
  noticeDone(idempotencyKey: string, outcome: NoticeOutcome): Promise<void>;
}

type OutboxRow = Selectable<Schema['ticket_outbox']>;

function toOutboxEntry(row: OutboxRow): OutboxEntry {
  return {
    idempotencyKey: row.idempotency_key,
    notice: row.notice,
    request: fromJson<TicketRequest>(row.request_json),
    itsmNumber: row.itsm_number,
    apktNumber: row.apkt_number,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error,
    deadAt: row.dead_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Oldest first by `at`, ties by key, sorted here: SQLite compares text bytewise, PostgreSQL by the
 * database's collation (and the claim's UPDATE … RETURNING has no order on either).
 */
const oldestFirst =
  <T extends { idempotency_key: string }>(at: (row: T) => string | null) =>
  (a: T, b: T) =>
    compare(at(a) ?? '', at(b) ?? '') || compare(a.idempotency_key, b.idempotency_key);
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type OutboxUpdate = UpdateQueryBuilder<Schema, 'ticket_outbox', 'ticket_outbox', UpdateResult>;
type OutboxCount = SelectQueryBuilder<Schema, 'ticket_outbox', { n: number | string }>;

/**
 * The notices to send: the number of a request filed since the applicant was told to wait, or the
 * news that a request they were told to wait for was given up (dead), or the number of one filed
 * after all since they were told so.
 */
const CLAIMABLE_NOTICE = sql<SqlBool>`(notice = 'wanted' AND (state = 'done' OR dead_at IS NOT NULL)) OR (notice = 'givenUp' AND state = 'done')`;

// The statements of every filing, compiled once (storage/prepared.ts): a filing's outbox and
// ticket statements built by Kysely on every call cost about 0.4 ms of CPU more than the
// hand-written SQL before them.
const insertEntry = prepared((p: { key: string; request: string; at: string }) => (db: Kysely<Schema>) =>
  db
    .insertInto('ticket_outbox')
    .values({ idempotency_key: p.key, request_json: p.request, state: 'pending', attempts: 0, created_at: p.at, updated_at: p.at })
    .onConflict((oc) => oc.column('idempotency_key').doNothing()),
);
/** Inserts the request as `pending` on `on`; false when its key was there already (nothing written). */
async function addEntry(on: StatementTarget, request: TicketRequest, at: string): Promise<boolean> {
  const result = await insertEntry.run(on, { key: request.idempotencyKey, request: JSON.stringify(request), at });
  return Number(result.numAffectedRows ?? 0) > 0;
}
const selectEntry = prepared((p: { key: string }) => (db: Kysely<Schema>) => db.selectFrom('ticket_outbox').selectAll().where('idempotency_key', '=', p.key));
const countAttempt = prepared((p: { key: string; at: string }) => (db: Kysely<Schema>) =>
  db
    .updateTable('ticket_outbox')
    .set({ attempts: sql<number>`attempts + 1`, updated_at: p.at })
    .where('idempotency_key', '=', p.key),
);
const recordItsm = prepared((p: { key: string; number: string; at: string }) => (db: Kysely<Schema>) =>
  db
    .updateTable('ticket_outbox')
    .set({ itsm_number: p.number, state: 'itsm_filed', updated_at: p.at })
    .where('idempotency_key', '=', p.key)
    .where('itsm_number', 'is', null),
);
const recordApkt = prepared((p: { key: string; number: string; at: string }) => (db: Kysely<Schema>) =>
  db
    .updateTable('ticket_outbox')
    .set({ apkt_number: p.number, state: 'done', last_error: null, dead_at: null, updated_at: p.at })
    .where('idempotency_key', '=', p.key)
    .where('apkt_number', 'is', null),
);

/** A filing's whole outcome at once: the second attempt's steps are not needed (see `outboxFilingOn`). */
const recordFiling = prepared((p: { key: string; itsm: string; apkt: string; at: string }) => (db: Kysely<Schema>) =>
  db
    .updateTable('ticket_outbox')
    .set({ itsm_number: p.itsm, apkt_number: p.apkt, state: 'done', attempts: sql<number>`attempts + 1`, last_error: null, dead_at: null, updated_at: p.at })
    .where('idempotency_key', '=', p.key)
    .where('itsm_number', 'is', null),
);

/** The outbox's part of a filing made in one transaction (`createTicketStores`), its statements on `tx`. */
export interface OutboxFilingSteps {
  /** Persists the request as `pending`; false (nothing written) when its key is there already. */
  addNew(request: TicketRequest, at: string): Promise<boolean>;
  /** Both numbers recorded on the row `addNew` wrote, one attempt counted: `done`. */
  recordFiled(idempotencyKey: string, numbers: { itsmNumber: string; apktNumber: string }, at: string): Promise<void>;
}

export function outboxFilingOn(tx: StatementTarget): OutboxFilingSteps {
  return {
    addNew: (request, at) => addEntry(tx, request, at),
    async recordFiled(key, numbers, at) {
      await recordFiling.run(tx, { key, itsm: numbers.itsmNumber, apkt: numbers.apktNumber, at });
    },
  };
}

/**
 * The outbox on either database. Every write is one statement whose WHERE guard makes a second
 * instance's identical write a no-op; claiming notices is one `UPDATE … RETURNING`, so a row is
 * handed to exactly one claimer.
 */
export class SqlOutboxStore implements OutboxStore {
  private readonly db: Kysely<Schema>;
  private readonly statements: StatementTarget;

  constructor(database: Database) {
    this.db = database.db;
    this.statements = onDatabase(database);
  }

  async add(request: TicketRequest, at: string): Promise<void> {
    await addEntry(this.statements, request, at);
  }

  async get(idempotencyKey: string): Promise<OutboxEntry | null> {
    const row = (await selectEntry.run(this.statements, { key: idempotencyKey })).rows[0];
    return row ? toOutboxEntry(row) : null;
  }

  async notDoneKeys(): Promise<string[]> {
    const rows = await this.db.selectFrom('ticket_outbox').select(['idempotency_key', 'created_at']).where('state', '<>', 'done').where('dead_at', 'is', null).execute();
    return rows.sort(oldestFirst((r) => r.created_at)).map((r) => r.idempotency_key);
  }

  async pendingCount(): Promise<number> {
    return this.count((q) => q.where('state', '<>', 'done').where('dead_at', 'is', null));
  }

  async markDead(idempotencyKey: string, at: string): Promise<void> {
    await this.update(idempotencyKey, { dead_at: at, updated_at: at }, (q) => q.where('state', '<>', 'done').where('dead_at', 'is', null));
  }

  async revive(idempotencyKey: string, at: string): Promise<boolean> {
    return (await this.update(idempotencyKey, { dead_at: null, attempts: 0, updated_at: at }, (q) => q.where('dead_at', 'is not', null))) > 0;
  }

  async deadEntries(): Promise<OutboxEntry[]> {
    const rows = await this.db.selectFrom('ticket_outbox').selectAll().where('dead_at', 'is not', null).execute();
    return rows.sort(oldestFirst((r) => r.dead_at)).map(toOutboxEntry);
  }

  async deadCount(): Promise<number> {
    return this.count((q) => q.where('dead_at', 'is not', null));
  }

  async attemptStarted(idempotencyKey: string, at: string): Promise<void> {
    await countAttempt.run(this.statements, { key: idempotencyKey, at });
  }

  async itsmFiled(idempotencyKey: string, itsmNumber: string, at: string): Promise<void> {
    await recordItsm.run(this.statements, { key: idempotencyKey, number: itsmNumber, at });
  }

  async apktFiled(idempotencyKey: string, apktNumber: string, at: string): Promise<void> {
    await recordApkt.run(this.statements, { key: idempotencyKey, number: apktNumber, at });
  }

  async markDone(idempotencyKey: string, at: string): Promise<void> {
    await this.update(idempotencyKey, { state: 'done', last_error: null, dead_at: null, updated_at: at });
  }

  async recordError(idempotencyKey: string, message: string, at: string): Promise<void> {
    await this.update(idempotencyKey, { last_error: message, updated_at: at });
  }

  async wantNotice(idempotencyKey: string): Promise<void> {
    await this.update(idempotencyKey, { notice: 'wanted' }, (q) => q.where('notice', 'is', null));
  }

  async claimNotices(): Promise<OutboxEntry[]> {
    const rows = await this.db.updateTable('ticket_outbox').set({ notice: 'sending' }).where(CLAIMABLE_NOTICE).returningAll().execute();
    return rows.sort(oldestFirst((r) => r.created_at)).map(toOutboxEntry);
  }

  async noticeDone(idempotencyKey: string, outcome: NoticeOutcome): Promise<void> {
    await this.update(idempotencyKey, { notice: outcome });
  }

  /** Sets `values` on the key's row where `guard` holds; how many rows changed (0 or 1). */
  private async update(idempotencyKey: string, values: UpdateObject<Schema, 'ticket_outbox'>, guard: (q: OutboxUpdate) => OutboxUpdate = (q) => q): Promise<number> {
    const result = await guard(this.db.updateTable('ticket_outbox').set(values).where('idempotency_key', '=', idempotencyKey)).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  private async count(filter: (q: OutboxCount) => OutboxCount): Promise<number> {
    const row = await filter(this.db.selectFrom('ticket_outbox').select((eb) => eb.fn.countAll<number | string>().as('n'))).executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}
