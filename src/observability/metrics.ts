import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { channelIdOf, isBotFrameworkChannel } from '../core/conversationChannel.js';
import type { GraphErrorKind } from '../core/graphErrorKind.js';
import type { HandoffReason } from '../core/handoffReason.js';
import type { DeliveryFailure } from '../storage/contactWindowStore.js';

/** How a message turn ended (see PlnBot.onTurn). */
export type TurnOutcome =
  /** The bot answered, and the answer was handed to the channel. */
  | 'replied'
  /** Nothing to say, or an officer holds the conversation. */
  | 'silent'
  /** A redelivered message id, dropped. */
  | 'duplicate'
  /**
   * The turn threw (the user got an apology), or the channel refused its replies at once (window
   * closed). Replies handed over and refused by Graph later are counted by pln_delivery_failures_total.
   */
  | 'failed';

/** What kind of ticket was filed: a seller application, a complaint, a re-filing, or an officer's from the console. */
export type TicketKind = 'seller' | 'complaint' | 'refile' | 'console';

/** A logical Graph API call after its retries: answered, or given up on. */
export type GraphOutcome = 'ok' | 'failed';

/** Queue depths read at scrape time (cheap COUNT queries), so no counter can drift from the tables. */
export interface QueueDepths {
  outboxPending: number;
  handoffsWaiting: number;
  handoffsActive: number;
}

/**
 * Reads the queue depths at scrape time: synchronously (SQLite) or as a promise (PostgreSQL).
 * See src/observability/queueDepths.ts.
 */
export type QueueDepthsReader = () => QueueDepths | Promise<QueueDepths>;

/** The queues with a dead-letter list: outbound Meta sends (BullMQ) and the ticket outbox. */
export type QueueLabel = 'send' | 'ticket_outbox';
export const QUEUE_LABELS: readonly QueueLabel[] = ['send', 'ticket_outbox'];
export type JobState = 'waiting' | 'active' | 'delayed';
const JOB_STATES: readonly JobState[] = ['waiting', 'active', 'delayed'];

/** Read at scrape time; a queue left out (no Redis, or unreachable) is NaN in that scrape. */
export interface QueueGauges {
  deadLetters: Partial<Record<QueueLabel, number>>;
  jobs: Partial<Record<QueueLabel, Record<JobState, number>>>;
  /**
   * The queues this service has (the send queue and BullMQ jobs only with REDIS_URL): only these
   * are exported, NaN when their count could not be read. Absent: every queue.
   */
  exists?: { deadLetters: QueueLabel[]; jobs: QueueLabel[] };
}

export interface MetricsOptions {
  /** Called on every scrape (once for both gauges) for the outbox and handoff gauges; without it those gauges are not exported. */
  queueDepths?: QueueDepthsReader;
  /** Told when `queueDepths` throws or rejects (e.g. the database is closing); the gauges are then NaN in that scrape, never stale. */
  onError?: (err: unknown) => void;
  /** The dead letters and BullMQ jobs per queue (see queueGaugesFrom); without it those gauges are not exported. */
  queues?: () => Promise<QueueGauges>;
}

/** The narrow views the instrumented parts take (all optional there, so tests run without metrics). */
export type TurnMetrics = Pick<Metrics, 'turn'>;
export type GraphMetrics = Pick<Metrics, 'graphRequest' | 'graphError'>;
export type WebhookMetrics = Pick<Metrics, 'webhook'>;
export type ChannelMetrics = GraphMetrics & WebhookMetrics;
export type HandoffMetrics = Pick<Metrics, 'handoffOpened'>;
export type TicketMetrics = Pick<Metrics, 'ticketFiled'>;

/**
 * Channel ids that get their own label value. Bot Framework activities carry whatever channel id
 * the client sent, so anything else is counted as `other`: label values stay a small fixed set.
 * A Bot Framework conversation (`bf:webchat`) is counted under its channel id, never under a Meta
 * channel's name (`bf:whatsapp` is `other`).
 */
const BOT_FRAMEWORK_CHANNELS: ReadonlySet<string> = new Set(['webchat', 'directline', 'emulator', 'msteams', 'test']);
const KNOWN_CHANNELS: ReadonlySet<string> = new Set(['whatsapp', 'messenger', 'instagram', ...BOT_FRAMEWORK_CHANNELS]);
const TURN_OUTCOMES: readonly TurnOutcome[] = ['replied', 'silent', 'duplicate', 'failed'];
const TICKET_KINDS: readonly TicketKind[] = ['seller', 'complaint', 'refile', 'console'];
const HANDOFF_REASONS: readonly HandoffReason[] = ['asked', 'stuck', 'urgent', 'unplaced'];
const GRAPH_OUTCOMES: readonly GraphOutcome[] = ['ok', 'failed'];
const GRAPH_ERROR_KINDS: readonly GraphErrorKind[] = ['throttled', 'transient', 'windowClosed', 'auth', 'permanent', 'ambiguous'];
const DELIVERY_REASONS: readonly DeliveryFailure['reason'][] = ['windowClosed', 'permanent', 'auth', 'exhausted', 'unconfirmed'];

