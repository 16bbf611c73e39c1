import { randomUUID } from 'node:crypto';
import { pseudonym, type Logger } from '../../log.js';
import { createSendQueue } from '../../storage/redis/outboundQueue.js';
import { QueueFront } from '../../storage/redis/queueFront.js';
import type { OrderedQueue, SendJob } from '../../storage/redis/queueTypes.js';
import { GraphApiError, type GraphErrorKind } from './graphErrors.js';
import type { MetaAdapter, SendOptions, SendRoute } from './metaAdapter.js';
import type { MetaChannel, OutboundReply } from './types.js';

/**
 * Shard queues: how many users' sends run at once across all instances (one at a time per shard,
 * so that each user's replies keep their order). Every instance runs a worker per shard.
 */
const SHARDS = 32;

/** How often the replies queued here and not yet seen sent are looked up (those the worker here sent are ticked off at once). */
const WATCH_EVERY_MS = 250;

/** How long a queued turn reply may wait while Redis is unreachable before it is sent inline. */
const STRANDED_AFTER_MS = 3_000;

/** How long a proactive send (an officer's reply, a notice) waits for its queued delivery. */
const DELIVERY_WAIT_MS = 45_000;

const TAG = /^\[graph (throttled|transient|windowClosed|auth|permanent|ambiguous) (\d+) (-?\d+|-) (-?\d+|-)\] /;

/** `[graph <kind> <status> <code> <subcode>]`, the head of a dead send's failed reason. */
function tagOf(err: GraphApiError): string {
  return `[graph ${err.kind} ${err.status} ${err.code ?? '-'} ${err.subcode ?? '-'}]`;
}

/** The Graph error a dead send's failed reason describes (a plain Error for anything else). */
export function graphErrorOf(reason: string): Error {
  const m = TAG.exec(reason);
  if (!m) return new Error(reason || 'queued send failed');
  const num = (s: string | undefined) => (s === undefined || s === '-' ? null : Number(s));
  return new GraphApiError(m[1] as GraphErrorKind, Number(m[2]), num(m[3]), num(m[4]), reason.slice(m[0].length));
}

/** What a queued send carries besides the channel and the user. */
export interface QueuedReply {
  reply: OutboundReply;
  humanAgent: boolean;
  /** Which queueing this is (random): the instance that queued it learns at once when its own worker sent it. */
  ref?: string;
  /** The reply's id in the send ledger (a turn's reply): a job run again after its worker died is not sent twice. */
  dedupeId?: string;
}

export interface MetaSendQueueOptions {
  /** Redis URL (the queue opens its own connections). */
  connection: string;
  /** BullMQ key prefix (no trailing colon), e.g. `pln123`. */
  prefix: string;
  /** Tries per reply, the first included; each try is a Graph call with Graph's own retries. */
  attempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Told when a reply is sent inline because the queue could not take it. */
  onFallback?: (channel: MetaChannel) => void;
  /** Run workers here (default true); false for a producer-only process (scripts). */
  work?: boolean;
}

/**
 * The Meta channels' outbound sends through a BullMQ queue (REDIS_URL): each reply is a job on
 * the ordered queue keyed `<channel>:<userId>`, so one user's replies go out in order whichever
 * instance queued them, and every instance's workers send them. A reply that keeps failing (Graph
 * refusing it, or Graph unreachable through all attempts) lands in the dead-letter list and is
 * recorded as a delivery failure, like an inline send that failed.
 *
 * The 24-hour window is checked by the adapter before a reply is queued. If the queue cannot take
 * a reply (Redis away), it is sent inline at once (logged, counted): a reply is never dropped.
 */
