/**
 * Named backfill scenarios: realistic 1-minute histories for the shipped profiles, built so that the release gate and
 * the alert rules give known answers. Pure: a scenario is a function of its end time; nothing here does I/O.
 *
 * - `runtime-v1-warning-streak` (8 days): a healthy AI runtime whose escalation rate rises to 7.5 % (warning > 6 %,
 *   critical > 10 %) for the last 3.5 days. Gate at the end: approval required (3 consecutive 24h warning windows),
 *   no critical breach over 7d. Alerts: SLOEscalationRateWarning only.
 * - `kokino-availability-incident` (31 days): a healthy broker whose availability drops to 50 % for the last 10 hours.
 *   Gate at the end: blocked (critical breach over 7d, 30d error budget exhausted: freeze). Gate 18 h before the end:
 *   pass. Alerts: availability critical, fast and slow burn, budget exhausted, escalation to @platform-lead.
 * - `runtime-v1-healthy` (8 days): the same runtime without the streak. Gate: pass. Alerts: none.
 *
 * Event volumes follow a daily cycle (±30 %); ratios are constant within a phase, so every SLI is known exactly.
 * Samples are 2 minutes apart; histograms carry only the buckets the profiles' thresholds read. Scenarios are built
 * in the catalogue's spelling and spelled as a spec's `metricNames` says by `spellFamilies` (scenarioData).
 */
import {
  COUNTER_SIGNALS,
  type CounterSignalName,
  HISTOGRAM_SIGNALS,
  type HistogramSignalName,
  type Matcher,
  type MetricNaming,
  promName,
  signalLabelName,
  signalMetricName,
} from '../conventions.js';
import type { HistogramPoint, Labels, MetricFamily, Sample } from './openmetrics.js';

const DAY = 86_400;
const HOUR = 3_600;
/** Sample interval: 2 minutes keeps 31 days small while every 5m window still holds 2–3 samples. */
const STEP = 120;

/** What the scenario was built to show; tests and the demo assert these. */
export interface ScenarioExpectation {
  /** Seconds before the scenario's end at which the gate is evaluated (0 = the end). */
  readonly gateOffsetSeconds: number;
  readonly verdict: 'pass' | 'blocked' | 'approval_required';
  /** Objectives whose status is not pass at that time (others pass or are not active). */
  readonly failingObjectives: readonly string[];
}

export interface ScenarioData {
  readonly name: string;
  readonly profile: string;
  readonly description: string;
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly families: readonly MetricFamily[];
  /** Alert names the history makes fire (over the last 7 days) and no others. */
  readonly expectedAlerts: readonly string[];
  readonly expectations: readonly ScenarioExpectation[];
}

export interface ScenarioDefinition {
  readonly name: string;
  readonly profile: string;
  readonly days: number;
  readonly description: string;
  build(endSeconds: number): ScenarioData;
}

/** Labels of a signal's series: its equality matchers plus `extra` (e.g. error_type for failed tool calls). */
function signalLabels(matchers: readonly Matcher[], extra: Labels = {}): Labels {
  const out: Record<string, string> = {};
  for (const m of matchers) if (m.op === '=' && m.value !== '') out[m.label] = m.value;
  return { ...out, ...extra };
}

/** Diurnal traffic multiplier (1 ± 0.3), peak at 14:00 UTC. */
function diurnal(t: number): number {
  return 1 + 0.3 * Math.sin((2 * Math.PI * (t - 8 * HOUR)) / DAY);
}

interface Timeline {
  readonly start: number;
  readonly end: number;
  /** Step end times (the first sample is at `start`). */
  readonly times: readonly number[];
}

function timeline(endSeconds: number, days: number): Timeline {
  const end = Math.floor(endSeconds / STEP) * STEP;
  const start = end - days * DAY;
  const times: number[] = [];
  for (let t = start; t <= end; t += STEP) times.push(t);
  return { start, end, times };
}

/** Cumulative counter samples from a per-minute rate function of the step's end time. */
function counter(tl: Timeline, perMinute: (t: number) => number): Sample[] {
  let v = 0;
  return tl.times.map((t, i) => {
    if (i > 0) v += (perMinute(t) * STEP) / 60;
    return [t, round(v)] as const;
  });
}

