import type { Kysely } from 'kysely';
import { FORM_FIELDS, type Step } from '../../dialogs/application.js';
import { SELLER_REGISTRATION } from '../../dialogs/catalog.js';
import { HANDOFF_PRIORITY, type HandoffReason } from '../core/handoffReason.js';
import type { Schema } from '../storage/schema.js';
import { fromJson } from '../storage/schema.js';

/**
 * What the supervisor view shows, read from the tables the service already keeps (no event log of
 * its own): the queue over time and handoffs by reason (handoffs), tickets by service type,
 * channel and who filed them (itsm_tickets), and where seller applicants stop (the forms still
 * open in conversations, against the applications filed).
 */

export type StatsRange = 'today' | '7d';

export interface QueuePoint {
  /** Start of the bucket (ISO); an hour for today, a day for the last 7 days. */
  at: string;
  /** Customers waiting at the end of the bucket (or now, for the current one). */
  waiting: number;
  /** Median wait of the handoffs taken in the bucket, in seconds; null when none was taken. */
  medianWaitSeconds: number | null;
}

export interface SupervisorStats {
  range: StatsRange;
  from: string;
  to: string;
  timeZone: string;
  queue: QueuePoint[];
  handoffsByReason: Record<HandoffReason, number>;
  ticketsByServiceType: Array<{ serviceType: string; count: number }>;
  ticketsByChannel: Array<{ channel: string; count: number }>;
  /** Seller applications: how many reached each question, and were filed. */
  sellerFunnel: Array<{ step: Step | 'filed'; reached: number }>;
  /** Applications and complaints filed by the bot alone, and by an officer. */
  completion: { botOnly: number; officer: number };
}

/** A form untouched this long counts as abandoned at its current question. */
export const ABANDONED_AFTER_MS = 30 * 60_000;
const SELLER_CATALOG_NUMBER = SELLER_REGISTRATION.catalogNumber;
const SELLER_STEPS: readonly Step[] = [...FORM_FIELDS.seller, 'photo'];

/** The start of the local day of `at` in `timeZone` (Indonesia has no daylight saving: one offset a day). */
export function localMidnight(at: Date, timeZone: string): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offsetMs = asUtc - Math.floor(at.getTime() / 1000) * 1000;
  return new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)) - offsetMs);
}

/** The buckets of a range: hours since local midnight (today), or the last 7 local days. */
export function bucketsOf(range: StatsRange, now: Date, timeZone: string): Date[] {
  const midnight = localMidnight(now, timeZone);
  if (range === 'today') {
    const hours = Math.floor((now.getTime() - midnight.getTime()) / 3600_000) + 1;
    return Array.from({ length: hours }, (_, i) => new Date(midnight.getTime() + i * 3600_000));
  }
  return Array.from({ length: 7 }, (_, i) => new Date(midnight.getTime() - (6 - i) * 86_400_000));
}

interface HandoffRow {
  reason: string;
  requested_at: string;
  taken_at: string | null;
  closed_at: string | null;
}

/** The queue over the buckets: customers waiting at each bucket's end, and the median wait of those taken in it. */
export function queueSeries(rows: HandoffRow[], buckets: Date[], now: Date, bucketMs: number): QueuePoint[] {
  return buckets.map((start) => {
    const end = Math.min(start.getTime() + bucketMs, now.getTime());
    let waiting = 0;
    const waits: number[] = [];
    for (const r of rows) {
      const requested = Date.parse(r.requested_at);
      const taken = r.taken_at ? Date.parse(r.taken_at) : null;
      const closed = r.closed_at ? Date.parse(r.closed_at) : null;
      if (requested <= end && (taken === null || taken > end) && (closed === null || closed > end)) waiting += 1;
      if (taken !== null && taken >= start.getTime() && taken < start.getTime() + bucketMs) waits.push((taken - requested) / 1000);
    }
    return { at: start.toISOString(), waiting, medianWaitSeconds: median(waits) };
  });
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return Math.round(sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2);
}

