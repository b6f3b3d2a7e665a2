/**
 * Gap markers: how the rules know that a window's count may hold events from before its start (docs/counting.md
 * "Gaps at a window start"). The rules count each event in the 5m evaluation that first sees it; the evaluations
 * right after a gap in the objective's data (Prometheus down, every counted series unreachable) count the gap's
 * events from the last sample before it. A window whose start falls inside such a gap therefore cannot say how many
 * of those events are its own: the rules record no data for it (never a guess), until the gap leaves the window.
 *
 * Two series of the component-rate rule, beside the rates (label slo_component, never counted):
 *   time:seen  every SEEN_EVERY_SECONDS while the objective's denominator is scraped without a gap, the evaluation
 *              time − 15m: its data was there up to at least then (a sample in the 10m before the block).
 *   time:from  at an evaluation that bridges a gap (a sample now, none in the 10m before), the last time:seen within
 *              REACH_BACK: the earliest time its counts may reach back to. Sparse: one sample per bridging evaluation.
 * A window (t − W, t] is unknowable when a time:from inside it is older than t − W. Limits: only gaps of the whole
 * denominator (a gap of some of its series while others are scraped is not seen), gaps up to REACH_BACK (longer
 * ones look like new series), time:seen every 10 minutes, 15 minutes back (a window may be no data up to 25 minutes
 * longer than the gap).
 */
import { REACH_BACK } from '../promql/counter-increase.js';

/** How often time:seen is recorded: the read of it over REACH_BACK stays small (150 samples). */
export const SEEN_EVERY_SECONDS = 600;

/** The evaluation's own block and the rules' presence lookback before it (counterIncrease over 5m, lookback 10m). */
const BLOCK = '5m';
const LOOKBACK = '10m';
const BLOCK_SECONDS = 300;
const LOOKBACK_SECONDS = 600;

function grouping(by: readonly string[]): { count: string; on: string } {
  return { count: by.length === 0 ? 'count' : `count by (${by.join(', ')})`, on: `on(${by.join(', ')})` };
}

/** Per `by` group of the denominator `selector`: a sample in the evaluation's block (now) and in the 10m before (before). */
function presence(selector: string, by: readonly string[]): { now: string; before: string } {
  const { count } = grouping(by);
  return {
    now: `${count} (last_over_time(${selector}[${BLOCK}]))`,
    before: `${count} (last_over_time(${selector}[${LOOKBACK}] offset ${BLOCK}))`,
  };
}

/**
 * time:seen of the denominator `selector` in a group evaluated every `intervalSeconds`: the evaluation time − 15m, at
 * one evaluation in every 10 minutes, while the denominator has a sample in the 10m before the block (so it was
 * there at 15 minutes ago or later, and the evaluation does not bridge a gap). One read of the denominator, not two.
 */
export function seenExpr(selector: string, intervalSeconds: number, by: readonly string[] = []): string {
  const { before } = presence(selector, by);
  const every = SEEN_EVERY_SECONDS / 60;
  const phase = Math.max(1, Math.round(intervalSeconds / 60));
  return `(${before} * 0 + (time() - ${String(BLOCK_SECONDS + LOOKBACK_SECONDS)})) and on() (minute() % ${String(every)} < ${String(phase)})`;
}

/** time:from: at an evaluation bridging a gap in the denominator `selector`, the last time:seen (`seenSelector`). */
export function fromExpr(selector: string, seenSelector: string, by: readonly string[] = []): string {
  const { on } = grouping(by);
  const { now, before } = presence(selector, by);
  return `last_over_time(${seenSelector}[${REACH_BACK}]) and ${on} (${now} unless ${on} ${before})`;
}

/**
 * Non-empty (per `by` group) when the window of `windowSeconds` ending at the evaluation time may hold events from
 * before its start: the oldest time:from inside it, `oldestFrom` (markedFrom), is older than its start.
 */
export function windowUnknowable(oldestFrom: string, windowSeconds: number): string {
  return `(${oldestFrom} < time() - ${String(windowSeconds)})`;
}

/** The oldest time:from (`fromSelector`) over `range` (the window's range over recorded samples: W − 1s). */
export function markedFrom(fromSelector: string, range: string): string {
  return `min_over_time(${fromSelector}[${range}])`;
}

/**
 * A count that is dropped where `unknowable`, unless it is 0 (a count that did not grow holds no event from before
 * the window: a zero-tolerance counter whose only failure is old stays a known 0). `count` is evaluated twice.
 */
export function knownCount(count: string, unknowable: string, by: readonly string[] = []): string {
  const { on } = grouping(by);
  return `(${count} unless ${on} (${unknowable} and ${on} ${count} > 0))`;
}

/** A count dropped where `unknowable` (its zero included: for denominators, where 0 is no data anyway). */
export function unlessUnknowable(count: string, unknowable: string, by: readonly string[] = []): string {
  return `(${count} unless ${grouping(by).on} ${unknowable})`;
}
