/**
 * Why a strict count is NaN, for the gate's "cannot evaluate" reason: which series are unknowable (label sets, at
 * most NAMED_SERIES named, redacted and bounded like all server text) and the scrape gap each straddles the window
 * start with (from its last sample before the start to its first in the window, UTC and duration). Runs only after a
 * count came back NaN: a normal gate run sends none of these queries. docs/gate.md ("Unknowable counts").
 */
import { humanNumber, parseDuration } from '../format.js';
import { firstSampleInWindow, lastSampleBeforeStart, REACH_BACK, type StrictCount, unknowableSeries } from '../promql/counter-increase.js';
import { narrowSelector, renderSelector, selectorMetric } from '../promql/selector.js';
import { spanText, utcTime } from './time.js';

/** Unknowable series named in a reason; the rest are counted. */
export const NAMED_SERIES = 3;
/** Characters of one series' label set kept in a reason. */
export const SERIES_TEXT_LIMIT = 200;
/** Label marking the count of all unknowable series in the listing query's answer. */
const COUNT_LABEL = 'agent_slo_unknowable';

type Series = { readonly labels: Readonly<Record<string, string>>; readonly value: number };
export type SeriesAnswer = { readonly status: 'ok'; readonly series: readonly Series[] } | { readonly status: 'error'; readonly reason: string };

export interface ExplainContext {
  /** One instant query, every series of its answer. */
  run(expr: string, time: number): Promise<SeriesAnswer>;
  /** Server text made safe for a report (redacted, at most `maxChars`). */
  admit(text: string, maxChars: number): string;
}

/** The labels that identify a series in a function's answer (functions drop `__name__`). */
function identity(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).filter(([k]) => k !== '__name__').sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** One unknowable series: its labels, its value in unknowableSeries, and the selector of just that series. */
type Named = Series & { readonly selector: string };

/** Per named series (by identity), the value of a per-series query; the query failed: its reason. */
async function perSeries(ctx: ExplainContext, named: readonly Named[], expr: (selector: string) => string, time: number): Promise<Map<string, number> | string> {
  const a = await ctx.run(named.map((s) => expr(s.selector)).join(' or '), time);
  if (a.status === 'error') return a.reason;
  return new Map(a.series.filter((s) => isTime(s.value)).map((s) => [identity(s.labels), s.value]));
}

/** A server's answer is outside text: only a finite time a Date can hold is read as a sample time. */
function isTime(v: number | undefined): v is number {
  return v !== undefined && Number.isFinite(v) && Math.abs(v) < 8.64e12;
}

/** "from … to … (duration)" of a gap. */
function gapText(from: number, to: number): string {
  return `from ${utcTime(from)} to ${utcTime(to)} (${spanText(to - from)})`;
}

/** The explanation of a NaN strict count over the window ending at `end`; '' when no series is unknowable after all. */
export async function explainUnknowable(ctx: ExplainContext, count: StrictCount, end: number): Promise<string> {
  const windowSeconds = parseDuration(count.window) ?? 0;
  const start = end - windowSeconds;
  const u = unknowableSeries(count.selector, count.window, count.lookback, count.opts);
  const listed = await ctx.run(`topk(${String(NAMED_SERIES)}, ${u}) or label_replace(count(${u}), "${COUNT_LABEL}", "all", "", "")`, end);
  if (listed.status === 'error') return `the unknowable series could not be listed: ${listed.reason}`;
  const counted = listed.series.find((s) => s.labels[COUNT_LABEL] === 'all')?.value;
  const total = counted !== undefined && Number.isFinite(counted) ? counted : 0;
  const named = listed.series
    .filter((s) => s.labels[COUNT_LABEL] === undefined)
    .sort((a, b) => b.value - a.value || (identity(a.labels) < identity(b.labels) ? -1 : 1))
    .slice(0, NAMED_SERIES)
    .map((s): Named => ({ ...s, selector: narrowSelector(count.selector, s.labels) }));
  if (named.length === 0) return '';

  const probe = count.opts.probe === undefined ? count.selector : count.opts.probe;
  const [before, first] = await Promise.all([
    perSeries(ctx, named, (sel) => lastSampleBeforeStart(sel, count.window), end),
    perSeries(ctx, named, (sel) => firstSampleInWindow(sel, count.window), end),
  ]);
  const born = typeof before !== 'string' && named.some((s) => before.get(identity(s.labels)) === undefined);
  // Born inside the gap: the gap is the probe's (the objective's denominator), from its last sample before the start.
  let probeLast: number | undefined;
  if (born && probe !== false) {
    const a = await ctx.run(`max(${lastSampleBeforeStart(probe, count.window, '4m')})`, end);
    const v = a.status === 'ok' ? a.series[0]?.value : undefined;
    probeLast = isTime(v) ? v : undefined;
  }

  const metric = selectorMetric(count.selector) ?? '';
  const texts = named.map((s) => {
    const labels = Object.entries(s.labels).filter(([k]) => k !== '__name__');
    const name = ctx.admit(renderSelector(metric, labels.map(([label, value]) => ({ label, op: '=', value }))), SERIES_TEXT_LIMIT);
    if (typeof before === 'string') return `${name} (its samples around the start could not be read: ${before})`;
    if (typeof first === 'string') return `${name} (its samples around the start could not be read: ${first})`;
    const from = before.get(identity(s.labels));
    const to = first.get(identity(s.labels));
    const seen = to === undefined ? 'no sample found in the window' : `first sample ${utcTime(to)}`;
    if (from === undefined) {
      const gap = probeLast !== undefined && to !== undefined ? `; the objective's denominator was not scraped ${gapText(probeLast, to)}` : '';
      return `${name}: born inside a scrape gap at the start (${seen}, none in the ${REACH_BACK} before the start)${gap}`;
    }
    if (to === undefined) return `${name}: last sample before the start ${utcTime(from)}, ${seen}`;
    if (s.value < 0) return `${name}: restarted inside a scrape gap ${gapText(from, to)} (its first value after the gap is below its last before it)`;
    return `${name}: grew across a scrape gap ${gapText(from, to)}, longer than the ${count.lookback} presence lookback`;
  });
  const more = total > named.length ? `; and ${humanNumber(total - named.length)} more series` : '';
  return `${humanNumber(Math.max(total, named.length))} series unknowable at the window start ${utcTime(start)}: ${texts.join('; ')}${more}`;
}
