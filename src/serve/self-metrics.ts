/** The service's own counters (queries, errors, durations, refreshes, HTTP requests); a snapshot feeds metrics.ts. */
import { UNMATCHED } from './http.js';

/** Upper bounds (seconds) of the query duration histogram. */
export const QUERY_DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Most `{path, code}` series of the HTTP request counter. Paths are route labels (bounded by the route table) and
 * codes a handful, so this is a backstop: past it, new pairs are counted under path "other".
 */
export const MAX_HTTP_SERIES = 64;

export interface SelfMetricsSnapshot {
  readonly queries: number;
  /** Failed queries by error kind (transport, timeout, http, api, response, config, other). */
  readonly queryErrors: Readonly<Record<string, number>>;
  /** Cumulative counts per bucket bound (same order as QUERY_DURATION_BUCKETS), total count and sum in seconds. */
  readonly queryDuration: { readonly buckets: readonly number[]; readonly count: number; readonly sum: number };
  readonly refreshes: number;
  readonly refreshErrors: number;
  /** `path code` → count. */
  readonly http: Readonly<Record<string, { readonly path: string; readonly code: number; readonly count: number }>>;
}

export class SelfMetrics {
  private queries = 0;
  private readonly queryErrors: Record<string, number> = {};
  private readonly buckets: number[] = QUERY_DURATION_BUCKETS.map(() => 0);
  private durationCount = 0;
  private durationSum = 0;
  private refreshes = 0;
  private refreshErrors = 0;
  private readonly http: Record<string, { path: string; code: number; count: number }> = {};

  query(seconds: number, errorKind?: string): void {
    this.queries++;
    this.durationCount++;
    this.durationSum += seconds;
    QUERY_DURATION_BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.buckets[i] = (this.buckets[i] ?? 0) + 1;
    });
    if (errorKind !== undefined) this.queryErrors[errorKind] = (this.queryErrors[errorKind] ?? 0) + 1;
  }

  refresh(ok: boolean): void {
    this.refreshes++;
    if (!ok) this.refreshErrors++;
  }

  /** Counts a request; `path` must be a route label (see serve/http.ts), never the path a client asked for. */
  request(path: string, code: number): void {
    let key = `${path} ${code}`;
    if (this.http[key] === undefined && Object.keys(this.http).length >= MAX_HTTP_SERIES) {
      path = UNMATCHED;
      key = `${path} ${code}`;
    }
    const entry = (this.http[key] ??= { path, code, count: 0 });
    entry.count++;
  }

  snapshot(): SelfMetricsSnapshot {
    return {
      queries: this.queries,
      queryErrors: { ...this.queryErrors },
      queryDuration: { buckets: [...this.buckets], count: this.durationCount, sum: this.durationSum },
      refreshes: this.refreshes,
      refreshErrors: this.refreshErrors,
      http: Object.fromEntries(Object.entries(this.http).map(([k, v]) => [k, { ...v }])),
    };
  }
}
