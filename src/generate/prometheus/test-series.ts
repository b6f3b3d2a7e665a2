/**
 * Synthetic input series for the generated promtool tests: from "traffic" per phase (events per minute and the
 * SLI value wanted) to raw counter/histogram series that match the objective's selectors, in promtool's
 * expanding notation. Pure.
 */
import { histogramSeries, type Matcher } from '../../conventions.js';
import { goFormatG } from '../../promql/le.js';
import { renderSelector } from '../../promql/selector.js';
import { type EventSelector, type Objective, type Profile, unitScale } from '../../profile/model.js';
import { histogramBounds, roundBound } from '../../sli/queries.js';

/** One phase of constant traffic. */
export interface Phase {
  readonly minutes: number;
  /** Denominator events per minute. */
  readonly perMinute: number;
  /** SLI value (ratio, average, per-event value); for quantiles unused. */
  readonly value?: number;
  /** Quantiles: fraction of events at or below each threshold value (objective unit). */
  readonly fractions?: ReadonlyMap<number, number>;
  /** Error-budget bad ratio (histogram budgets: share of events above the target). */
  readonly budgetBad?: number;
  /** Zero tolerance: bad events in this phase, added at its first minute. Escalation condition: events likewise. */
  readonly badEvents?: number;
  /** Series absent during this phase. */
  readonly absent?: boolean;
}

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** `le` spelling styles a test can use: JS exporter (`30`), Go (`5e+08`), Prometheus 3 (`30.0`). */
export type LeStyle = 'js' | 'go' | 'prom3';

function leText(v: number, style: LeStyle): string {
  if (style === 'go') return goFormatG(v);
  if (style === 'prom3') {
    const g = goFormatG(v);
    return /[.e]/.test(g) ? g : `${g}.0`;
  }
  return String(v);
}

function num(v: number): string {
  return String(Number(v.toPrecision(12)));
}

/**
 * A counter series from per-phase increments per minute (and one-off jumps at a phase's first minute). The first
 * phase holds the start value 0 at t=0 and then runs its minutes (t=1..m); later phases follow minute by minute.
 * A series that starts after an absent phase begins with its first step's value (a counter born with its first
 * events, which increase() alone cannot see; the count counts it from zero).
 * With `perMinute` samples per minute (a scrape interval of 60/k s), the samples at whole minutes are the same and
 * k − 1 samples between two of them step linearly (a jump lands in the last step before its minute); the minute
 * after an absent one has no samples before its whole-minute sample.
 */
function counterValues(phases: readonly Phase[], perMinute: (p: Phase) => number, jump: (p: Phase) => number = () => 0, samplesPerMinute = 1): string {
  const k = samplesPerMinute;
  const parts: string[] = [];
  let blanks = 0;
  const push = (text: string): void => {
    if (blanks > 0) parts.push(`_x${String(blanks)}`);
    blanks = 0;
    parts.push(text);
  };
  /** `n` samples from `from` in steps of `step` (promtool's expanding notation). */
  const run = (from: number, step: number, n: number): void => {
    if (n >= 1) push(`${num(from)}+${num(step)}x${String(n - 1)}`);
  };
  let value = 0;
  let started = false;
  let afterGap = false;
  phases.forEach((p, i) => {
    if (p.absent === true) {
      // A first phase covers t = 0..m−1 when absent (t = 0..m otherwise), a later one the next m minutes.
      blanks += i === 0 ? (p.minutes - 1) * k + 1 : p.minutes * k;
      afterGap = true;
      return;
    }
    const inc = perMinute(p);
    if (!started && i === 0) push('0');
    started = true;
    if (afterGap) blanks += k - 1;
    else run(value + inc / k, inc / k, k - 1);
    afterGap = false;
    value += inc + jump(p);
    push(num(value));
    run(value + inc / k, inc / k, (p.minutes - 1) * k);
    value += inc * (p.minutes - 1);
  });
  if (blanks > 0) parts.push(`_x${String(blanks)}`);
  return parts.join(' ');
}

function labelsText(metric: string, labels: Readonly<Record<string, string>>): string {
  return renderSelector(metric, Object.entries(labels).filter(([, v]) => v !== '').map(([label, value]) => ({ label, op: '=', value })));
}

