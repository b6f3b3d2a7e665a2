/**
 * Runs a gate plan against Prometheus. Objectives the recorded series may answer: phase 1 counts the recorded
 * evaluations in each span (gate window, consecutive span, budget window); phase 2 evaluates each window from
 * recorded series where they cover its span and from raw expressions otherwise (probing raw history only for those
 * spans). Raw-only objectives run probes and windows at once. All queries run concurrently (bounded).
 * Every answer that cannot be trusted becomes a QueryResult error with a reason; nothing here decides a verdict.
 */
import { PrometheusClientError } from '../prometheus/errors.js';
import type { PrometheusClient } from '../prometheus/client.js';
import type { ComponentName } from '../sli/queries.js';
import { RECORDED_GAP_AT_START, recordedCoverageSeconds } from '../sli/recorded.js';
import { type CoverageObservation, type ObjectiveObservation, type QueryResult, unknowableComponent, type WindowObservation } from './observations.js';
import { humanWindow } from '../format.js';
import { COMPONENT_FROM } from '../conventions.js';
import { type ExplainContext, explainUnknowable } from './unknowable.js';
import type { CoveragePlan, GatePlan, ObjectivePlan, PlannedQuery, Source, WindowPlan } from './queries.js';

export interface EvaluateOptions {
  /** Queries in flight at once (default GATE_QUERY_CONCURRENCY). */
  readonly concurrency?: number;
  /** Use recorded series where they cover the window (default true); false forces raw expressions. */
  readonly preferRecorded?: boolean;
  /**
   * Accept answers that carry warnings (partial data from a federated server) instead of failing closed; the user
   * asked for it explicitly (`--allow-partial-response`) and every warning is reported.
   */
  readonly allowPartial?: boolean;
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

/** A query's answer before it is read for one result: its series, or why it cannot be trusted. */
type Answer = { readonly status: 'ok'; readonly series: readonly { readonly labels: Readonly<Record<string, string>>; readonly value: number }[] } | { readonly status: 'error'; readonly reason: string };

/** One query → its series. Warnings (unless allowed, then collected), wrong result type, errors → error with a reason. */
async function fetchAnswer(client: PrometheusClient, q: PlannedQuery, allowed: Set<string> | undefined): Promise<Answer> {
  try {
    const res = await client.instantQuery(q.expr, q.time);
    if (res.warnings.length > 0 && allowed !== undefined) for (const w of res.warnings) allowed.add(w);
    else if (res.warnings.length > 0) {
      return { status: 'error', reason: `the server attached warnings, so the answer may be incomplete: ${res.warnings.join('; ')}` };
    }
    if (res.resultType === 'scalar') return { status: 'ok', series: [{ labels: {}, value: res.result.value }] };
    if (res.resultType !== 'vector') return { status: 'error', reason: `expected an instant vector, got resultType ${res.resultType}` };
    return { status: 'ok', series: res.result.map((x) => ({ labels: x.labels, value: x.value })) };
  } catch (err) {
    return { status: 'error', reason: errorReason(err) };
  }
}

/** The answer read for one planned result. Empty → value undefined; several samples where one is meant → error. */
function readAnswer(q: PlannedQuery, a: Answer): QueryResult {
  if (a.status === 'error') return a;
  const pick = q.pick;
  const series = pick === undefined ? a.series : a.series.filter((x) => Object.entries(pick).every(([k, v]) => x.labels[k] === v));
  if (series.length === 0) return { status: 'ok', value: undefined };
  if (series.length > 1) {
    const what = pick === undefined ? '' : ` for ${Object.entries(pick).map(([k, v]) => `${k}="${v}"`).join(',')}`;
    return { status: 'error', reason: `expected one aggregated sample${what}, got ${series.length} series` };
  }
  return { status: 'ok', value: series[0]?.value };
}

/** Queries a gate run keeps in flight at once unless told otherwise (`agent-slo gate --query-concurrency`). */
export const GATE_QUERY_CONCURRENCY = 16;

/**
 * Runs queries with bounded concurrency, deduplicating identical (expr, time) pairs: a recorded query that answers
 * several objectives or components is sent once and read once per planned result (PlannedQuery.pick).
 */
export class QueryRunner {
  private readonly cache = new Map<string, Promise<Answer>>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Number of distinct queries sent. */
  sent = 0;
  /** Warnings accepted because partial answers were allowed (undefined: warnings fail the query). */
  readonly acceptedWarnings: Set<string> | undefined;

