import { describe, expect, it } from 'vitest';
import { reviewPeriod } from '../../src/review/period.js';

const t = (s: string): number => Date.parse(s) / 1000;
const iso = (x: number): string => new Date(x * 1000).toISOString();

describe('review periods', () => {
  it('week: the 7 days ending at --at, one slice per calendar day at midnight, previous week before it', () => {
    const p = reviewPeriod('week', t('2026-01-12T00:00:00Z'));
    expect(iso(p.start)).toBe('2026-01-05T00:00:00.000Z');
    expect(p.slices.map((s) => s.label)).toEqual(['Mon 2026-01-05', 'Tue 2026-01-06', 'Wed 2026-01-07', 'Thu 2026-01-08', 'Fri 2026-01-09', 'Sat 2026-01-10', 'Sun 2026-01-11']);
    expect(iso(p.slices[6]!.end)).toBe('2026-01-12T00:00:00.000Z');
    expect([iso(p.previous.start), iso(p.previous.end)]).toEqual(['2025-12-29T00:00:00.000Z', '2026-01-05T00:00:00.000Z']);
    expect(p.history).toEqual([]);
  });

  it('month at a month boundary reviews the whole previous month in 7-day weeks, the last one shorter', () => {
    const p = reviewPeriod('month', t('2026-02-01T00:00:00Z'));
    expect(p.label).toBe('Jan 2026');
    expect([iso(p.start), iso(p.end)]).toEqual(['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z']);
    expect(p.slices).toHaveLength(5);
    expect(p.slices[4]!.end - p.slices[4]!.start).toBe(3 * 86_400);
    expect(p.slices[0]!.label).toBe('Week 1 (01-01–01-07)');
    expect(p.previous.label).toBe('Dec 2025');
    expect(p.history.map((h) => h.label)).toEqual(['Nov 2025', 'Dec 2025', 'Jan 2026']);
    expect(iso(p.history[0]!.end)).toBe('2025-12-01T00:00:00.000Z');
  });

  it('month in the middle of a month reviews the month so far and says so', () => {
    const p = reviewPeriod('month', t('2026-03-10T12:00:00Z'));
    expect(p.label).toBe('Mar 2026 (to 2026-03-10 12:00 UTC)');
    expect(p.slices).toHaveLength(2);
    expect(iso(p.slices[1]!.end)).toBe('2026-03-10T12:00:00.000Z');
    expect(p.previous.label).toBe('Feb 2026');
    expect(p.previous.end - p.previous.start).toBe(28 * 86_400);
  });
});