/** Labels that satisfy the matchers (`!=`/`!~` get a value of their own). */
function labelsFor(matchers: readonly Matcher[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of matchers) {
    if (m.op === '=') out[m.label] = m.value;
    else if (m.op === '=~') out[m.label] = m.value.split('|')[0]!.replace(/\\(.)/g, '$1');
    else out[m.label] = m.value === '' ? 'test_value' : `not_${m.value}`;
  }
  return out;
}

/** The label value a complement series (events not matching `m`) carries. */
function complementValue(m: Matcher, hint: readonly EventSelector[]): string {
  for (const h of hint) {
    if (h.kind !== 'series') continue;
    const other = h.matchers.find((x) => x.label === m.label && x.op === '=' && x.value !== m.value);
    if (other !== undefined) return other.value;
  }
  if (m.op === '=') return m.value === '' ? 'test_error' : `not_${m.value}`;
  return m.op === '!=' ? m.value : '';
}

/** True when no series can match both matcher lists (one label required equal to two different values). */
function disjoint(a: readonly Matcher[], b: readonly Matcher[]): boolean {
  return a.some((m) => m.op === '=' && b.some((x) => x.label === m.label && x.op === '=' && x.value !== m.value));
}

export interface SeriesOptions {
  readonly leStyle?: LeStyle;
  /** Samples per minute (default 1: a 1m scrape interval); see counterValues. */
  readonly samplesPerMinute?: number;
}

/** Input series for `objective` over `phases` (must be series selectors; user PromQL cannot be synthesised). */
export function objectiveSeries(profile: Profile, o: Objective, phases: readonly Phase[], opts: SeriesOptions = {}): InputSeries[] {
  const scope = labelsFor(profile.selector);
  const out: InputSeries[] = [];
  const s = o.sli;
  const sel = (e: EventSelector): { metric: string; matchers: readonly Matcher[] } => {
    if (e.kind !== 'series') throw new Error(`objective ${o.name}: PromQL event sources cannot be simulated`);
    return e;
  };
  const hints: EventSelector[] = o.escalation?.kind === 'condition' ? [o.escalation.events] : [];
  const zeroInc = () => 0;
  const counter = (perMinute: (p: Phase) => number, jump?: (p: Phase) => number): string => counterValues(phases, perMinute, jump, opts.samplesPerMinute);
  const split = (numSel: EventSelector, totalSel: EventSelector, share: (p: Phase) => number, numJump: (p: Phase) => number = zeroInc, compJump: (p: Phase) => number = zeroInc): void => {
    const n = sel(numSel);
    const t = sel(totalSel);
    if (n.metric === t.metric && !disjoint(n.matchers, t.matchers)) {
      const extra = n.matchers.filter((m) => !t.matchers.some((x) => x.label === m.label && x.op === m.op && x.value === m.value));
      const numLabels = { ...scope, ...labelsFor(t.matchers), ...labelsFor(extra) };
      const compLabels = { ...scope, ...labelsFor(t.matchers), ...Object.fromEntries(extra.map((m) => [m.label, complementValue(m, hints)])) };
      out.push({ series: labelsText(n.metric, numLabels), values: counter((p) => p.perMinute * share(p), numJump) });
      out.push({ series: labelsText(n.metric, compLabels), values: counter((p) => p.perMinute * (1 - share(p)), compJump) });
    } else {
      out.push({ series: labelsText(n.metric, { ...scope, ...labelsFor(n.matchers) }), values: counter((p) => p.perMinute * share(p), numJump) });
      out.push({ series: labelsText(t.metric, { ...scope, ...labelsFor(t.matchers) }), values: counter((p) => p.perMinute) });
    }
  };
  switch (s.kind) {
    case 'ratio': {
      const budgetBad = (p: Phase) => p.budgetBad ?? (s.numerator === 'good' ? 1 - (p.value ?? 1) : (p.value ?? 0));
      const share = (p: Phase) => (s.numerator === 'good' ? 1 - budgetBad(p) : budgetBad(p));
      // One-off bad events (e.g. shadow mismatches for an escalation condition) land on the bad series.
      const bad = (p: Phase) => p.badEvents ?? 0;
      if (s.numerator === 'good') split(s.events, s.total, share, zeroInc, bad);
      else split(s.events, s.total, share, bad);
      break;
    }
    case 'perEvent': {
      const v = sel(s.value);
      const e = sel(s.events);
      out.push({ series: labelsText(v.metric, { ...scope, ...labelsFor(v.matchers) }), values: counter((p) => p.perMinute * (p.value ?? 0)) });
      out.push({ series: labelsText(e.metric, { ...scope, ...labelsFor(e.matchers) }), values: counter((p) => p.perMinute) });
      break;
    }
    case 'zeroTolerance': {
      const b = sel(s.events);
      out.push({ series: labelsText(b.metric, { ...scope, ...labelsFor(b.matchers) }), values: counter(zeroInc, (p) => p.badEvents ?? 0) });
      if (s.population !== undefined) {
        const pop = sel(s.population);
        out.push({ series: labelsText(pop.metric, { ...scope, ...labelsFor(pop.matchers) }), values: counter((p) => p.perMinute) });
      }
      break;
    }
    case 'quantile':
    case 'average': {
      const h = s.histogram;
      const names = histogramSeries(h.metric);
      const labels = { ...scope, ...labelsFor(h.matchers) };
      const scale = unitScale(o.unit, h.unit);
      const style = opts.leStyle ?? 'js';
      const bounds = histogramBounds(o, h);
      const maxBound = Math.max(...bounds.map((b) => b.bound));
      // Cumulative fraction at each bound; quantiles come from `fractions`, averages from the budget split at target.
      const fracAt = (p: Phase, value: number): number => {
        if (s.kind === 'quantile') return p.fractions?.get(value) ?? 1;
        return value === o.target ? 1 - (p.budgetBad ?? 0) : 1;
      };
      const points = s.kind === 'quantile' ? bounds : bounds.filter((b) => b.value === o.target);
      for (const b of points) {
        out.push({ series: labelsText(names.bucket, { ...labels, le: leText(b.bound, style) }), values: counter((p) => p.perMinute * fracAt(p, b.value)) });
      }
      if (s.kind === 'quantile') {
        out.push({ series: labelsText(names.bucket, { ...labels, le: leText(roundBound(maxBound * 2), style) }), values: counter((p) => p.perMinute) });
      }
      out.push({ series: labelsText(names.bucket, { ...labels, le: '+Inf' }), values: counter((p) => p.perMinute) });
      out.push({ series: labelsText(names.count, labels), values: counter((p) => p.perMinute) });
      const mean = (p: Phase) => (s.kind === 'average' ? (p.value ?? 0) * scale : maxBound);
      out.push({ series: labelsText(names.sum, labels), values: counter((p) => p.perMinute * mean(p)) });
      break;
    }
  }
  return out;
}