export class MetaSendQueue extends QueueFront<SendJob> implements SendRoute {
  private readonly adapters = new Map<string, MetaAdapter>();
  protected readonly queue: OrderedQueue<SendJob>;
  /**
   * Turn replies this instance queued that may not be done yet, with what to send should Redis lose
   * them; by `ref` (see QueuedReply), so the worker here can tick off at once what it sent.
   */
  private readonly pending = new Map<string, { id: string; adapter: MetaAdapter; userId: string; reply: OutboundReply; options: SendOptions; queuedAt: number }>();
  private watching: NodeJS.Timeout | null = null;
  private lastFallbackWarnAt = 0;

  constructor(private readonly options: MetaSendQueueOptions) {
    super();
    this.queue = createSendQueue({
      connection: options.connection,
      prefix: options.prefix,
      attempts: options.attempts,
      backoffMs: options.backoffMs,
      maxBackoffMs: options.maxBackoffMs,
      // A crashed instance's running send is taken over within about 15 s.
      lockDurationMs: 10_000,
      shards: SHARDS,
      work: options.work ?? true,
      log: options.log,
      process: (job) => this.deliver(job),
      isPermanent: (error) => error instanceof GraphApiError && !error.retryable,
      onDeadLetter: (job, error) => this.adapterOf(job.channel)?.recordSendFailure(job.userId, error) ?? Promise.resolve(),
    });
  }

  /** Routes the adapter's sends through the queue; its channel's jobs are sent by its `sendNow`. */
  attach(adapter: MetaAdapter): this {
    this.adapters.set(adapter.channel, adapter);
    adapter.routeSends(this);
    return this;
  }

  async send(adapter: MetaAdapter, userId: string, reply: OutboundReply, options: SendOptions & { awaitDelivery?: boolean }): Promise<string[]> {
    const ref = randomUUID();
    const payload: QueuedReply = { reply, humanAgent: options.humanAgent, ref, ...(options.dedupeId ? { dedupeId: options.dedupeId } : {}) };
    const job: SendJob = { channel: adapter.channel, userId, payload };
    let id: string;
    try {
      id = await this.queue.enqueue(job, options.dedupeId ? { jobId: options.dedupeId } : {});
    } catch (err) {
      this.options.onFallback?.(adapter.channel);
      if (Date.now() - this.lastFallbackWarnAt > 10_000) {
        this.lastFallbackWarnAt = Date.now();
        this.options.log.warn({ channel: adapter.channel, user: pseudonym(userId), err: err instanceof Error ? err.message : String(err) }, 'send queue unreachable; sending inline');
      }
      return adapter.sendRecorded(userId, reply, options);
    }
    if (options.awaitDelivery) {
      // Recorded by the worker already when it failed; rethrown as the Graph error it was.
      const outcome = await this.queue.outcome(id, DELIVERY_WAIT_MS);
      if (outcome.state === 'failed') throw graphErrorOf(outcome.reason);
      if (outcome.state === 'completed') return [id];
      // Not known to be delivered (Redis away, or still retrying): watched like a turn's reply.
    }
    // Sent already by the worker here (it can be that quick): nothing to watch.
    if (this.sentHere.delete(ref)) return [id];
    this.pending.set(ref, { id, adapter, userId, reply, options: { humanAgent: options.humanAgent, ...(options.dedupeId ? { dedupeId: options.dedupeId } : {}) }, queuedAt: Date.now() });
    // A bound, should the watch fall behind: the oldest are forgotten first.
    if (this.pending.size > 10_000) this.pending.delete(this.pending.keys().next().value as string);
    this.watch();
    return [id];
  }

  async idle(timeoutMs = 15_000): Promise<void> {
    const watched = [...this.pending.keys()];
    await this.queue.settled([...this.pending.values()].map((sent) => sent.id), timeoutMs);
    await this.checkPending();
    for (const ref of watched) this.pending.delete(ref);
  }

  /** Refs sent by the worker here before their queueing call returned (bounded). */
  private readonly sentHere = new Set<string>();