interface HistogramShape {
  /** Cumulative fraction of events at or below each bound (ascending bounds). */
  readonly fractions: readonly (readonly [le: number, fraction: number])[];
  /** Mean value per event (for _sum). */
  readonly mean: number;
}

function histogram(tl: Timeline, perMinute: (t: number) => number, shape: (t: number) => HistogramShape): HistogramPoint[] {
  const bounds = shape(tl.start).fractions.map(([le]) => le);
  const cum = bounds.map(() => 0);
  let count = 0;
  let sum = 0;
  return tl.times.map((t, i) => {
    if (i > 0) {
      const n = (perMinute(t) * STEP) / 60;
      const s = shape(t);
      s.fractions.forEach(([, f], j) => {
        cum[j] = (cum[j] ?? 0) + n * f;
      });
      count += n;
      sum += n * s.mean;
    }
    return { timestampSeconds: t, buckets: bounds.map((le, j) => [le, round(cum[j] ?? 0)] as const), count: round(count), sum: round(sum) };
  });
}

/** Keeps float noise out of the text (and bucket counts monotone). */
function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

function counterFamily(signal: CounterSignalName, series: { extra?: Labels; samples: Sample[] }[]): MetricFamily {
  const s = COUNTER_SIGNALS[signal];
  return { type: 'counter', name: s.metric, series: series.map((x) => ({ labels: signalLabels(s.matchers, x.extra), samples: x.samples })) };
}

function histogramFamily(signal: HistogramSignalName, series: { extra?: Labels; points: HistogramPoint[] }[], labelsFrom: readonly Matcher[] = HISTOGRAM_SIGNALS[signal].matchers): MetricFamily {
  const s = HISTOGRAM_SIGNALS[signal];
  return { type: 'histogram', name: s.metric, series: series.map((x) => ({ labels: signalLabels(labelsFrom, x.extra), points: x.points })) };
}

/** Several counter signals share one metric (tasks by outcome): merge their series into one family. */
function mergeFamilies(families: readonly MetricFamily[]): MetricFamily[] {
  const byName = new Map<string, MetricFamily>();
  for (const f of families) {
    const prev = byName.get(f.name);
    if (prev === undefined) byName.set(f.name, f);
    else if (prev.type === 'histogram' && f.type === 'histogram') byName.set(f.name, { ...prev, series: [...prev.series, ...f.series] });
    else if (prev.type !== 'histogram' && f.type === prev.type) byName.set(f.name, { ...prev, series: [...prev.series, ...f.series] });
    else throw new Error(`scenario: family ${f.name} built with two types`);
  }
  return [...byName.values()];
}

const ERROR_TYPE = promName('error.type');
const DEMO_LABELS: Labels = { job: 'history' };

function withJob(families: MetricFamily[]): MetricFamily[] {
  return families.map((f) =>
    f.type === 'histogram'
      ? { ...f, series: f.series.map((s) => ({ ...s, labels: { ...DEMO_LABELS, ...s.labels } })) }
      : { ...f, series: f.series.map((s) => ({ ...s, labels: { ...DEMO_LABELS, ...s.labels } })) },
  );
}

interface RuntimeRatios {
  toolFailure: number;
  fallback: number;
  escalated: number;
  failed: number;
  /** Fraction of responses at or below 8 s / 10 s / 15 s. */
  latency: readonly [number, number, number];
  costPerTask: number;
}

const RUNTIME_HEALTHY: RuntimeRatios = { toolFailure: 0.01, fallback: 0.02, escalated: 0.02, failed: 0.01, latency: [0.97, 0.99, 0.999], costPerTask: 0.05 };

