/**
 * Small pure helpers to build counter series for backfill scenarios, and to compute what Prometheus will answer
 * for `increase()` over them.
 */
import { presenceLookbackSeconds } from '../sli/queries.js';
import type { Sample } from './openmetrics.js';

export interface CounterFromRatesOptions {
  /** Timestamp (seconds) of the first sample, which holds `initialValue`. */
  startSeconds: number;
  /** Seconds between samples (default 60). */
  stepSeconds?: number;
  /**
   * Events per minute during each step: `rates[i]` applies to the step ending at `start + (i + 1) · step`, so the
   * series has `rates.length + 1` samples. A function form needs `steps`.
   */
  perMinute: readonly number[] | ((stepIndex: number, stepEndSeconds: number) => number);
  /** Number of steps when `perMinute` is a function. */
  steps?: number;
  /** Value of the first sample (default 0). */
  initialValue?: number;
  /**
   * Counter resets: a reset at time r (start < r) means the process restarted inside the step that contains r;
   * the first sample at or after r holds only that step's increment.
   */
  resetsAtSeconds?: readonly number[];
}

/** Cumulative counter samples from per-minute rates (pure). */
export function counterFromRates(opts: CounterFromRatesOptions): Sample[] {
  const step = opts.stepSeconds ?? 60;
  if (!(step > 0)) throw new RangeError(`stepSeconds must be > 0, got ${step}`);
  const steps = typeof opts.perMinute === 'function' ? opts.steps : opts.perMinute.length;
  if (steps === undefined || !Number.isInteger(steps) || steps < 0) {
    throw new RangeError('steps must be a non-negative integer when perMinute is a function');
  }
  const resets = [...(opts.resetsAtSeconds ?? [])].sort((a, b) => a - b);
  let value = opts.initialValue ?? 0;
  const samples: Sample[] = [[opts.startSeconds, value]];
  let nextReset = 0;
  for (let i = 0; i < steps; i++) {
    const end = opts.startSeconds + (i + 1) * step;
    const rate = typeof opts.perMinute === 'function' ? opts.perMinute(i, end) : (opts.perMinute[i] ?? 0);
    if (!(rate >= 0)) throw new RangeError(`rate at step ${i} must be >= 0, got ${rate}`);
    const increment = (rate * step) / 60;
    let reset = false;
    while (nextReset < resets.length && (resets[nextReset] ?? Infinity) <= end) {
      reset = true;
      nextReset++;
    }
    value = reset ? increment : value + increment;
    samples.push([end, value]);
  }
  return samples;
}

function isReset(previous: number, current: number): boolean {
  return current < previous;
}

/**
 * The true, reset-aware increase between the first and last sample with `from < t <= to` (or `from <= t`
 * when `includeFrom`), without any extrapolation.
 */
export function rawIncrease(samples: readonly Sample[], fromSeconds: number, toSeconds: number, includeFrom = true): number {
  const inRange = samples.filter(([t]) => (includeFrom ? t >= fromSeconds : t > fromSeconds) && t <= toSeconds);
  let total = 0;
  for (let i = 1; i < inRange.length; i++) {
    const prev = (inRange[i - 1] as Sample)[1];
    const cur = (inRange[i] as Sample)[1];
    total += isReset(prev, cur) ? cur : cur - prev;
  }
  return total;
}

function toMs(seconds: number): number {
  return Math.round(seconds * 1000);
}

/** Samples (milliseconds, value) with `from ≤ t ≤ to`, or `from < t ≤ to` when left-open (Prometheus 3). */
function samplesIn(samples: readonly Sample[], fromMs: number, toMsIncl: number, leftOpen: boolean): (readonly [number, number])[] {
  return samples.map(([t, v]) => [toMs(t), v] as const).filter(([t]) => (leftOpen ? t > fromMs : t >= fromMs) && t <= toMsIncl);
}

export interface PrometheusIncreaseOptions {
  /**
   * Range selection: Prometheus 2.x includes a sample exactly at `time − range` (closed interval); Prometheus 3
   * excludes it (left-open). Default false (2.x, the Debian binary).
   */
  leftOpen?: boolean;
}

/**
 * What `increase(m[range])` evaluated at `timeSeconds` returns for one series, following Prometheus'
 * `extrapolatedRate`: reset-corrected difference of the samples in the range, extrapolated towards the range
 * boundaries (by at most half an average sample interval when the gap exceeds 1.1 intervals, and never below
 * zero for counters). Undefined with fewer than 2 samples in the range (no output series).
 */
