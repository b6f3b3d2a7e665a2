/**
 * The one expression every count of this project is built from: events a counter selection counted over a window
 * ending at the evaluation time, summed (optionally `by` labels). Design, cases, limits and cost: docs/counting.md.
 *
 * Per series S, window w, P = a sample within `lookback` before the window start, R = its last sample within
 * REACH_BACK before the window start:
 *   present (P):          increase(S[w])                      Prometheus' own count, resets included
 *   absent, R known:      last − R; last if it dropped below R  back after a gap: the gap's events once, never its lifetime
 *   absent, no R:         last                                born in the window: counted from zero
 * With `strict` (the gate: its window start is a real boundary, and a count must hold no event from before it) the
 * count is NaN when a series is unknowable: grown across a gap at the start longer than the lookback (how many of
 * the gap's events fell before the start is not known), a drop below R with no sample in the SCRAPE_SLACK before the start
 * (a reset inside a gap at the start), or a new series with a non-zero value while the `probe` had no sample in the
 * SCRAPE_SLACK but one in the reach-back (born inside a gap at the start).
 */

/** How far before a window's start a series' last sample is looked for: gaps up to 1 day are counted exactly. */
export const REACH_BACK = '25h';

/** A gap shorter than this at a window's start is ordinary scrape spacing (Prometheus' default staleness). */
export const SCRAPE_SLACK = '5m';

export interface CountOptions {
  /** NaN when a series' count is unknowable at a strict window start (the gate). */
  readonly strict?: boolean;
  /**
   * strict only: the selection whose samples say "the scrape was working" at the window start (the objective's
   * denominator; default the counted selection). `false`: no probe — a new series is never unknowable (a
   * zero-tolerance failure counter without a population is created by its first failure).
   */
  readonly probe?: string | false;
}

/** A strict count's inputs: what explains its NaN (the unknowable series and their gaps; gate/unknowable.ts). */
export interface StrictCount {
  readonly selector: string;
  readonly window: string;
  readonly lookback: string;
  readonly opts: CountOptions;
}

/** The per-series pieces both the count and the unknowable series are built from. */
function parts(selector: string, window: string, lookback: string): { present: string; last: string; before: string; drop: string } {
  const min = `min_over_time(${selector}[${window}])`;
  const before = `last_over_time(${selector}[${REACH_BACK}] offset ${window})`;
  return {
    present: `last_over_time(${selector}[${lookback}] offset ${window})`,
    last: `last_over_time(${selector}[${window}])`,
    before,
    drop: `(${min} - ${before}) < 0`,
  };
}

export function counterIncrease(selector: string, window: string, lookback: string, by: readonly string[] = [], opts: CountOptions = {}): string {
  const { present, last, before, drop } = parts(selector, window, lookback);
  const group = by.length === 0 ? '' : ` by (${by.join(', ')})`;
  const known = `sum${group}((increase(${selector}[${window}]) and ${present}) or ((((${last} - ${before}) unless ${drop}) or ${last}) unless ${present}))`;
  if (opts.strict !== true) return known;
  return `(sum${group}(${unknowableSeries(selector, window, lookback, opts)}) * NaN or ${known})`;
}

/**
 * strict: per series (labels kept), the series whose count is unknowable. Value: the growth across the gap (> 0),
 * the drop below the last value before the start (< 0, a restart), or the value of a series born in the gap.
 */
export function unknowableSeries(selector: string, window: string, lookback: string, opts: CountOptions = {}): string {
  const { present, last, before, drop } = parts(selector, window, lookback);
  const slack = (sel: string): string => `last_over_time(${sel}[${SCRAPE_SLACK}] offset ${window})`;
  // Grown across a gap at the start longer than the lookback, or restarted inside a gap at the start.
  const gapAtStart = `(((${last} - ${before}) > 0) unless ${present}) or (${drop} unless ${slack(selector)})`;
  const probe = opts.probe ?? selector;
  if (probe === false) return gapAtStart;
  // Born inside a gap at the start: new, while the probe was scraped before the gap but not right before the start
  // (a probe never seen in the reach-back is a first deployment: everything is new, counted from zero).
  const born = `((((${last} > 0) unless ${before}) unless on() ${slack(probe)}) and on() last_over_time(${probe}[${REACH_BACK}] offset ${window}))`;
  return `${born} or ${gapAtStart}`;
}

/**
 * Per series of `selector`: the time (seconds) of its last sample within REACH_BACK before the start of the window
 * ending at the evaluation time. Exact: each `step` sees the latest sample of the 5m lookback, and steps are closer.
 */
export function lastSampleBeforeStart(selector: string, window: string, step = '1m'): string {
  return `max_over_time(timestamp(${selector})[${REACH_BACK}:${step}] offset ${window})`;
}

/** Per series of `selector`: the time of its first sample inside the window ending at the evaluation time, within `step`. */
export function firstSampleInWindow(selector: string, window: string, step = '15s'): string {
  return `min_over_time(timestamp(${selector})[${window}:${step}])`;
}