function runtimeFamilies(tl: Timeline, ratiosAt: (t: number) => RuntimeRatios): MetricFamily[] {
  const tasks = (t: number): number => 20 * diurnal(t);
  const toolCalls = (t: number): number => 2 * tasks(t);
  const modelCalls = (t: number): number => 1.5 * tasks(t);
  const latencyShape = (t: number): HistogramShape => {
    const [a, b, c] = ratiosAt(t).latency;
    return { fractions: [[5, 0.75], [8, a], [10, b], [15, c]], mean: 4 };
  };
  const toolShape: HistogramShape = { fractions: [], mean: 0.6 };
  const modelShape: HistogramShape = { fractions: [], mean: 2 };
  const toolOk = (t: number): number => toolCalls(t) * (1 - ratiosAt(t).toolFailure);
  const toolBad = (t: number): number => toolCalls(t) * ratiosAt(t).toolFailure;
  const families: MetricFamily[] = [
    histogramFamily('tool_duration', [
      { extra: { gen_ai_tool_name: 'search' }, points: histogram(tl, toolOk, () => toolShape) },
      { extra: { gen_ai_tool_name: 'search', [ERROR_TYPE]: 'TimeoutError' }, points: histogram(tl, toolBad, () => toolShape) },
    ]),
    histogramFamily('model_call_duration', [{ extra: { gen_ai_request_model: 'gpt-4o' }, points: histogram(tl, modelCalls, () => modelShape) }]),
    counterFamily('model_fallbacks', [{ extra: { gen_ai_request_model: 'gpt-4o' }, samples: counter(tl, (t) => modelCalls(t) * ratiosAt(t).fallback) }]),
    histogramFamily('response_latency', [{ points: histogram(tl, tasks, latencyShape) }]),
    counterFamily('tasks_succeeded', [{ samples: counter(tl, (t) => tasks(t) * (1 - ratiosAt(t).escalated - ratiosAt(t).failed)) }]),
    counterFamily('tasks_escalated', [{ samples: counter(tl, (t) => tasks(t) * ratiosAt(t).escalated) }]),
    counterFamily('tasks_failed', [{ samples: counter(tl, (t) => tasks(t) * ratiosAt(t).failed) }]),
    counterFamily('escalations', [{ samples: counter(tl, (t) => tasks(t) * ratiosAt(t).escalated) }]),
    counterFamily('task_cost_usd', [{ samples: counter(tl, (t) => tasks(t) * ratiosAt(t).costPerTask) }]),
  ];
  return withJob(mergeFamilies(families));
}

interface BrokerRatios {
  failed: number;
  timeout: number;
  /** Fraction of completed executions at or below 30 s / 60 s. */
  latency: readonly [number, number];
  /** Fraction of executions at or below 500 MB / 1 GB, and mean bytes. */
  memory: readonly [number, number, number];
}

const BROKER_HEALTHY: BrokerRatios = { failed: 0.0015, timeout: 0.0005, latency: [0.97, 0.995], memory: [0.9, 0.99, 320e6] };

function brokerFamilies(tl: Timeline, ratiosAt: (t: number) => BrokerRatios): MetricFamily[] {
  const executions = (t: number): number => 10 * diurnal(t);
  const durationShape = (t: number): HistogramShape => {
    const [a, b] = ratiosAt(t).latency;
    return { fractions: [[30, a], [60, b]], mean: 9 };
  };
  const memoryShape = (t: number): HistogramShape => {
    const [a, b, mean] = ratiosAt(t).memory;
    return { fractions: [[500e6, a], [1e9, b]], mean };
  };
  const completed = (t: number): number => executions(t) * (1 - ratiosAt(t).failed - ratiosAt(t).timeout);
  const durationLabels = HISTOGRAM_SIGNALS.execution_duration.matchers;
  const families: MetricFamily[] = [
    counterFamily('executions_completed', [{ samples: counter(tl, completed) }]),
    counterFamily('executions_failed', [{ samples: counter(tl, (t) => executions(t) * ratiosAt(t).failed) }]),
    counterFamily('executions_timeout', [{ samples: counter(tl, (t) => executions(t) * ratiosAt(t).timeout) }]),
    histogramFamily('execution_duration', [{ points: histogram(tl, completed, durationShape) }], durationLabels),
    histogramFamily('execution_memory', [{ points: histogram(tl, executions, memoryShape) }]),
    counterFamily('conversations', [{ samples: counter(tl, (t) => 2 * diurnal(t)) }]),
  ];
  return withJob(mergeFamilies(families));
}

export const RUNTIME_STREAK_SECONDS = 84 * HOUR;
export const KOKINO_INCIDENT_SECONDS = 10 * HOUR;
/** The kokino scenario's healthy gate point: before the incident, with 30 days of history behind it. */
export const KOKINO_HEALTHY_OFFSET_SECONDS = 18 * HOUR;

