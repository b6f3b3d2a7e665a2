/**
 * The one expression every count of this project is built from: events a counter selection counted over a window
 * ending at the evaluation time, summed (optionally `by` labels).
 *
 *   sum((increase(S[w]) and P) or (last_over_time(S[w]) unless P))    P = last_over_time(S[L] offset w)
 *
 * `increase()` counts from a series' first sample in the window, so it cannot see the value a series already has
 * when it first appears. That value is events too: a failure counter is created by its first failure, and after a
 * collector or scrape outage the first sample of a series created during the outage carries every event of it (the
 * SDK keeps counting; its first export after the gap holds them all). Counted with increase() alone, a release gate
 * would pass on an outage in which every call failed. So each series is split by whether it was present at the
 * window start — a sample within the `L` before it (P):
 * - present: `increase()`, as always (resets and extrapolation handled by Prometheus);
 * - absent (born in the window): its last value, i.e. counted from zero — what Prometheus' created-timestamp zero
 *   ingestion would store.
 * `L` (presenceLookback in sli/queries.ts: 5% of the window, 10 min to 1 h, the gate's coverage slack) decides how
 * long a series may have been silent at the window start and still count as present. Known limit: a series silent
 * for longer than `L` across the window start is counted from zero, its events before the silence included.
 */
export function counterIncrease(selector: string, window: string, lookback: string, by: readonly string[] = []): string {
  const present = `last_over_time(${selector}[${lookback}] offset ${window})`;
  const group = by.length === 0 ? '' : ` by (${by.join(', ')})`;
  return `sum${group}((increase(${selector}[${window}]) and ${present}) or (last_over_time(${selector}[${window}]) unless ${present}))`;
}
