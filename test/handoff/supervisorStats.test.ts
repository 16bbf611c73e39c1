import { describe, expect, it } from 'vitest';
import { bucketsOf, localMidnight, queueSeries, sellerFunnel, statsCsv, type SupervisorStats } from '../../src/handoff/supervisorStats.js';

const JAKARTA = 'Asia/Jakarta';

describe('supervisor statistics', () => {
  it("finds the local day's start in the officers' time zone", () => {
    // 2026-12-03 00:30 in Jakarta (UTC+7) is 2026-12-02 17:30 UTC: that day started at 17:00 UTC.
    expect(localMidnight(new Date('2026-12-02T17:30:00Z'), JAKARTA).toISOString()).toBe('2026-12-02T17:00:00.000Z');
    expect(localMidnight(new Date('2026-12-02T16:59:59Z'), JAKARTA).toISOString()).toBe('2026-12-01T17:00:00.000Z');
    expect(localMidnight(new Date('2026-12-02T23:10:00Z'), 'Asia/Jayapura').toISOString()).toBe('2026-12-02T15:00:00.000Z');
  });

  it('buckets today by the hour up to now, and the last 7 days by the day', () => {
    const now = new Date('2026-12-03T02:20:00Z'); // 09:20 in Jakarta
    const today = bucketsOf('today', now, JAKARTA);
    expect(today).toHaveLength(10);
    expect(today[0]?.toISOString()).toBe('2026-12-02T17:00:00.000Z');
    expect(today.at(-1)?.toISOString()).toBe('2026-12-03T02:00:00.000Z');
    const week = bucketsOf('7d', now, JAKARTA);
    expect(week.map((d) => d.toISOString().slice(0, 13))).toEqual(['2026-11-26T17', '2026-11-27T17', '2026-11-28T17', '2026-11-29T17', '2026-11-30T17', '2026-12-01T17', '2026-12-02T17']);
  });

  it('counts customers waiting at the end of each bucket and the median wait of those taken in it', () => {
    const at = (hhmm: string) => `2026-12-03T${hhmm}:00.000Z`;
    const rows = [
      { reason: 'asked', requested_at: at('01:10'), taken_at: at('01:20'), closed_at: at('01:40') }, // waited 10 min, in bucket 01
      { reason: 'urgent', requested_at: at('01:50'), taken_at: at('02:10'), closed_at: null }, // waiting at 02:00, 20 min
      { reason: 'asked', requested_at: at('01:55'), taken_at: null, closed_at: null }, // still waiting
      { reason: 'stuck', requested_at: at('01:30'), taken_at: null, closed_at: at('01:45') }, // left before 02:00
    ];
    const buckets = [new Date(at('01:00')), new Date(at('02:00'))];
    expect(queueSeries(rows, buckets, new Date(at('02:30')), 3600_000)).toEqual([
      { at: at('01:00'), waiting: 2, medianWaitSeconds: 600 },
      { at: at('02:00'), waiting: 1, medianWaitSeconds: 1200 },
    ]);
  });

  it('makes the seller funnel from where applicants stopped and how many were filed', () => {
    const funnel = sellerFunnel(['city', 'city', 'name', 'photo', 'email'], 3);
    expect(Object.fromEntries(funnel.map((f) => [f.step, f.reached]))).toEqual({
      name: 8,
      businessName: 7,
      productType: 7,
      city: 7,
      province: 5,
      phone: 5,
      email: 5,
      photo: 4,
      filed: 3,
    });
  });

  it('writes CSV that a spreadsheet reads as data, never as a formula', () => {
    const stats: SupervisorStats = {
      range: 'today',
      from: '2026-12-02T17:00:00.000Z',
      to: '2026-12-03T02:20:00.000Z',
      timeZone: JAKARTA,
      queue: [{ at: '2026-12-02T17:00:00.000Z', waiting: 3, medianWaitSeconds: null }],
      handoffsByReason: { urgent: 1, stuck: 0, asked: 2, unplaced: 0 },
      ticketsByServiceType: [{ serviceType: '=HYPERLINK("x")', count: 1 }, { serviceType: 'Pendaftaran, seller', count: 2 }],
      ticketsByChannel: [{ channel: 'whatsapp', count: 3 }],
      sellerFunnel: [{ step: 'filed', reached: 2 }],
      completion: { botOnly: 2, officer: 1 },
    };
    const lines = statsCsv(stats).trimEnd().split('\r\n');
    expect(lines[0]).toBe('section,label,value');
    expect(lines).toContain('queue_waiting,2026-12-02T17:00:00.000Z,3');
    expect(lines).toContain('queue_median_wait_seconds,2026-12-02T17:00:00.000Z,');
    expect(lines).toContain('handoffs_by_reason,urgent,1');
    expect(lines).toContain(`tickets_by_service_type,"'=HYPERLINK(""x"")",1`);
    expect(lines).toContain('tickets_by_service_type,"Pendaftaran, seller",2');
    expect(lines).toContain('completion,bot_only,2');
    expect(lines).toContain('completion,officer,1');
  });
});
