/**
 * Review periods (pure, UTC).
 * - week: the 7 days ending at `at`; one slice per 24h (calendar days when `at` is a midnight); previous = the 7 days
 *   before.
 * - month: the calendar month containing the instant just before `at` (so `--at 2026-02-01` reviews all of January,
 *   and a mid-month `at` reviews the month so far); slices are 7-day weeks from the 1st (the last one shorter);
 *   previous = the whole previous calendar month.
 */
export type PeriodKind = 'week' | 'month';

export interface Span {
  /** Seconds since the epoch, inclusive start / end of the window (windows are evaluated as (start, end]). */
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

export interface Period extends Span {
  readonly kind: PeriodKind;
  readonly slices: readonly Span[];
  readonly previous: Span;
  /** month only: the calendar months of the history table, oldest first, ending with this period. */
  readonly history: readonly Span[];
}

const DAY = 86_400;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

function iso(t: number): string {
  return new Date(t * 1000).toISOString();
}

/** "Mon 2026-01-05" at midnight, "2026-01-05 13:20" otherwise (UTC). */
export function dayLabel(start: number): string {
  const d = new Date(start * 1000);
  const date = iso(start).slice(0, 10);
  if (start % DAY === 0) return `${WEEKDAYS[d.getUTCDay()]} ${date}`;
  return `${date} ${iso(start).slice(11, 16)}`;
}

export function monthLabel(start: number): string {
  const d = new Date(start * 1000);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

function monthStart(t: number, offsetMonths = 0): number {
  const d = new Date(t * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offsetMonths, 1) / 1000;
}

/** The review period of `kind` ending at `at` (seconds). */
export function reviewPeriod(kind: PeriodKind, at: number, historyMonths = 3): Period {
  if (kind === 'week') {
    const start = at - 7 * DAY;
    const slices = Array.from({ length: 7 }, (_, i) => {
      const s = start + i * DAY;
      return { start: s, end: s + DAY, label: dayLabel(s) };
    });
    return {
      kind,
      start,
      end: at,
      label: `${iso(start).slice(0, 16).replace('T', ' ')} → ${iso(at).slice(0, 16).replace('T', ' ')} UTC`,
      slices,
      previous: { start: start - 7 * DAY, end: start, label: 'previous 7 days' },
      history: [],
    };
  }
  const start = monthStart(at - 0.001);
  const nextStart = monthStart(start, 1);
  const end = Math.min(at, nextStart);
  const partial = end < nextStart;
  const label = partial ? `${monthLabel(start)} (to ${iso(end).slice(0, 16).replace('T', ' ')} UTC)` : monthLabel(start);
  const slices: Span[] = [];
  for (let s = start, i = 1; s < end; s += 7 * DAY, i++) {
    const e = Math.min(s + 7 * DAY, end);
    slices.push({ start: s, end: e, label: `Week ${i} (${iso(s).slice(5, 10)}–${iso(e - 1).slice(5, 10)})` });
  }
  const prevStart = monthStart(start, -1);
  const history: Span[] = [];
  for (let k = historyMonths - 1; k >= 1; k--) {
    const s = monthStart(start, -k);
    history.push({ start: s, end: monthStart(start, -k + 1), label: monthLabel(s) });
  }
  history.push({ start, end, label });
  return { kind, start, end, label, slices, previous: { start: prevStart, end: start, label: monthLabel(prevStart) }, history };
}
