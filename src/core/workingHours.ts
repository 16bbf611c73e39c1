import type { Locale } from '../i18n/messages.js';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
type Day = (typeof DAYS)[number];

interface Segment {
  days: ReadonlySet<number>;
  /** Minutes after local midnight; `end` may be 1440 ("24:00"). */
  start: number;
  end: number;
}

const INTL_LOCALE: Record<Locale, string> = { id: 'id-ID', en: 'en-GB' };

/**
 * When officers are on duty, in one time zone: `OFFICER_HOURS` such as
 * `mon-fri 08:00-17:00; sat 08:00-12:00`, or `always`. The queue message uses it to tell a customer
 * who asks at night when officers are back (and that the form can go on meanwhile).
 *
 * @example WorkingHours.parse('mon-fri 08:00-17:00', 'Asia/Jakarta').isOpen(new Date())
 */
export class WorkingHours {
  private constructor(
    private readonly segments: readonly Segment[] | null,
    readonly timeZone: string,
  ) {}

  static parse(spec: string, timeZone: string): WorkingHours {
    new Intl.DateTimeFormat('en', { timeZone }); // throws RangeError on an unknown zone
    const text = spec.trim().toLowerCase();
    if (text === 'always' || text === '24/7') return new WorkingHours(null, timeZone);
    const segments = text.split(/[;,]/).map((part) => part.trim()).filter(Boolean).map(parseSegment);
    if (segments.length === 0) throw new Error('OFFICER_HOURS is empty');
    return new WorkingHours(segments, timeZone);
  }

  get alwaysOpen(): boolean {
    return this.segments === null;
  }

  isOpen(at: Date): boolean {
    if (!this.segments) return true;
    const local = localParts(at, this.timeZone);
    const minute = local.hour * 60 + local.minute;
    return this.segments.some((s) => s.days.has(local.weekday) && minute >= s.start && minute < s.end);
  }

  /** The next time officers come on duty after `at`; null when always on duty. */
  nextOpening(at: Date): Date | null {
    if (!this.segments) return null;
    const local = localParts(at, this.timeZone);
    let best: Date | null = null;
    for (let offset = 0; offset <= 7; offset++) {
      const weekday = (local.weekday + offset) % 7;
      for (const segment of this.segments) {
        if (!segment.days.has(weekday)) continue;
        const candidate = zonedInstant(local.year, local.month, local.day + offset, segment.start, this.timeZone);
        if (candidate.getTime() > at.getTime() && (!best || candidate < best)) best = candidate;
      }
      if (best) return best;
    }
    return best;
  }

  /** "Senin–Jumat 08.00–17.00 WIB" in the customer's language. */
  describe(locale: Locale): string {
    if (!this.segments) return '24/7';
    const zone = zoneName(locale, this.timeZone);
    return this.segments.map((s) => `${dayRange(s.days, locale)} ${clock(s.start, locale)}–${clock(s.end, locale)}`).join(', ') + ` ${zone}`;
  }

  /** "Senin, 30 November 08.00 WIB" in the customer's language. */
  formatMoment(at: Date, locale: Locale): string {
    return new Intl.DateTimeFormat(INTL_LOCALE[locale], {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: this.timeZone,
      timeZoneName: 'short',
    }).format(at);
  }
}

function parseSegment(part: string): Segment {
  const m = /^([a-z]{3})(?:-([a-z]{3}))?\s+(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(part);
  const from = DAYS.indexOf((m?.[1] ?? '') as Day);
  const to = m?.[2] ? DAYS.indexOf(m[2] as Day) : from;
  if (!m || from < 0 || to < 0) throw new Error(`OFFICER_HOURS: cannot read "${part}" (expected e.g. "mon-fri 08:00-17:00")`);
  const start = Number(m[3]) * 60 + Number(m[4]);
  const end = Number(m[5]) * 60 + Number(m[6]);
  if (Number(m[4]) > 59 || Number(m[6]) > 59 || start >= end || end > 24 * 60) throw new Error(`OFFICER_HOURS: "${part}" is not a valid time range`);
  const days = new Set<number>();
  for (let d = from; ; d = (d + 1) % 7) {
    days.add(d);
    if (d === to) break;
  }
  return { days, start, end };
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

function localParts(at: Date, timeZone: string): LocalParts {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    weekday: 'short',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    weekday: DAYS.indexOf(get('weekday').toLowerCase().slice(0, 3) as Day),
  };
}

/** The instant at which the zone's wall clock shows that date and minute (two passes settle DST). */
function zonedInstant(year: number, month: number, day: number, minuteOfDay: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, Math.floor(minuteOfDay / 60), minuteOfDay % 60);
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const p = localParts(new Date(guess), timeZone);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
    guess += wall - shown;
  }
  return new Date(guess);
}

function dayName(day: number, locale: Locale): string {
  // 2023-01-01 was a Sunday.
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2023, 0, 1 + day)));
}

function dayRange(days: ReadonlySet<number>, locale: Locale): string {
  const sorted = [...days];
  const first = sorted[0] ?? 0;
  const last = sorted[sorted.length - 1] ?? first;
  return sorted.length === 1 ? dayName(first, locale) : `${dayName(first, locale)}–${dayName(last, locale)}`;
}

function clock(minutes: number, locale: Locale): string {
  const sep = locale === 'id' ? '.' : ':';
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}${sep}${String(minutes % 60).padStart(2, '0')}`;
}

function zoneName(locale: Locale, timeZone: string): string {
  const parts = new Intl.DateTimeFormat(INTL_LOCALE[locale], { timeZone, timeZoneName: 'short' }).formatToParts(new Date(Date.UTC(2026, 0, 15)));
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}
