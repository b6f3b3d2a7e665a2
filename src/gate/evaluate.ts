/**
 * Runs a gate plan against Prometheus: phase 1 probes history coverage (raw and, where eligible, recorded),
 * phase 2 evaluates each window from the chosen source. All queries of a phase run concurrently (bounded).
 * Every answer that cannot be trusted becomes a QueryResult error with a reason; nothing here decides a verdict.
 */
import { PrometheusClientError } from '../prometheus/errors.js';
import type { PrometheusClient } from '../prometheus/client.js';
import { formatDuration } from '../spec/duration.js';
import type { ComponentName } from '../sli/queries.js';
import type { CoverageObservation, ObjectiveObservation, QueryResult, WindowObservation } from './observations.js';
import type { GatePlan, ObjectivePlan, PlannedQuery, Source, WindowPlan } from './queries.js';

export interface EvaluateOptions {
  /** Queries in flight at once (default 16). */
  readonly concurrency?: number;
  /** Use recorded series where they cover the window (default true); false forces raw expressions. */
  readonly preferRecorded?: boolean;
}

/** Maps a thrown error to a reason; never includes credentials (client errors are redacted at the source). */
export function errorReason(err: unknown): string {
  if (err instanceof PrometheusClientError) {
    const tries = err.attempts > 1 ? ` (after ${err.attempts} attempts)` : '';
    return `${err.reason}${tries}`;
  }
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** One query → QueryResult. Empty vector → value undefined; several samples, wrong type, warnings → error. */
async function runQuery(client: PrometheusClient, q: PlannedQuery): Promise<QueryResult> {
  try {
    const res = await client.instantQuery(q.expr, q.time);
    if (res.warnings.length > 0) {
      return { status: 'error', reason: `the server attached warnings, so the answer may be incomplete: ${res.warnings.join('; ')}` };
    }
    if (res.resultType === 'scalar') return { status: 'ok', value: res.result.value };
    if (res.resultType !== 'vector') return { status: 'error', reason: `expected an instant vector, got resultType ${res.resultType}` };
    if (res.result.length === 0) return { status: 'ok', value: undefined };
    if (res.result.length > 1) return { status: 'error', reason: `expected one aggregated sample, got ${res.result.length} series` };
    const v = res.result[0]?.value;
    if (v === undefined) return { status: 'ok', value: undefined };
    return { status: 'ok', value: v };
  } catch (err) {
    return { status: 'error', reason: errorReason(err) };
  }
}

/** Runs queries with bounded concurrency, deduplicating identical (expr, time) pairs. */
export class QueryRunner {
  private readonly cache = new Map<string, Promise<QueryResult>>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Number of distinct queries sent. */
  sent = 0;

  constructor(
    private readonly client: PrometheusClient,
    private readonly concurrency: number,
  ) {}

  run(q: PlannedQuery): Promise<QueryResult> {
    const key = `${q.time}\u0000${q.expr}`;
    let p = this.cache.get(key);
    if (p === undefined) {
      p = this.limited(q);
      this.cache.set(key, p);
    }
    return p;
  }

  private async limited(q: PlannedQuery): Promise<QueryResult> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    this.sent++;
    try {
      return await runQuery(this.client, q);
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

async function window(runner: QueryRunner, w: WindowPlan, source: Source, quantile: boolean): Promise<WindowObservation> {
  const queries = source === 'recorded' && w.recorded !== undefined ? w.recorded : w.raw;
  const [entries, display] = await Promise.all([
    Promise.all((Object.entries(queries) as [ComponentName, PlannedQuery][]).map(async ([name, q]) => [name, await runner.run(q)] as const)),
    quantile ? runner.run(w.display) : Promise.resolve(undefined),
  ]);
  const components: Partial<Record<ComponentName, QueryResult>> = {};
  for (const [name, r] of entries) components[name] = r;
  return { plan: w, source, components, ...(display !== undefined ? { display } : {}) };
}

function startWindows(runner: QueryRunner, o: ObjectivePlan, source: Source, quantile: boolean) {
  return Promise.all([
    window(runner, o.gate, source, quantile),
    Promise.all(o.consecutive.map((w) => window(runner, w, source, quantile))),
    o.budget !== undefined ? Promise.all([runner.run(o.budget.bad), runner.run(o.budget.total)]) : Promise.resolve(undefined),
  ] as const);
}

function covered(r: QueryResult): boolean {
  return r.status === 'ok' && r.value !== undefined;
}

async function objective(runner: QueryRunner, o: ObjectivePlan, preferRecorded: boolean): Promise<ObjectiveObservation> {
  const quantile = o.objective.sli.kind === 'quantile';
  // Raw-only objectives need no source decision: start their windows together with the coverage probes.
  const rawEarly = !preferRecorded || !o.recordedEligible ? startWindows(runner, o, 'raw', quantile) : undefined;
  // Phase 1: coverage, both sources at once.
  const probes = await Promise.all(
    o.coverage.map(async (c) => {
      const [raw, recorded] = await Promise.all([
        c.raw !== undefined ? runner.run(c.raw) : undefined,
        preferRecorded && c.recorded !== undefined ? runner.run(c.recorded) : undefined,
      ]);
      return { plan: c, raw, recorded };
    }),
  );
  // Recorded series are used only when they cover every span the SLI windows need (gate and consecutive spans).
  const sliSpans = new Set([o.gate.windowSeconds, o.consecutive.length * o.objective.windows.alert]);
  const recordedCovers =
    preferRecorded && o.recordedEligible && probes.filter((p) => sliSpans.has(p.plan.seconds)).every((p) => p.recorded !== undefined && covered(p.recorded));
  const source: Source = recordedCovers ? 'recorded' : 'raw';
  let sourceNote: string;
  if (recordedCovers) sourceNote = `recorded series cover ${[...sliSpans].map(formatDuration).join(' and ')}`;
  else if (!preferRecorded) sourceNote = 'raw expressions (recorded series not requested)';
  else if (!o.recordedEligible) sourceNote = 'raw expressions: --selector/--model narrow the series beyond what the recording rules aggregate';
  else sourceNote = `raw expressions: recorded series do not cover ${formatDuration(o.gate.windowSeconds)} (rules added recently or history backfilled)`;
  if (o.budget !== undefined) sourceNote += `; error budget over ${formatDuration(o.budget.windowSeconds)} from raw expressions`;

  const coverage: CoverageObservation[] = [];
  for (const p of probes) {
    // SLI spans use the chosen source; the budget span is always raw.
    const useRecorded = source === 'recorded' && sliSpans.has(p.plan.seconds) && p.recorded !== undefined;
    const query = useRecorded ? p.plan.recorded : p.plan.raw;
    const result = useRecorded ? p.recorded : p.raw;
    if (query === undefined || result === undefined) continue;
    coverage.push({ plan: p.plan, source: useRecorded ? 'recorded' : 'raw', query, result });
  }

  // Phase 2: the windows.
  const [gate, consecutive, budget] = await (rawEarly ?? startWindows(runner, o, source, quantile));
  return {
    plan: o,
    source,
    sourceNote,
    coverage,
    gate,
    consecutive,
    ...(budget !== undefined ? { budget: { bad: budget[0], total: budget[1] } } : {}),
  };
}

/** Evaluates the whole plan; objectives run concurrently. */
export async function evaluatePlan(client: PrometheusClient, plan: GatePlan, opts: EvaluateOptions = {}): Promise<{ observations: ObjectiveObservation[]; queries: number }> {
  const runner = new QueryRunner(client, opts.concurrency ?? 16);
  const observations = await Promise.all(plan.objectives.map((o) => objective(runner, o, opts.preferRecorded ?? true)));
  return { observations, queries: runner.sent };
}
