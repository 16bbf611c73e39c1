import { sql, type Kysely, type Selectable } from 'kysely';
import type { Delivery, PhotoRef, TranscriptEntry, TranscriptInput } from '../core/transcript.js';
import type { Database } from '../storage/database.js';
import { fromJson, type Schema } from '../storage/schema.js';
import { onDatabase, prepared, type StatementTarget } from '../storage/prepared.js';
import { appendTranscript, toTranscriptEntry, TRANSCRIPT_COLUMNS } from '../storage/transcript.js';
import { HANDOFF_PRIORITY } from '../core/handoffReason.js';
import type { Handoff, HandoffReason } from './types.js';

/** `open` retries this often when the open handoff it ran into is closed before it could be read. */
const OPEN_ATTEMPTS = 5;

/**
 * The conversation's open handoff, asked on every turn: compiled once (storage/prepared.ts), with
 * 'closed' written as a literal so SQLite can use the partial index handoffs_one_open.
 */
const selectOpen = prepared((p: { key: string }) => (db: Kysely<Schema>) =>
  db.selectFrom('handoffs').selectAll().where('conversation_key', '=', p.key).where('status', '<>', sql.lit('closed')),
);

const toHandoff = (r: Selectable<Schema['handoffs']>): Handoff => ({
  id: r.id,
  conversationKey: r.conversation_key,
  channel: r.channel,
  conversationId: r.conversation_id,
  status: r.status,
  reason: r.reason as HandoffReason,
  priority: Number(r.priority),
  officer: r.officer,
  requestedAt: r.requested_at,
  takenAt: r.taken_at,
  closedAt: r.closed_at,
  outcome: r.outcome as Handoff['outcome'],
  ticket: r.itsm_number && r.apkt_number ? { itsmNumber: r.itsm_number, apktNumber: r.apkt_number } : null,
});

/** What the console's search looks for (see HandoffStore.search). */
export interface HandoffSearch {
  conversations?: Array<{ channel: string; conversationId: string }>;
  digits?: string;
  text?: string;
}

/** `%`, `_` and the escape character itself taken literally in a LIKE pattern (ESCAPE '\\'). */
const likeEscaped = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** What `open` is given: the conversation asking for an officer, and why. */
export interface HandoffRequestInput {
  conversationKey: string;
  channel: string;
  conversationId: string;
  reason: HandoffReason;
}

/**
 * The officers' queue and the conversations' transcripts, on SQLite (one process) or PostgreSQL
 * (shared by every instance). Two officers (on two instances of the service) can never both hold
 * one conversation:
 * - at most one open (waiting or active) handoff per conversation, by the partial unique index
 *   `handoffs_one_open`: `open` inserts with ON CONFLICT on it, so of two instances opening one
 *   conversation at once the second insert (waiting for the first to commit) does nothing, and
 *   both return the one created;
 * - `take` and `finish` are single conditional UPDATEs: the second of two concurrent ones re-checks
 *   its WHERE against the row the first committed, so only one officer takes a waiting handoff,
 *   and only its holder ends it.
 */
export class HandoffStore {
  private readonly db: Kysely<Schema>;
  private readonly statements: StatementTarget;

  constructor(database: Database) {
    this.db = database.db;
    this.statements = onDatabase(database);
  }

  /** Opens a handoff, or returns the conversation's open one (asking twice does not queue twice). */
  async open(input: HandoffRequestInput, now = new Date()): Promise<{ handoff: Handoff; created: boolean }> {
    for (let attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
      const row = await this.db
        .insertInto('handoffs')
        .values({
          conversation_key: input.conversationKey,
          channel: input.channel,
          conversation_id: input.conversationId,
          status: 'waiting',
          reason: input.reason,
          priority: HANDOFF_PRIORITY[input.reason],
          requested_at: now.toISOString(),
        })
        // A literal, not a parameter: SQLite matches the partial index only when it sees its own predicate.
        .onConflict((oc) => oc.column('conversation_key').where('status', '<>', sql.lit('closed')).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row) return { handoff: toHandoff(row), created: true };
      const existing = await this.openOf(input.conversationKey);
      if (existing) return { handoff: await this.raise(existing, input.reason), created: false };
      // The open one was closed between the two statements: the next insert goes through.
    }
    throw new Error('handoff: could not open or find the open handoff');
  }