export function prometheusIncrease(
  samples: readonly Sample[],
  timeSeconds: number,
  rangeSeconds: number,
  opts: PrometheusIncreaseOptions = {},
): number | undefined {
  const rangeEnd = toMs(timeSeconds);
  const rangeStart = rangeEnd - toMs(rangeSeconds);
  const points = samplesIn(samples, rangeStart, rangeEnd, opts.leftOpen === true);
  if (points.length < 2) return undefined;
  const first = points[0] as readonly [number, number];
  const last = points[points.length - 1] as readonly [number, number];
  let result = last[1] - first[1];
  let lastValue = 0;
  for (const [, v] of points) {
    if (v < lastValue) result += lastValue;
    lastValue = v;
  }
  let durationToStart = (first[0] - rangeStart) / 1000;
  const durationToEnd = (rangeEnd - last[0]) / 1000;
  const sampledInterval = (last[0] - first[0]) / 1000;
  const averageBetween = sampledInterval / (points.length - 1);
  if (result > 0 && first[1] >= 0) {
    const durationToZero = sampledInterval * (first[1] / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = averageBetween * 1.1;
  let extrapolateTo = sampledInterval;
  extrapolateTo += durationToStart < threshold ? durationToStart : averageBetween / 2;
  extrapolateTo += durationToEnd < threshold ? durationToEnd : averageBetween / 2;
  return result * (extrapolateTo / sampledInterval);
}

export interface PrometheusCountOptions extends PrometheusIncreaseOptions {
  /** How long before the window start a sample makes the series present (default presenceLookbackSeconds(range)). */
  lookbackSeconds?: number;
  /**
   * The gate's strict window start (counter-increase.ts `strict`): NaN for a series absent in the lookback grown
   * past its earlier sample (across a gap at the start), a drop below the last sample before the window with no sample in
   * the 5 minutes before the start, or a new non-zero series while `probe` (default the series itself) had none there
   * but one in the 25 h before.
   */
  strict?: boolean;
  probe?: readonly Sample[] | false;
}

/** REACH_BACK and SCRAPE_SLACK of promql/counter-increase.ts, in seconds. */
const REACH_BACK_SECONDS = 25 * 3600;
const SCRAPE_SLACK_SECONDS = 300;

/**
 * What the project's count (promql/counter-increase.ts, docs/counting.md) evaluates to for one series at
 * `timeSeconds` over `rangeSeconds`: prometheusIncrease when the series has a sample within the presence lookback
 * before the window start (closed on Prometheus 2.x, left-open on 3.x); else its last value minus its last sample
 * within 25 h before the window (back after a gap), or its last value when there is none or a sample in the window
 * is below it (born in the window, or restarted inside the gap: counted from zero). Undefined when neither gives a
 * sample.
 */
export function prometheusCount(
  samples: readonly Sample[],
  timeSeconds: number,
  rangeSeconds: number,
  opts: PrometheusCountOptions = {},
): number | undefined {
  const leftOpen = opts.leftOpen === true;
  const start = toMs(timeSeconds) - toMs(rangeSeconds);
  const before = (list: readonly Sample[], seconds: number) => samplesIn(list, start - toMs(seconds), start, leftOpen).at(-1)?.[1];
  const inRange = samplesIn(samples, start, toMs(timeSeconds), leftOpen);
  const last = inRange.at(-1)?.[1];
  const min = inRange.length === 0 ? undefined : Math.min(...inRange.map(([, v]) => v));
  const reach = before(samples, REACH_BACK_SECONDS);
  const dropped = reach !== undefined && min !== undefined && min < reach;
  const present = before(samples, opts.lookbackSeconds ?? presenceLookbackSeconds(rangeSeconds)) !== undefined;
  if (opts.strict === true && last !== undefined) {
    const slack = before(samples, SCRAPE_SLACK_SECONDS);
    if ((!present && reach !== undefined && last > reach) || (dropped && slack === undefined)) return NaN;
    const probe = opts.probe ?? samples;
    if (probe !== false && reach === undefined && last > 0 && before(probe, SCRAPE_SLACK_SECONDS) === undefined && before(probe, REACH_BACK_SECONDS) !== undefined) return NaN;
  }
  if (present) return prometheusIncrease(samples, timeSeconds, rangeSeconds, opts);
  if (last === undefined) return undefined;
  return reach !== undefined && !dropped ? last - reach : last;
}

/** Deterministic PRNG (mulberry32) in [0, 1), for reproducible varying traffic. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