/** How many seller applicants reached each question: those who stopped there or later, and those filed. */
export function sellerFunnel(stoppedAt: Step[], filed: number): SupervisorStats['sellerFunnel'] {
  const index = stoppedAt.map((step) => SELLER_STEPS.indexOf(step)).filter((i) => i >= 0);
  return [
    ...SELLER_STEPS.map((step, i) => ({ step, reached: filed + index.filter((at) => at >= i).length })),
    { step: 'filed' as const, reached: filed },
  ];
}

/** The figures of the supervisor view, computed from the service's tables. */
export class SupervisorStatsStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly options: { timeZone: string; botOfficerName: string; now?: () => Date },
  ) {}

  async stats(range: StatsRange): Promise<SupervisorStats> {
    const now = this.options.now?.() ?? new Date();
    const { timeZone, botOfficerName } = this.options;
    const buckets = bucketsOf(range, now, timeZone);
    const from = buckets[0] ?? now;
    const fromIso = from.toISOString();
    const [handoffs, tickets, forms] = await Promise.all([
      this.db
        .selectFrom('handoffs')
        .select(['reason', 'requested_at', 'taken_at', 'closed_at'])
        .where('requested_at', '<=', now.toISOString())
        .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', fromIso)]))
        .execute(),
      this.db.selectFrom('itsm_tickets').select(['service_type', 'channel', 'officer', 'catalog_number']).where('created_at', '>=', fromIso).execute(),
      this.db.selectFrom('conversations').select(['snapshot', 'updated_at']).where('updated_at', '>=', from.getTime()).where('updated_at', '<=', now.getTime() - ABANDONED_AFTER_MS).execute(),
    ]);
    const byReason = Object.fromEntries(Object.keys(HANDOFF_PRIORITY).map((r) => [r, 0])) as Record<HandoffReason, number>;
    for (const h of handoffs) if (h.requested_at >= fromIso && h.reason in byReason) byReason[h.reason as HandoffReason] += 1;
    const stoppedAt: Step[] = [];
    for (const row of forms) {
      const application = fromJson<{ context?: { application?: { kind?: string; current?: Step } | null } }>(row.snapshot)?.context?.application;
      if (application?.kind === 'seller' && application.current) stoppedAt.push(application.current);
    }
    const sellerFiled = tickets.filter((t) => t.catalog_number === SELLER_CATALOG_NUMBER).length;
    const botOnly = tickets.filter((t) => t.officer === botOfficerName).length;
    return {
      range,
      from: fromIso,
      to: now.toISOString(),
      timeZone,
      queue: queueSeries(handoffs, buckets, now, range === 'today' ? 3600_000 : 86_400_000),
      handoffsByReason: byReason,
      ticketsByServiceType: countBy(tickets.map((t) => t.service_type)).map(([serviceType, count]) => ({ serviceType, count })),
      ticketsByChannel: countBy(tickets.map((t) => t.channel)).map(([channel, count]) => ({ channel, count })),
      sellerFunnel: sellerFunnel(stoppedAt, sellerFiled),
      completion: { botOnly, officer: tickets.length - botOnly },
    };
  }
}

/** [value, count] pairs, most frequent first (ties by value). */
function countBy(values: string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** The figures as CSV (section, label, value), for a spreadsheet; labels are quoted when needed. */
export function statsCsv(stats: SupervisorStats): string {
  const rows: Array<[string, string, string | number]> = [['section', 'label', 'value']];
  for (const p of stats.queue) {
    rows.push(['queue_waiting', p.at, p.waiting]);
    rows.push(['queue_median_wait_seconds', p.at, p.medianWaitSeconds ?? '']);
  }
  for (const [reason, n] of Object.entries(stats.handoffsByReason)) rows.push(['handoffs_by_reason', reason, n]);
  for (const t of stats.ticketsByServiceType) rows.push(['tickets_by_service_type', t.serviceType, t.count]);
  for (const t of stats.ticketsByChannel) rows.push(['tickets_by_channel', t.channel, t.count]);
  for (const f of stats.sellerFunnel) rows.push(['seller_funnel', f.step, f.reached]);
  rows.push(['completion', 'bot_only', stats.completion.botOnly], ['completion', 'officer', stats.completion.officer]);
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** A CSV cell (RFC 4180), and never a formula a spreadsheet would run (a leading = + - @). */
function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