/** One counter series matching `selector` in the profile's scope, stepping by each phase's one-off `badEvents`. */
export function eventSeries(profile: Profile, selector: EventSelector, phases: readonly Phase[], opts: SeriesOptions = {}): InputSeries {
  if (selector.kind !== 'series') throw new Error('PromQL event sources cannot be simulated');
  return { series: labelsText(selector.metric, { ...labelsFor(profile.selector), ...labelsFor(selector.matchers) }), values: counterValues(phases, () => 0, (p) => p.badEvents ?? 0, opts.samplesPerMinute) };
}

/**
 * histogram_quantile over the synthetic buckets (threshold bounds, 2 × the largest, +Inf), as Prometheus computes
 * it: linear interpolation inside the bucket holding rank q·count, from 0 for the first bucket.
 */
export function syntheticQuantile(o: Objective, fractions: ReadonlyMap<number, number>): number {
  if (o.sli.kind !== 'quantile') throw new Error('not a quantile objective');
  const h = o.sli.histogram;
  const scale = unitScale(o.unit, h.unit);
  const bounds = histogramBounds(o, h).sort((a, b) => a.bound - b.bound);
  const maxBound = bounds[bounds.length - 1]!.bound;
  const cum: { upper: number; frac: number }[] = [...bounds.map((b) => ({ upper: b.bound, frac: fractions.get(b.value) ?? 1 })), { upper: roundBound(maxBound * 2), frac: 1 }];
  const q = o.sli.quantile;
  let lower = 0;
  let below = 0;
  for (const b of cum) {
    if (b.frac >= q) return (lower + ((b.upper - lower) * (q - below)) / (b.frac - below)) / scale;
    lower = b.upper;
    below = b.frac;
  }
  return lower / scale;
}