  /**
   * A waiting handoff asked for again for a more urgent reason (asked for an officer, then "akun
   * saya dibajak") moves up to that reason's place in the queue; its request time stays.
   */
  private async raise(handoff: Handoff, reason: HandoffReason): Promise<Handoff> {
    const priority = HANDOFF_PRIORITY[reason];
    if (handoff.status !== 'waiting' || priority >= handoff.priority) return handoff;
    const row = await this.db
      .updateTable('handoffs')
      .set({ priority, reason })
      .where('id', '=', handoff.id)
      .where('status', '=', 'waiting')
      .where('priority', '>', priority)
      .returningAll()
      .executeTakeFirst();
    return row ? toHandoff(row) : handoff;
  }

  async byId(id: number): Promise<Handoff | null> {
    const row = await this.db.selectFrom('handoffs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toHandoff(row) : null;
  }

  /** The conversation's waiting or active handoff. */
  async openOf(conversationKey: string): Promise<Handoff | null> {
    const row = (await selectOpen.run(this.statements, { key: conversationKey })).rows[0];
    return row ? toHandoff(row) : null;
  }

  /** Waiting and active handoffs in queue order: most urgent first, then oldest request. */
  async listOpen(): Promise<Handoff[]> {
    const rows = await this.db
      .selectFrom('handoffs')
      .selectAll()
      .where('status', '<>', sql.lit('closed'))
      .orderBy('priority')
      .orderBy('requested_at')
      .orderBy('id')
      .execute();
    return rows.map(toHandoff);
  }

  /** The latest closed handoffs, newest first (the console's history), and how many closed since `since`. */
  async listClosed(limit: number, since: Date): Promise<{ handoffs: Handoff[]; count: number }> {
    const [rows, count] = await Promise.all([
      this.db.selectFrom('handoffs').selectAll().where('status', '=', 'closed').orderBy('closed_at', 'desc').orderBy('id', 'desc').limit(limit).execute(),
      this.db
        .selectFrom('handoffs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'closed')
        .where('closed_at', '>=', since.toISOString())
        .executeTakeFirst(),
    ]);
    return { handoffs: rows.map(toHandoff), count: Number(count?.n ?? 0) };
  }

  /** A conversation's handoffs, newest first (its history in the console's side panel). */
  async ofConversation(conversationKey: string, limit: number): Promise<Handoff[]> {
    const rows = await this.db.selectFrom('handoffs').selectAll().where('conversation_key', '=', conversationKey).orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toHandoff);
  }

  /**
   * Handoffs, newest first, of the conversations named (by a ticket's channel and id), or whose
   * channel id holds `digits` (a WhatsApp number), or whose transcript holds `text` (any case).
   */
  async search(query: HandoffSearch, limit: number): Promise<Handoff[]> {
    const { conversations = [], digits, text } = query;
    if (conversations.length === 0 && !digits && !text) return [];
    const rows = await this.db
      .selectFrom('handoffs')
      .selectAll()
      .where((eb) =>
        eb.or([
          ...conversations.map((c) => eb.and([eb('channel', '=', c.channel), eb('conversation_id', '=', c.conversationId)])),
          ...(digits ? [eb('conversation_id', 'like', `%${digits.replace(/\D/g, '')}%`)] : []),
          ...(text
            ? [
                eb(
                  'conversation_key',
                  'in',
                  eb.selectFrom('transcript').select('conversation_key').where(sql`lower(text)`, 'like', sql`${`%${likeEscaped(text.toLowerCase())}%`} escape '\\'`),
                ),
              ]
            : []),
        ]),
      )
      .orderBy('requested_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toHandoff);
  }

  /** 1 for the first in the queue (priority, then age); null when not waiting. */
  async position(handoff: Handoff): Promise<number | null> {
    if (handoff.status !== 'waiting') return null;
    const { priority, requestedAt, id } = handoff;
    const row = await this.db
      .selectFrom('handoffs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'waiting')
      .where((eb) =>
        eb.or([
          eb('priority', '<', priority),
          eb.and([eb('priority', '=', priority), eb('requested_at', '<', requestedAt)]),
          eb.and([eb('priority', '=', priority), eb('requested_at', '=', requestedAt), eb('id', '<=', id)]),
        ]),
      )
      .executeTakeFirst();
    return row ? Number(row.n) : null;
  }

  /** Atomic: only a waiting handoff can be taken, by one officer; null when it was not waiting. */
  async take(id: number, officer: string, now = new Date()): Promise<Handoff | null> {
    const row = await this.db
      .updateTable('handoffs')
      .set({ status: 'active', officer, taken_at: now.toISOString() })
      .where('id', '=', id)
      .where('status', '=', 'waiting')
      .returningAll()
      .executeTakeFirst();
    return row ? toHandoff(row) : null;
  }

  /** Ends a handoff held by `officer` (handed back to the bot, or closed); null when that officer does not hold it. */
  async finish(id: number, officer: string, outcome: 'handedBack' | 'closed', now = new Date()): Promise<Handoff | null> {
    const row = await this.db
      .updateTable('handoffs')
      .set({ status: 'closed', outcome, closed_at: now.toISOString() })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .where('officer', '=', officer)
      .returningAll()
      .executeTakeFirst();
    return row ? toHandoff(row) : null;
  }

  /** Hands an active handoff from its holder to another officer; null when `from` does not hold it. */
  async transfer(id: number, from: string, to: string): Promise<Handoff | null> {
    const row = await this.db
      .updateTable('handoffs')
      .set({ officer: to })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .where('officer', '=', from)
      .returningAll()
      .executeTakeFirst();
    return row ? toHandoff(row) : null;
  }

  /** A transcript line by id, or null. */
  async entry(id: number): Promise<TranscriptEntry | null> {
    const row = await this.db.selectFrom('transcript').select(TRANSCRIPT_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row ? toTranscriptEntry(row) : null;
  }

  /** Records what became of an officer's message (and the channel's id of it, for status webhooks). */
  async setDelivery(entryId: number, delivery: Delivery, error: string | null, providerId: string | null = null): Promise<TranscriptEntry | null> {
    const row = await this.db
      .updateTable('transcript')
      .set({ delivery, delivery_error: error, ...(providerId ? { provider_id: providerId } : {}) })
      .where('id', '=', entryId)
      .returning(TRANSCRIPT_COLUMNS)
      .executeTakeFirst();
    return row ? toTranscriptEntry(row) : null;
  }

  /**
   * A channel's receipt for an officer's message, by the channel's id of it: delivered, read, or
   * failed (with the reason). Only ever forwards (a late "delivered" never undoes "read"); null
   * when no officer message has that id or the receipt is not news.
   */
  async receipt(providerId: string, delivery: 'delivered' | 'read' | 'failed', error: string | null): Promise<TranscriptEntry | null> {
    const before: Delivery[] = delivery === 'read' ? ['queued', 'sent', 'delivered'] : delivery === 'delivered' ? ['queued', 'sent'] : ['queued', 'sent', 'delivered'];
    const row = await this.db
      .updateTable('transcript')
      .set({ delivery, delivery_error: delivery === 'failed' ? error : null })
      .where('provider_id', '=', providerId)
      .where('delivery', 'in', before)
      .returning(TRANSCRIPT_COLUMNS)
      .executeTakeFirst();
    return row ? toTranscriptEntry(row) : null;
  }

  /** Records the ticket an officer filed from the console (one per handoff). */
  async recordTicket(id: number, ticket: { itsmNumber: string; apktNumber: string }): Promise<void> {
    await this.db.updateTable('handoffs').set({ itsm_number: ticket.itsmNumber, apkt_number: ticket.apktNumber }).where('id', '=', id).execute();
  }

  /** Appends a line; its text is stored without NUL characters (see transcriptText in storage/transcript.ts). */
  async append(entry: TranscriptInput, now = new Date()): Promise<TranscriptEntry> {
    const [appended] = await appendTranscript(this.statements, [entry], now);
    if (!appended) throw new Error('transcript: insert returned no row');
    return appended;
  }

  /** The latest photo the customer sent since `since` (ISO time), if any. */
  async latestPhoto(conversationKey: string, since: string): Promise<PhotoRef | null> {
    const row = await this.db
      .selectFrom('transcript')
      .select('photo')
      .where('conversation_key', '=', conversationKey)
      .where('sender', '=', 'customer')
      .where('photo', 'is not', null)
      .where('at', '>=', since)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? fromJson<PhotoRef>(row.photo) : null;
  }

  /** The last `limit` lines (default 200), oldest first. */
  async transcript(conversationKey: string, limit = 200): Promise<TranscriptEntry[]> {
    const rows = await this.db.selectFrom('transcript').select(TRANSCRIPT_COLUMNS).where('conversation_key', '=', conversationKey).orderBy('id', 'desc').limit(limit).execute();
    return rows.reverse().map(toTranscriptEntry);
  }

  /** How many handoffs wait in the queue and how many an officer holds (metrics). */
  async countOpen(): Promise<{ waiting: number; active: number }> {
    const rows = await this.db
      .selectFrom('handoffs')
      .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
      .where('status', 'in', ['waiting', 'active'])
      .groupBy('status')
      .execute();
    return { waiting: rows.find((r) => r.status === 'waiting')?.n ?? 0, active: rows.find((r) => r.status === 'active')?.n ?? 0 };
  }
}