  /** The worker here sent the reply queued as `ref`: the instance that queued it, if this one, stops watching it. */
  private sentByThisInstance(ref: string | undefined): void {
    if (!ref || this.pending.delete(ref)) return;
    this.sentHere.add(ref);
    if (this.sentHere.size > 1_000) this.sentHere.delete(this.sentHere.values().next().value as string);
  }

  /**
   * A turn's replies are handed to the queue without waiting for their delivery; this watch, every
   * quarter of a second while any is outstanding, forgets those delivered or dead and sends inline those that
   * will not be sent: lost by Redis (a restart without persistence empties the queue), or still
   * queued while Redis has been unreachable (no worker can send them; the service keeps answering
   * inline meanwhile). Never dropped: should Redis come back with the job after all, the send
   * ledger stops the second send of a turn's reply (a proactive one, with no ledger id, is sent
   * twice); and a reply sent inline this way may arrive after a later one.
   */
  private watch(): void {
    if (this.watching) return;
    this.watching = setInterval(() => {
      if (this.pending.size === 0) {
        if (this.watching) clearInterval(this.watching);
        this.watching = null;
        return;
      }
      void this.checkPending().catch((err: unknown) => this.options.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'send queue: watch of queued replies failed'));
    }, WATCH_EVERY_MS);
    this.watching.unref();
  }

  private checking: Promise<void> | null = null;

  private checkPending(): Promise<void> {
    this.checking ??= (async () => {
      for (const [ref, sent] of [...this.pending]) {
        const state = await this.queue.stateOf(sent.id);
        if (!this.pending.has(ref)) continue; // sent by the worker here meanwhile
        if (state === 'pending' || (state === 'unreachable' && Date.now() - sent.queuedAt < STRANDED_AFTER_MS)) continue;
        this.pending.delete(ref);
        if (state === 'completed' || state === 'failed') continue;
        this.options.onFallback?.(sent.adapter.channel);
        this.options.log.warn(
          { channel: sent.adapter.channel, user: pseudonym(sent.userId), why: state },
          state === 'lost' ? 'send queue: a queued reply was lost by Redis; sending it inline' : 'send queue: Redis unreachable with a reply still queued; sending it inline',
        );
        await sent.adapter.sendRecorded(sent.userId, sent.reply, sent.options).catch(() => undefined); // a failure is recorded by the adapter
      }
    })().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  retryDeadLetter(id: string): Promise<boolean> {
    return this.queue.retryDeadLetter(id);
  }

  override close(): Promise<void> {
    for (const adapter of this.adapters.values()) adapter.routeSends(null);
    if (this.watching) clearInterval(this.watching);
    this.watching = null;
    return super.close();
  }

  private async deliver(job: SendJob): Promise<void> {
    const adapter = this.adapterOf(job.channel);
    if (!adapter) throw new GraphApiError('permanent', 0, null, null, `the ${job.channel} channel is off on this instance`);
    const { reply, humanAgent, ref, dedupeId } = job.payload as QueuedReply;
    try {
      // A turn's reply the ledger knows as attempted (this job run again after its worker died
      // mid-send, or sent inline meanwhile) is not sent again: the job is done.
      await adapter.sendOnce(job.userId, reply, { humanAgent, ...(dedupeId ? { dedupeId } : {}) });
      this.sentByThisInstance(ref);
    } catch (err) {
      // Graph did not answer: it may have delivered the reply, which is not sent again. Recorded
      // as unconfirmed, and the job is done (not a dead letter: nothing to retry).
      if (err instanceof GraphApiError && err.kind === 'ambiguous') {
        await adapter.recordSendFailure(job.userId, err);
        this.sentByThisInstance(ref);
        return;
      }
      // The kind goes into the message (BullMQ keeps only that), for a waiting sender to rebuild it.
      if (err instanceof GraphApiError) throw new GraphApiError(err.kind, err.status, err.code, err.subcode, `${tagOf(err)} ${err.message}`);
      throw err;
    }
  }

  private adapterOf(channel: string): MetaAdapter | undefined {
    return this.adapters.get(channel);
  }
}
