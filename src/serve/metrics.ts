/**
 * Prometheus text exposition (format 0.0.4) of the status and of the service's own metrics (pure).
 * Objective gauges appear only while the status is fresh: a failed refresh leaves `agent_slo_serve_up 0` and no
 * objective samples, so stale values are never scraped as current ones.
 */
import {
  LABEL_LEVEL,
  LABEL_OBJECTIVE,
  LABEL_PROFILE,
  LABEL_REASON,
  LABEL_WINDOW,
  NODEJS_HEAP_TOTAL,
  NODEJS_HEAP_USED,
  PROCESS_CPU,
  PROCESS_CPU_SYSTEM,
  PROCESS_CPU_USER,
  PROCESS_RESIDENT_MEMORY,
  PROCESS_START_TIME,
  SERVE_BURN_RATE,
  SERVE_ERROR_BUDGET_REMAINING,
  SERVE_HTTP_REQUESTS,
  SERVE_OBJECTIVE_STATE,
  SERVE_OBJECTIVE_THRESHOLD,
  SERVE_OBJECTIVE_VALUE,
  SERVE_QUERIES,
  SERVE_QUERY_DURATION,
  SERVE_QUERY_ERRORS,
  SERVE_REFRESHES,
  SERVE_REFRESH_ERRORS,
  SERVE_STATUS_AGE,
  SERVE_UP,
} from '../conventions.js';
import type { Unit } from '../profile/model.js';
import { QUERY_DURATION_BUCKETS, type SelfMetricsSnapshot } from './self-metrics.js';
import { escapeExpositionHelp, escapeExpositionLabelValue } from '../escape.js';
import { type JsonNumber, promValue } from '../format.js';
import { STATE_CODES } from '../sli/state.js';
import { objectiveEntries, type StatusDocument } from './status.js';
import { gaugeUnit } from './units.js';

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type LabelSet = Readonly<Record<string, string>>;

interface Family {
  readonly name: string;
  readonly type: 'gauge' | 'counter' | 'histogram';
  readonly help: string;
  readonly samples: { readonly suffix?: string; readonly labels: LabelSet; readonly value: number }[];
}

function labels(set: LabelSet): string {
  const keys = Object.keys(set);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeExpositionLabelValue(set[k] ?? '')}"`).join(',')}}`;
}

