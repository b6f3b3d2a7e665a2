/**
 * The one expression every count of this project is built from: events a counter selection counted over a window
 * ending at the evaluation time, summed (optionally `by` labels). The design, its cases and limits: docs/counting.md.
 */

/** How far before a window's start a series' previous sample is looked for (docs/counting.md, "Reach-back"). */
export const REACH_BACK = '1d';

/** A gap shorter than this at a window's start is ordinary scrape spacing (Prometheus' default staleness). */
export const SCRAPE_SLACK = '5m';

export interface CountOptions {
  /** Labels the count is kept by (default: one label-free sum). */
  readonly by?: readonly string[];
  /**
   * The selection whose samples say "the scrape was working" before the window: the objective's denominator (default:
   * the counted selection itself). When it has no sample in the reach-back, a new series is unknowable. `false`: no
   * probe, a new series is always counted from zero (a zero-tolerance failure counter without a population).
   */
  readonly probe?: string | false;
  /** Default REACH_BACK. */
  readonly reachBack?: string;
}

/**
 * `sum(known)`, or NaN when any series' count is unknowable (docs/counting.md):
 *   known   = (last − (P or 0), kept when min ≥ P and no reset in the window) or increase()
 *   unknown = new series with a non-zero value while the probe had no sample in the reach-back,
 *             or a reset with no sample in the SCRAPE_SLACK before the window (a reset inside a gap at the start)
 * where P = last_over_time(S[reach-back] offset window), the series' last sample before the window.
 */
export function counterIncrease(selector: string, window: string, opts: CountOptions = {}): string {
  const by = opts.by ?? [];
  const reach = opts.reachBack ?? REACH_BACK;
  const probe = opts.probe ?? selector;
  const last = `last_over_time(${selector}[${window}])`;
  const min = `min_over_time(${selector}[${window}])`;
  const prev = `last_over_time(${selector}[${reach}] offset ${window})`;
  const known = `((${last} - ${min}) + ((${min} - (${prev} or ${last} * 0)) >= 0) unless resets(${selector}[${window}]) > 0) or increase(${selector}[${window}])`;
  const resetInGap = `((${min} - ${prev}) < 0 unless last_over_time(${selector}[${SCRAPE_SLACK}] offset ${window}))`;
  let unknown = resetInGap;
  if (probe !== false) {
    const unseen = probe === selector ? `(${min} > 0)` : `((${min} > 0) unless ${prev})`;
    unknown = `(${unseen} unless on() group(last_over_time(${probe}[${reach}] offset ${window}))) or ${resetInGap}`;
  }
  const group = by.length === 0 ? '' : ` by (${by.join(', ')})`;
  return `(sum${group}(${unknown}) * NaN or sum${group}(${known}))`;
}