/** Turn durations from 1 ms (a duplicate dropped) to 5 s (a slow ITSM filing or photo download). */
const TURN_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * The service's Prometheus metrics, in a registry of its own (never prom-client's global one), so
 * several services in one test process do not clash. The recording methods take only values from
 * small fixed sets (channel names, outcomes, kinds, HTTP statuses); anything unexpected is counted
 * as `other`, so no user id, phone number or text can ever become a label.
 *
 * @example
 *   const metrics = new Metrics({ queueDepths: () => ({ outboxPending: 0, handoffsWaiting: 0, handoffsActive: 0 }) });
 *   metrics.turn('whatsapp', 'replied', 0.042);
 *   const text = await metrics.scrape();
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly turns: Counter<'channel' | 'outcome'>;
  private readonly turnDuration: Histogram<'channel'>;
  private readonly ticketsFiled: Counter<'kind'>;
  private readonly handoffsOpened: Counter<'reason'>;
  private readonly graphRequests: Counter<'channel' | 'outcome'>;
  private readonly graphErrors: Counter<'channel' | 'kind'>;
  private readonly webhooks: Counter<'channel' | 'status'>;
  private readonly deliveryFailures: Counter<'channel' | 'reason'>;
  private readonly sendFallbacks: Counter<'channel'>;
  private readonly redeliveriesDropped: Counter<'channel'>;
  private readonly onError: ((err: unknown) => void) | undefined;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });

    this.turns = new Counter({ name: 'pln_turns_total', help: 'Message turns handled, by channel and outcome.', labelNames: ['channel', 'outcome'], registers });
    this.turnDuration = new Histogram({
      name: 'pln_turn_duration_seconds',
      help: 'Time from a message reaching the bot to its replies being handed to the channel.',
      labelNames: ['channel'],
      buckets: TURN_BUCKETS,
      registers,
    });
    this.ticketsFiled = new Counter({ name: 'pln_tickets_filed_total', help: 'Tickets filed, by kind.', labelNames: ['kind'], registers });
    this.handoffsOpened = new Counter({ name: 'pln_handoffs_opened_total', help: 'Handoffs to an officer opened, by reason.', labelNames: ['reason'], registers });
    this.graphRequests = new Counter({
      name: 'pln_graph_requests_total',
      help: 'Graph API calls (after retries), by channel and outcome.',
      labelNames: ['channel', 'outcome'],
      registers,
    });
    this.graphErrors = new Counter({
      name: 'pln_graph_errors_total',
      help: 'Failed Graph API attempts (each retry counts), by channel and error kind.',
      labelNames: ['channel', 'kind'],
      registers,
    });
    this.webhooks = new Counter({ name: 'pln_webhooks_total', help: 'Meta webhook requests answered, by channel and HTTP status.', labelNames: ['channel', 'status'], registers });
    this.deliveryFailures = new Counter({
      name: 'pln_delivery_failures_total',
      help: 'Messages that could not be delivered and will not be retried, by channel and reason.',
      labelNames: ['channel', 'reason'],
      registers,
    });
    this.sendFallbacks = new Counter({
      name: 'pln_send_queue_fallbacks_total',
      help: 'Replies sent inline because the send queue (Redis) could not take them, by channel.',
      labelNames: ['channel'],
      registers,
    });
    this.redeliveriesDropped = new Counter({
      name: 'pln_webhook_redeliveries_dropped_total',
      help: 'Meta messages dropped before the database because their id was already taken (Redis de-duplication set), by channel.',
      labelNames: ['channel'],
      registers,
    });
    // The fully known label sets start at 0, so rate() and increase() see the first event.
    for (const kind of TICKET_KINDS) this.ticketsFiled.inc({ kind }, 0);
    for (const reason of HANDOFF_REASONS) this.handoffsOpened.inc({ reason }, 0);

    const { queueDepths, onError, queues } = options;
    this.onError = onError;
    if (queues) this.watchQueues(queues);
    if (queueDepths) {
      // prom-client collects every metric of a scrape at once: the two gauges share one read.
      let reading: Promise<QueueDepths | null> | null = null;
      const read = (): Promise<QueueDepths | null> => {
        reading ??= readDepths(queueDepths, onError).finally(() => (reading = null));
        return reading;
      };
      new Gauge({
        name: 'pln_ticket_outbox_pending',
        help: 'Confirmed tickets not completely filed yet (ticket_outbox rows not done), read at scrape time.',
        registers,
        async collect() {
          this.set((await read())?.outboxPending ?? Number.NaN);
        },
      });
      new Gauge({
        name: 'pln_handoffs',
        help: 'Open handoffs by status (waiting in the queue, active with an officer), read at scrape time.',
        labelNames: ['status'],
        registers,
        async collect() {
          const depths = await read();
          this.set({ status: 'waiting' }, depths?.handoffsWaiting ?? Number.NaN);
          this.set({ status: 'active' }, depths?.handoffsActive ?? Number.NaN);
        },
      });
    }
  }
  /**
   * Adds the queue gauges (dead letters, BullMQ jobs), read at scrape time from `queues`. Separate
   * from the constructor because the queues are built after the metrics they report to.
   */
  watchQueues(queues: () => Promise<QueueGauges>): void {
    const registers = [this.registry];
    let reading: Promise<QueueGauges | null> | null = null;
    const read = (): Promise<QueueGauges | null> => {
      reading ??= queues()
        .catch((err: unknown) => {
          this.onError?.(err);
          return null;
        })
        .finally(() => (reading = null));
      return reading;
    };
    new Gauge({
      name: 'pln_dead_letters',
      help: 'Jobs given up on and kept for an operator (npm run dead-letters), by queue, read at scrape time.',
      labelNames: ['queue'],
      registers,
      async collect() {
        const gauges = await read();
        for (const queue of gauges?.exists?.deadLetters ?? QUEUE_LABELS) this.set({ queue }, gauges?.deadLetters[queue] ?? Number.NaN);
      },
    });
    new Gauge({
      name: 'pln_queue_jobs',
      help: 'BullMQ jobs by queue and state (REDIS_URL), read at scrape time.',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        const gauges = await read();
        for (const queue of gauges?.exists?.jobs ?? QUEUE_LABELS) for (const state of JOB_STATES) this.set({ queue, state }, gauges?.jobs[queue]?.[state] ?? Number.NaN);
      },
    });
  }


  /** One message turn: its outcome and how long it took, in seconds. */
  turn(channel: string, outcome: TurnOutcome, seconds: number): void {
    const ch = channelLabel(channel);
    this.turns.inc({ channel: ch, outcome: oneOf(outcome, TURN_OUTCOMES) });
    if (Number.isFinite(seconds) && seconds >= 0) this.turnDuration.observe({ channel: ch }, seconds);
  }

  /** A ticket was filed (called from the ticketing code). */
  ticketFiled(kind: TicketKind): void {
    this.ticketsFiled.inc({ kind: oneOf(kind, TICKET_KINDS) });
  }

  /** A new handoff to an officer was opened (not a repeated request for an open one). */
  handoffOpened(reason: HandoffReason): void {
    this.handoffsOpened.inc({ reason: oneOf(reason, HANDOFF_REASONS) });
  }

  /** A logical Graph API call ended, after its retries. */
  graphRequest(channel: string, outcome: GraphOutcome): void {
    this.graphRequests.inc({ channel: channelLabel(channel), outcome: oneOf(outcome, GRAPH_OUTCOMES) });
  }

  /** One failed Graph API attempt (retried or not). */
  graphError(channel: string, kind: GraphErrorKind): void {
    this.graphErrors.inc({ channel: channelLabel(channel), kind: oneOf(kind, GRAPH_ERROR_KINDS) });
  }

  /** A webhook request was answered with `status`. */
  webhook(channel: string, status: number): void {
    this.webhooks.inc({ channel: channelLabel(channel), status: Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'other' });
  }

  /** A reply or notice that will not be delivered (recorded in `delivery_failures`). */
  deliveryFailed(channel: string, reason: DeliveryFailure['reason']): void {
    this.deliveryFailures.inc({ channel: channelLabel(channel), reason: oneOf(reason, DELIVERY_REASONS) });
  }

  /** A reply was sent inline because the send queue could not take it. */
  sendFallback(channel: string): void {
    this.sendFallbacks.inc({ channel: channelLabel(channel) });
  }

  /** A redelivered Meta message was dropped by the Redis de-duplication set. */
  redeliveryDropped(channel: string): void {
    this.redeliveriesDropped.inc({ channel: channelLabel(channel) });
  }

  /** The exposition text, with the gauges read now. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /** `text/plain; version=0.0.4; charset=utf-8`, the Prometheus text format. */
  get contentType(): string {
    return this.registry.contentType;
  }
}

/** The channel as a label value: a known channel id, or `other`. */
export function channelLabel(channel: string): string {
  if (isBotFrameworkChannel(channel)) {
    const id = channelIdOf(channel);
    return BOT_FRAMEWORK_CHANNELS.has(id) ? id : 'other';
  }
  return KNOWN_CHANNELS.has(channel) ? channel : 'other';
}

function oneOf<T extends string>(value: T, allowed: readonly T[]): T | 'other' {
  return allowed.includes(value) ? value : 'other';
}

/** The depths, or null (reported to `onError`) when the reader throws or rejects. */
async function readDepths(queueDepths: QueueDepthsReader, onError: ((err: unknown) => void) | undefined): Promise<QueueDepths | null> {
  try {
    return await queueDepths();
  } catch (err) {
    onError?.(err);
    return null;
  }
}