/** Renders families in the text format; families without samples are left out. */
export function renderFamilies(families: readonly Family[]): string {
  const out: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    out.push(`# HELP ${f.name} ${escapeExpositionHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) out.push(`${f.name}${s.suffix ?? ''}${labels(s.labels)} ${promValue(s.value)}`);
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

function numeric(v: JsonNumber): number | undefined {
  if (v === null) return undefined;
  if (typeof v === 'number') return v;
  return v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : NaN;
}

/** Objective gauges of a (fresh) status document. */
export function statusFamilies(doc: StatusDocument): Family[] {
  const named = new Map<string, Family>();
  const value: Family = { name: SERVE_OBJECTIVE_VALUE, type: 'gauge', help: 'SLI value over the window (label slo_window), in the objective unit', samples: [] };
  const state: Family = {
    name: SERVE_OBJECTIVE_STATE,
    type: 'gauge',
    help: 'State over the alert window: 0 meets target, 1 below target, 2 warning, 3 critical, -1 no data, -2 not active',
    samples: [],
  };
  const threshold: Family = { name: SERVE_OBJECTIVE_THRESHOLD, type: 'gauge', help: 'Objective thresholds (label level: target, warning, critical), in the objective unit', samples: [] };
  const remaining: Family = { name: SERVE_ERROR_BUDGET_REMAINING, type: 'gauge', help: 'Error budget remaining as a fraction of the whole budget (1 untouched, <=0 exhausted)', samples: [] };
  const burn: Family = { name: SERVE_BURN_RATE, type: 'gauge', help: 'Burn rate over the window (label slo_window): bad ratio / allowed ratio', samples: [] };

  for (const [, s] of objectiveEntries(doc)) {
    const base = { [LABEL_PROFILE]: s.profile, [LABEL_OBJECTIVE]: s.objective };
    if (s.statusMetric !== null) {
      const v = numeric(s.value);
      const u = gaugeUnit(s.statusMetric, s.unit as Unit);
      let fam = named.get(s.statusMetric);
      if (fam === undefined) {
        const win = s.windows.alert?.window ?? 'alert window';
        fam = { name: s.statusMetric, type: 'gauge', help: `${s.title} over the alert window (${win}), in ${u.unit} (agent-slo serve)`, samples: [] };
        named.set(s.statusMetric, fam);
      }
      if (v !== undefined) fam.samples.push({ labels: base, value: v * u.factor });
    }
    const seen = new Set<string>();
    for (const w of Object.values(s.windows)) {
      const v = numeric(w.value);
      if (v === undefined || seen.has(w.window)) continue;
      seen.add(w.window);
      value.samples.push({ labels: { ...base, [LABEL_WINDOW]: w.window }, value: v });
    }
    state.samples.push({ labels: base, value: STATE_CODES[s.state] });
    threshold.samples.push({ labels: { ...base, [LABEL_LEVEL]: 'target' }, value: s.target });
    if (s.warning !== null) threshold.samples.push({ labels: { ...base, [LABEL_LEVEL]: 'warning' }, value: s.warning });
    threshold.samples.push({ labels: { ...base, [LABEL_LEVEL]: 'critical' }, value: s.critical });
    if (s.errorBudget !== null) {
      const r = numeric(s.errorBudget.remaining);
      if (r !== undefined) remaining.samples.push({ labels: base, value: r });
      for (const [w, rate] of Object.entries(s.errorBudget.burnRates)) {
        const v = numeric(rate);
        if (v !== undefined) burn.samples.push({ labels: { ...base, [LABEL_WINDOW]: w }, value: v });
      }
    }
  }
  return [...named.values(), value, state, threshold, remaining, burn];
}

export interface ProcessSnapshot {
  readonly cpuUserSeconds: number;
  readonly cpuSystemSeconds: number;
  readonly residentBytes: number;
  readonly startTimeSeconds: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
}

export function processFamilies(p: ProcessSnapshot): Family[] {
  const one = (name: string, type: 'gauge' | 'counter', help: string, value: number): Family => ({ name, type, help, samples: [{ labels: {}, value }] });
  return [
    one(PROCESS_CPU_USER, 'counter', 'Total user CPU time spent in seconds.', p.cpuUserSeconds),
    one(PROCESS_CPU_SYSTEM, 'counter', 'Total system CPU time spent in seconds.', p.cpuSystemSeconds),
    one(PROCESS_CPU, 'counter', 'Total user and system CPU time spent in seconds.', p.cpuUserSeconds + p.cpuSystemSeconds),
    one(PROCESS_RESIDENT_MEMORY, 'gauge', 'Resident memory size in bytes.', p.residentBytes),
    one(PROCESS_START_TIME, 'gauge', 'Start time of the process since unix epoch in seconds.', p.startTimeSeconds),
    one(NODEJS_HEAP_USED, 'gauge', 'Process heap size used from Node.js in bytes.', p.heapUsedBytes),
    one(NODEJS_HEAP_TOTAL, 'gauge', 'Process heap size from Node.js in bytes.', p.heapTotalBytes),
  ];
}

export function selfFamilies(m: SelfMetricsSnapshot, health: { up: boolean; ageSeconds?: number }): Family[] {
  const families: Family[] = [
    { name: SERVE_UP, type: 'gauge', help: '1 when the served status is fresh (the last refresh answered), 0 otherwise', samples: [{ labels: {}, value: health.up ? 1 : 0 }] },
  ];
  if (health.ageSeconds !== undefined) {
    families.push({ name: SERVE_STATUS_AGE, type: 'gauge', help: 'Seconds since the served status was evaluated', samples: [{ labels: {}, value: health.ageSeconds }] });
  }
  families.push(
    { name: SERVE_REFRESHES, type: 'counter', help: 'Status refreshes (each runs all queries)', samples: [{ labels: {}, value: m.refreshes }] },
    { name: SERVE_REFRESH_ERRORS, type: 'counter', help: 'Status refreshes that failed (Prometheus unreachable or answered an error)', samples: [{ labels: {}, value: m.refreshErrors }] },
    { name: SERVE_QUERIES, type: 'counter', help: 'Prometheus queries sent', samples: [{ labels: {}, value: m.queries }] },
    {
      name: SERVE_QUERY_ERRORS,
      type: 'counter',
      help: 'Prometheus queries that failed, by error kind',
      samples: Object.entries(m.queryErrors).map(([reason, value]) => ({ labels: { [LABEL_REASON]: reason }, value })),
    },
    {
      name: SERVE_QUERY_DURATION,
      type: 'histogram',
      help: 'Prometheus query duration in seconds',
      samples: [
        ...QUERY_DURATION_BUCKETS.map((le, i) => ({ suffix: '_bucket', labels: { le: String(le) }, value: m.queryDuration.buckets[i] ?? 0 })),
        { suffix: '_bucket', labels: { le: '+Inf' }, value: m.queryDuration.count },
        { suffix: '_sum', labels: {}, value: m.queryDuration.sum },
        { suffix: '_count', labels: {}, value: m.queryDuration.count },
      ],
    },
    {
      name: SERVE_HTTP_REQUESTS,
      type: 'counter',
      help: 'HTTP requests served, by path and status code',
      samples: Object.values(m.http).map((h) => ({ labels: { path: h.path, code: String(h.code) }, value: h.count })),
    },
  );
  return families;
}

export interface ExpositionInput {
  /** Present only while fresh. */
  readonly status?: StatusDocument;
  readonly ageSeconds?: number;
  readonly self: SelfMetricsSnapshot;
  readonly process: ProcessSnapshot;
}

/** The whole /metrics body. */
export function exposition(input: ExpositionInput): string {
  const health = input.ageSeconds === undefined ? { up: input.status !== undefined } : { up: input.status !== undefined, ageSeconds: input.ageSeconds };
  return renderFamilies([...(input.status ? statusFamilies(input.status) : []), ...selfFamilies(input.self, health), ...processFamilies(input.process)]);
}