export const SCENARIOS: readonly ScenarioDefinition[] = [
  {
    name: 'runtime-v1-warning-streak',
    profile: 'runtime-v1',
    days: 8,
    description: 'escalation rate 7.5 % (warning > 6 %) for the last 3.5 days of 8; everything else healthy',
    build(endSeconds) {
      const tl = timeline(endSeconds, 8);
      const streakFrom = tl.end - RUNTIME_STREAK_SECONDS;
      const families = runtimeFamilies(tl, (t) => (t > streakFrom ? { ...RUNTIME_HEALTHY, escalated: 0.075 } : RUNTIME_HEALTHY));
      return {
        name: this.name,
        profile: this.profile,
        description: this.description,
        startSeconds: tl.start,
        endSeconds: tl.end,
        families,
        expectedAlerts: ['SLOEscalationRateWarning'],
        expectations: [{ gateOffsetSeconds: 0, verdict: 'approval_required', failingObjectives: ['escalation_rate'] }],
      };
    },
  },
  {
    name: 'runtime-v1-healthy',
    profile: 'runtime-v1',
    days: 8,
    description: 'every runtime-v1 objective meets its target for 8 days',
    build(endSeconds) {
      const tl = timeline(endSeconds, 8);
      return {
        name: this.name,
        profile: this.profile,
        description: this.description,
        startSeconds: tl.start,
        endSeconds: tl.end,
        families: runtimeFamilies(tl, () => RUNTIME_HEALTHY),
        expectedAlerts: [],
        expectations: [{ gateOffsetSeconds: 0, verdict: 'pass', failingObjectives: [] }],
      };
    },
  },
  {
    name: 'kokino-availability-incident',
    profile: 'kokino',
    days: 31,
    description: 'availability 50 % for the last 10 hours of 31 days (critical over 7d, 30d budget exhausted); healthy before',
    build(endSeconds) {
      const tl = timeline(endSeconds, 31);
      const incidentFrom = tl.end - KOKINO_INCIDENT_SECONDS;
      const families = brokerFamilies(tl, (t) => (t > incidentFrom ? { ...BROKER_HEALTHY, failed: 0.45, timeout: 0.05 } : BROKER_HEALTHY));
      return {
        name: this.name,
        profile: this.profile,
        description: this.description,
        startSeconds: tl.start,
        endSeconds: tl.end,
        families,
        expectedAlerts: ['SLOAvailabilityCritical', 'SLOAvailabilityFastBurn', 'SLOAvailabilitySlowBurn', 'SLOAvailabilityBudgetExhausted', 'SLOAvailabilityEscalation'],
        expectations: [
          { gateOffsetSeconds: 0, verdict: 'blocked', failingObjectives: ['availability'] },
          { gateOffsetSeconds: KOKINO_HEALTHY_OFFSET_SECONDS, verdict: 'pass', failingObjectives: [] },
        ],
      };
    },
  },
];

/**
 * Families in the catalogue's spelling, renamed as `naming` spells metric and label names. A counter that the naming
 * writes without `_total` (utf8, Prometheus' NoTranslation) goes in as a gauge: OpenMetrics counter samples must end
 * in `_total`, and TSDB blocks keep no metric type.
 */
export function spellFamilies(families: readonly MetricFamily[], naming: MetricNaming): MetricFamily[] {
  const labels = (l: Labels): Labels => Object.fromEntries(Object.entries(l).map(([k, v]) => [signalLabelName(k, naming), v]));
  return families.map((f): MetricFamily => {
    if (f.type === 'histogram') return { ...f, name: signalMetricName(f.name, naming), series: f.series.map((s) => ({ ...s, labels: labels(s.labels) })) };
    const series = f.series.map((s) => ({ ...s, labels: labels(s.labels) }));
    const name = signalMetricName(f.type === 'counter' && !f.name.endsWith('_total') ? `${f.name}_total` : f.name, naming);
    return f.type === 'counter' && !name.endsWith('_total') ? { type: 'gauge', name, series } : { ...f, name, series };
  });
}

export function scenarioNames(): string[] {
  return SCENARIOS.map((s) => s.name);
}

export function findScenario(name: string): ScenarioDefinition | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
