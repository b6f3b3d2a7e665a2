/**
 * The one expression every count of this project is built from: events a counter selection counted over a window
 * ending at the evaluation time, summed (optionally `by` labels).
 *
 *   sum((increase(S[w]) and S offset w) or (last_over_time(S[w]) unless S offset w))
 *
 * `increase()` counts from a series' first sample in the window, so it cannot see the value a series already has
 * when it first appears. That value is events too: a failure counter is created by its first failure, and after a
 * collector or scrape outage the first sample of a series created during the outage carries every event of it (the
 * SDK keeps counting; its first export after the gap holds them all). Counted with increase() alone, a release gate
 * would pass on an outage in which every call failed. So a series is split by whether it is present at the window
 * start (`S offset w`: an instant selector, so "present" means a sample within the server's lookback delta, 5m by
 * default — the rule that decides whether a series exists in any instant query):
 * - present: `increase()`, as always (resets and extrapolation handled by Prometheus);
 * - absent (born in the window): its last value, i.e. counted from zero — what Prometheus' created-timestamp zero
 *   ingestion would store. Known limit: a series that existed, vanished for longer than the lookback delta and comes
 *   back inside the window is counted from zero as well (its events before the gap are counted in this window).
 */
export function counterIncrease(selector: string, window: string, by: readonly string[] = []): string {
  const present = `${selector} offset ${window}`;
  const group = by.length === 0 ? '' : ` by (${by.join(', ')})`;
  return `sum${group}((increase(${selector}[${window}]) and ${present}) or (last_over_time(${selector}[${window}]) unless ${present}))`;
}