  constructor(
    private readonly client: PrometheusClient,
    private readonly concurrency: number,
    allowPartial = false,
  ) {
    this.acceptedWarnings = allowPartial ? new Set() : undefined;
  }

  async run(q: PlannedQuery): Promise<QueryResult> {
    return readAnswer(q, await this.answer(q));
  }

  /** A NaN strict count with the unknowable series and their gap named (extra queries, only in that case). */
  async explained(q: PlannedQuery, r: QueryResult): Promise<QueryResult> {
    if (r.status !== 'ok' || r.value === undefined || !Number.isNaN(r.value) || q.strict === undefined) return r;
    const why = await explainUnknowable(this.explainer, q.strict, q.time);
    return why === '' ? r : { ...r, unknowable: why };
  }

  /** Every series of a query's answer (cached like `run`). */
  answer(q: PlannedQuery): Promise<Answer> {
    const key = `${q.time}\u0000${q.expr}`;
    let p = this.cache.get(key);
    if (p === undefined) {
      p = this.limited(q);
      this.cache.set(key, p);
    }
    return p;
  }

  private readonly explainer: ExplainContext = {
    run: (expr, time) => this.answer({ expr, time }),
    admit: (text, maxChars) => this.client.admit(text, maxChars),
  };

  private async limited(q: PlannedQuery): Promise<Answer> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    this.sent++;
    try {
      return await fetchAnswer(this.client, q, this.acceptedWarnings);
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

async function window(runner: QueryRunner, w: WindowPlan, source: Source, quantile: boolean): Promise<WindowObservation> {
  const recorded = source === 'recorded' && w.recorded !== undefined;
  const queries = recorded ? w.recorded : w.raw;
  // Quantiles: the display value (histogram_quantile) from the same source as the components.
  const display = recorded ? w.recordedDisplay : w.display;
  const [entries, shown] = await Promise.all([
    Promise.all((Object.entries(queries ?? {}) as [ComponentName, PlannedQuery][]).map(async ([name, q]) => [name, await runner.run(q)] as const)),
    quantile && display !== undefined ? runner.run(display) : Promise.resolve(undefined),
  ]);
  const components: Partial<Record<ComponentName, QueryResult>> = {};
  for (const [name, r] of entries) components[name] = r;
  // Explain only the NaN count the policy reports.
  const nan = unknowableComponent(components);
  const planned = nan !== undefined ? queries?.[nan] : undefined;
  const result = nan !== undefined ? components[nan] : undefined;
  if (nan !== undefined && planned !== undefined && result !== undefined) components[nan] = await runner.explained(planned, result);
  return { plan: w, source: recorded ? 'recorded' : 'raw', components, ...(shown !== undefined ? { display: shown } : {}) };
}

interface Sources {
  readonly gate: Source;
  readonly consecutive: Source;
  readonly budget: Source;
}

const RAW: Sources = { gate: 'raw', consecutive: 'raw', budget: 'raw' };

function startWindows(runner: QueryRunner, o: ObjectivePlan, sources: Sources, quantile: boolean) {
  const b = o.budget;
  const budget = b === undefined ? undefined : sources.budget === 'recorded' && b.recorded !== undefined ? b.recorded : { bad: b.bad, total: b.total, good: b.bucket?.good };
  return Promise.all([
    window(runner, o.gate, sources.gate, quantile),
    Promise.all(o.consecutive.map((w) => window(runner, w, sources.consecutive, quantile))),
    budget !== undefined
      ? Promise.all([runner.run(budget.bad), runner.run(budget.total), budget.good !== undefined ? runner.run(budget.good) : Promise.resolve(undefined)])
      : Promise.resolve(undefined),
  ] as const);
}

/** What the recorded probe of one span says: covered, or how much it covers (seconds) / why it cannot tell. */
type RecordedCoverage = { readonly covered: true; readonly result: QueryResult } | { readonly covered: false; readonly seconds?: number; readonly reason?: string };

function recordedCoverage(o: ObjectivePlan, c: CoveragePlan, r: QueryResult): RecordedCoverage {
  if (r.status === 'error') return { covered: false, reason: r.reason };
  const samples = r.value ?? 0;
  if (!Number.isFinite(samples)) return { covered: false, reason: `the recorded sample count is ${String(samples)}` };
  if (samples === RECORDED_GAP_AT_START) return { covered: false, reason: `a gap in the objective's data straddles the window start, so the recorded counts may hold events from before it (gap marker ${COMPONENT_FROM})` };
  const seconds = recordedCoverageSeconds(o.objective, samples, c.seconds);
  return seconds >= c.seconds - c.slackSeconds ? { covered: true, result: r } : { covered: false, seconds };
}

function shortfall(span: number, r: RecordedCoverage | undefined): string {
  if (r === undefined || r.covered) return '';
  if (r.reason !== undefined) return `raw (recorded series could not be checked over ${humanWindow(span)}: ${r.reason})`;
  const s = r.seconds ?? 0;
  if (s <= 0) return `raw (no recorded series within ${humanWindow(span)}: rules added recently or history not backfilled)`;
  return `raw (recorded series cover only ${humanWindow(Math.floor(s / 60) * 60)} of ${humanWindow(span)})`;
}

function sourceNote(o: ObjectivePlan, sources: Sources, spans: { gate: number; consecutive: number; budget?: number }, probes: ReadonlyMap<number, RecordedCoverage>): string {
  const alert = o.objective.windows.alert;
  const parts: [string, Source, number, boolean][] = [
    [`gate window ${humanWindow(spans.gate)}`, sources.gate, spans.gate, o.gate.recorded !== undefined],
    [`${String(o.consecutive.length)} consecutive ${humanWindow(alert)} windows`, sources.consecutive, spans.consecutive, o.consecutive.every((w) => w.recorded !== undefined)],
  ];
  if (spans.budget !== undefined) parts.push([`error budget ${humanWindow(spans.budget)}`, sources.budget, spans.budget, o.budget?.recorded !== undefined]);
  // Windows up to the recorded short window are read raw by the rules too: not a shortfall of the recorded history.
  const short = parts.filter(([, , , recordable]) => !recordable).map(([what]) => `${what} read raw series, as the rules do`);
  const long = parts.filter(([, , , recordable]) => recordable);
  const tail = short.length > 0 ? `; ${short.join('; ')}` : '';
  if (long.length > 0 && long.every(([, s]) => s === 'recorded')) return `recorded series cover ${[...new Set(long.map(([, , w]) => humanWindow(w)))].join(', ')}${tail}`;
  const texts = long.map(([, s, w]) => (s === 'recorded' ? 'recorded' : shortfall(w, probes.get(w))));
  if (texts.every((t) => t.startsWith('raw (no recorded series'))) return `${shortfall(Math.max(...long.map(([, , w]) => w)), { covered: false, seconds: 0 })}${tail}`;
  if (new Set(texts).size === 1) return `${texts[0] ?? ''}${tail}`;
  return `${long.map(([what], i) => `${what}: ${texts[i] ?? ''}`).join('; ')}${tail}`;
}

async function objective(runner: QueryRunner, o: ObjectivePlan, preferRecorded: boolean): Promise<ObjectiveObservation> {
  const quantile = o.objective.sli.kind === 'quantile';
  const spans = {
    gate: o.gate.windowSeconds,
    consecutive: o.consecutive.length * o.objective.windows.alert,
    ...(o.budget !== undefined ? { budget: o.budget.windowSeconds } : {}),
  };

  if (!preferRecorded || !o.recordedEligible) {
    // Raw only: no source decision, so coverage probes and windows start together.
    const [probes, [gate, consecutive, budget]] = await Promise.all([
      Promise.all(
        o.coverage.map(async (c): Promise<CoverageObservation | undefined> => (c.raw !== undefined ? { plan: c, source: 'raw', query: c.raw, result: await runner.run(c.raw) } : undefined)),
      ),
      startWindows(runner, o, RAW, quantile),
    ]);
    let note = !preferRecorded
      ? 'raw expressions (recorded series not requested)'
      : 'raw expressions: --selector/--model narrow the series beyond what the recording rules aggregate';
    if (o.budget !== undefined) note += `; error budget over ${humanWindow(o.budget.windowSeconds)} from raw expressions`;
    return {
      plan: o,
      source: 'raw',
      sourceNote: note,
      coverage: probes.filter((p): p is CoverageObservation => p !== undefined),
      gate,
      consecutive,
      ...(budget !== undefined ? { budget: { bad: budget[0], total: budget[1], ...(budget[2] !== undefined ? { good: budget[2] } : {}) } } : {}),
    };
  }

  // Phase 1: how much of each span the recorded series cover (cheap: sample counts of a few recorded series).
  const recorded = new Map<number, RecordedCoverage>();
  await Promise.all(
    o.coverage.map(async (c) => {
      if (c.recorded !== undefined) recorded.set(c.seconds, recordedCoverage(o, c, await runner.run(c.recorded)));
    }),
  );
  const covers = (span: number | undefined): boolean => span !== undefined && recorded.get(span)?.covered === true;
  const sources: Sources = {
    gate: o.gate.recorded !== undefined && covers(spans.gate) ? 'recorded' : 'raw',
    consecutive: o.consecutive.every((w) => w.recorded !== undefined) && covers(spans.consecutive) ? 'recorded' : 'raw',
    budget: o.budget?.recorded !== undefined && covers(spans.budget) ? 'recorded' : 'raw',
  };

  // Phase 2: the windows, and raw coverage probes only for spans the recorded series do not cover.
  const [probes, [gate, consecutive, budget]] = await Promise.all([
    Promise.all(
      o.coverage.map(async (c): Promise<CoverageObservation | undefined> => {
        const rec = recorded.get(c.seconds);
        if (rec?.covered === true && c.recorded !== undefined) return { plan: c, source: 'recorded', query: c.recorded, result: rec.result };
        if (c.raw === undefined) return undefined;
        return { plan: c, source: 'raw', query: c.raw, result: await runner.run(c.raw) };
      }),
    ),
    startWindows(runner, o, sources, quantile),
  ]);
  return {
    plan: o,
    source: sources.gate,
    sourceNote: sourceNote(o, sources, spans, recorded),
    coverage: probes.filter((p): p is CoverageObservation => p !== undefined),
    gate,
    consecutive,
    ...(budget !== undefined ? { budget: { bad: budget[0], total: budget[1], ...(budget[2] !== undefined ? { good: budget[2] } : {}), source: sources.budget } } : {}),
  };
}

/** Evaluates the whole plan; objectives run concurrently. */
export async function evaluatePlan(
  client: PrometheusClient,
  plan: GatePlan,
  opts: EvaluateOptions = {},
): Promise<{ observations: ObjectiveObservation[]; queries: number; partialWarnings: string[] }> {
  const runner = new QueryRunner(client, opts.concurrency ?? GATE_QUERY_CONCURRENCY, opts.allowPartial ?? false);
  const observations = await Promise.all(plan.objectives.map((o) => objective(runner, o, opts.preferRecorded ?? true)));
  return { observations, queries: runner.sent, partialWarnings: [...(runner.acceptedWarnings ?? [])] };
}
