/**
 * The one home of every name agent-slo generates or reads in Prometheus: metric spellings derived from the
 * instrumentation package's OpenTelemetry names, the signal catalogue that specs refer to by name, and the
 * names of recording rules, labels and alerts. Nothing else in src/ spells a Prometheus name.
 */
import {
  ATTR_AGENT_EXECUTION_OUTCOME,
  ATTR_AGENT_SHADOW_RESULT,
  ATTR_AGENT_TASK_OUTCOME,
  ATTR_ERROR_TYPE,
  METRIC_AGENT_CONVERSATIONS,
  METRIC_AGENT_ESCALATIONS,
  METRIC_AGENT_EXECUTIONS,
  METRIC_AGENT_EXECUTION_DURATION,
  METRIC_AGENT_EXECUTION_MEMORY,
  METRIC_AGENT_INTEGRITY_FAILURES,
  METRIC_AGENT_MODEL_FALLBACKS,
  METRIC_AGENT_SHADOW_COMPARISONS,
  METRIC_AGENT_TASKS,
  METRIC_AGENT_TASK_COST,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_GEN_AI_INVOKE_AGENT_DURATION,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOOL_NAME,
  UNIT_BYTES,
  UNIT_SECONDS,
  UNIT_USD,
} from '@agent-slo/instrumentation';

// --- Prometheus spellings of OpenTelemetry names ---------------------------------------------

/**
 * The Prometheus name of an OTel metric or attribute as `@opentelemetry/exporter-prometheus` 0.223 writes it
 * (and as the shipped collector config is set up to write it): every character outside `[a-zA-Z0-9_:]` becomes
 * `_`, no unit suffix.
 */
export function promName(otelName: string): string {
  return otelName.replace(/[^a-zA-Z0-9_:]/g, '_');
}

/** Counter samples carry `_total`. */
export function promCounter(otelName: string): string {
  return `${promName(otelName)}_total`;
}

/** Histogram series names of an OTel histogram. */
export function promHistogram(otelName: string): { bucket: string; count: string; sum: string } {
  return histogramSeries(promName(otelName));
}

/** Series names of a histogram whose Prometheus base name is `base` (as written: no escaping). */
export function histogramSeries(base: string): { bucket: string; count: string; sum: string } {
  return { bucket: `${base}_bucket`, count: `${base}_count`, sum: `${base}_sum` };
}

// --- metric naming modes: how the user's pipeline spells OTel metric names in Prometheus ---------

/**
 * The spec's `metricNames` (docs/metric-names.md), named after what the pipeline writes:
 * - `otel-js` — the OTel JS Prometheus exporter and the shipped collector config (no unit suffix; the default);
 * - `unit-suffixes` — the Collector's Prometheus exporters and Prometheus 3's OTLP receiver at their defaults
 *   (`UnderscoreEscapingWithSuffixes`): the unit, translated as otlptranslator does, is appended
 *   (`gen_ai_execute_tool_duration_seconds_count`, `agent_task_cost_USD_total`);
 * - `utf8` — Prometheus 3's OTLP receiver with `translation_strategy: NoTranslation`: OTel names and attribute
 *   names as they are, no suffixes (`gen_ai.execute_tool.duration_count`, `agent.tasks`, label `error.type`);
 * - `utf8-unit-suffixes` — `NoUTF8EscapingWithSuffixes`: OTel names with unit and `_total` suffixes
 *   (`gen_ai.execute_tool.duration_seconds_count`, `agent.tasks_total`).
 * The two utf8 modes need Prometheus 3 (quoted names in PromQL): PROMETHEUS_VERSION_FOR_NAMING.
 */
export const METRIC_NAMINGS = ['otel-js', 'unit-suffixes', 'utf8', 'utf8-unit-suffixes'] as const;
export type MetricNaming = (typeof METRIC_NAMINGS)[number];
export const DEFAULT_METRIC_NAMING: MetricNaming = 'otel-js';

/** Prometheus major versions a spec can target (`prometheusVersion`); 2 is the default (rules run on 2.x and 3.x). */
export const PROMETHEUS_VERSIONS = [2, 3] as const;
export type PrometheusVersion = (typeof PROMETHEUS_VERSIONS)[number];
export const DEFAULT_PROMETHEUS_VERSION: PrometheusVersion = 2;

/** True when the naming keeps OTel's UTF-8 names (dots), which only Prometheus 3 stores and queries. */
export function isUtf8Naming(naming: MetricNaming): boolean {
  return naming === 'utf8' || naming === 'utf8-unit-suffixes';
}

/** The lowest Prometheus major version that can read the names of `naming`. */
export function minPrometheusVersion(naming: MetricNaming): PrometheusVersion {
  return isUtf8Naming(naming) ? 3 : 2;
}

/** The instruments the signal catalogue reads, by Prometheus base name: their OTel name and unit. */
const INSTRUMENTS: ReadonlyMap<string, { readonly otel: string; readonly unit?: string }> = new Map(
  (
    [
      [METRIC_GEN_AI_EXECUTE_TOOL_DURATION, UNIT_SECONDS],
      [METRIC_GEN_AI_CLIENT_OPERATION_DURATION, UNIT_SECONDS],
      [METRIC_GEN_AI_INVOKE_AGENT_DURATION, UNIT_SECONDS],
      [METRIC_AGENT_EXECUTION_DURATION, UNIT_SECONDS],
      [METRIC_AGENT_EXECUTION_MEMORY, UNIT_BYTES],
      [METRIC_AGENT_TASK_COST, UNIT_USD],
      [METRIC_AGENT_TASKS],
      [METRIC_AGENT_ESCALATIONS],
      [METRIC_AGENT_EXECUTIONS],
      [METRIC_AGENT_MODEL_FALLBACKS],
      [METRIC_AGENT_SHADOW_COMPARISONS],
      [METRIC_AGENT_CONVERSATIONS],
      [METRIC_AGENT_INTEGRITY_FAILURES],
    ] as const
  ).map(([otel, unit]: readonly [string, string?]) => [promName(otel), unit === undefined ? { otel } : { otel, unit }]),
);
/** The attributes the signal catalogue matches on (and the model and tool labels), by Prometheus label name. */
const ATTRIBUTES: ReadonlyMap<string, string> = new Map(
  [ATTR_ERROR_TYPE, ATTR_AGENT_TASK_OUTCOME, ATTR_AGENT_EXECUTION_OUTCOME, ATTR_AGENT_SHADOW_RESULT, ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_TOOL_NAME].map((a) => [promName(a), a]),
);
/** otlptranslator's unit words for the units above; any other unit is appended as written. */
const UNIT_WORDS: Readonly<Record<string, string>> = { s: 'seconds', ms: 'milliseconds', By: 'bytes' };

/** `name` with its unit word appended as otlptranslator does (not twice; `{annotation}` or no unit adds nothing). */
function withUnit(name: string, unit: string | undefined): string {
  if (unit === undefined || unit.includes('{')) return name;
  const word = UNIT_WORDS[unit] ?? unit;
  return name.endsWith(`_${word}`) ? name : `${name}_${word}`;
}

/**
 * The one place a signal's Prometheus metric name is produced: `metric` is the catalogue's spelling (otel-js:
 * a base name, or one with `_total`/`_count`/`_bucket`/`_sum`), returned as the naming spells it. A name that is
 * not a catalogue instrument (a user's own metric) is returned as written.
 */
export function signalMetricName(metric: string, naming: MetricNaming): string {
  if (naming === 'otel-js') return metric;
  const [, base = metric, suffix = ''] = /^(.+?)(_total|_count|_bucket|_sum)?$/.exec(metric) ?? [];
  const instrument = INSTRUMENTS.get(base);
  if (instrument === undefined) return metric;
  switch (naming) {
    case 'unit-suffixes':
      return `${withUnit(base, instrument.unit)}${suffix}`;
    case 'utf8':
      // NoTranslation adds no suffix at all; histogram series keep _bucket/_count/_sum (they are series, not suffixes).
      return `${instrument.otel}${suffix === '_total' ? '' : suffix}`;
    case 'utf8-unit-suffixes':
      return `${withUnit(instrument.otel, instrument.unit)}${suffix}`;
  }
}

/** A catalogue label (Prometheus spelling of an OTel attribute) as the naming spells it: utf8 modes keep the dots. */
export function signalLabelName(label: string, naming: MetricNaming): string {
  return isUtf8Naming(naming) ? (ATTRIBUTES.get(label) ?? label) : label;
}

/** Label matchers as PromQL writes them. */
export type MatchOp = '=' | '!=' | '=~' | '!~';
export interface Matcher {
  readonly label: string;
  readonly op: MatchOp;
  readonly value: string;
}

/** The histogram bucket bound label. */
export const LABEL_LE = 'le';

// --- signal catalogue: what specs name with `signal:` ----------------------------------------

/** A counter-like series: `increase()` of it counts events (or sums a value such as USD). */
export interface CounterSignal {
  readonly type: 'counter';
  readonly metric: string;
  readonly matchers: readonly Matcher[];
  readonly description: string;
}

/** A histogram: `metric` is the base name (`_bucket`, `_count`, `_sum` are appended); `unit` is the recorded unit. */
export interface HistogramSignal {
  readonly type: 'histogram';
  readonly metric: string;
  readonly unit: 's' | 'By';
  readonly matchers: readonly Matcher[];
  readonly description: string;
}

const eq = (label: string, value: string): Matcher => ({ label: promName(label), op: '=', value });
const ne = (label: string, value: string): Matcher => ({ label: promName(label), op: '!=', value });

const toolCount = promHistogram(METRIC_GEN_AI_EXECUTE_TOOL_DURATION).count;
const modelCount = promHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION).count;

/** Counter signals, by the name a spec uses. */
export const COUNTER_SIGNALS = {
  tool_calls: { type: 'counter', metric: toolCount, matchers: [], description: 'tool calls (gen_ai.execute_tool.duration count)' },
  tool_calls_succeeded: {
    type: 'counter',
    metric: toolCount,
    matchers: [eq(ATTR_ERROR_TYPE, '')],
    description: 'tool calls without error.type',
  },
  tool_calls_failed: {
    type: 'counter',
    metric: toolCount,
    matchers: [ne(ATTR_ERROR_TYPE, '')],
    description: 'tool calls with an error.type',
  },
  model_calls: { type: 'counter', metric: modelCount, matchers: [], description: 'model calls (gen_ai.client.operation.duration count)' },
  model_fallbacks: { type: 'counter', metric: promCounter(METRIC_AGENT_MODEL_FALLBACKS), matchers: [], description: 'model calls that fell back to another model' },
  tasks: { type: 'counter', metric: promCounter(METRIC_AGENT_TASKS), matchers: [], description: 'finished tasks, any outcome' },
  tasks_succeeded: {
    type: 'counter',
    metric: promCounter(METRIC_AGENT_TASKS),
    matchers: [eq(ATTR_AGENT_TASK_OUTCOME, 'success')],
    description: 'tasks with outcome success',
  },
  tasks_failed: {
    type: 'counter',
    metric: promCounter(METRIC_AGENT_TASKS),
    matchers: [eq(ATTR_AGENT_TASK_OUTCOME, 'failure')],
    description: 'tasks with outcome failure',
  },
  tasks_escalated: {
    type: 'counter',
    metric: promCounter(METRIC_AGENT_TASKS),
    matchers: [eq(ATTR_AGENT_TASK_OUTCOME, 'escalated')],
    description: 'tasks with outcome escalated',
  },
  escalations: { type: 'counter', metric: promCounter(METRIC_AGENT_ESCALATIONS), matchers: [], description: 'escalations to a human' },
  task_cost_usd: { type: 'counter', metric: promCounter(METRIC_AGENT_TASK_COST), matchers: [], description: 'task cost in USD' },
  executions: { type: 'counter', metric: promCounter(METRIC_AGENT_EXECUTIONS), matchers: [], description: 'executions: completed, failed or timed out' },
  executions_completed: {
    type: 'counter',
    metric: promCounter(METRIC_AGENT_EXECUTIONS),
    matchers: [eq(ATTR_AGENT_EXECUTION_OUTCOME, 'completed')],
    description: 'executions completed successfully',
  },
  executions_failed: {
    type: 'counter',
    metric: promCounter(METRIC_AGENT_EXECUTIONS),
    matchers: [eq(ATTR_AGENT_EXECUTION_OUTCOME, 'failed')],
    description: 'executions that failed',
  },
  executions_timeout: {
    type: 'counter',
    metric: promCounter(METRIC_AGENT_EXECUTIONS),
    matchers: [eq(ATTR_AGENT_EXECUTION_OUTCOME, 'timeout')],
    description: 'executions that timed out',
  },
  shadow_comparisons: { type: 'counter', metric: promCounter(METRIC_AGENT_SHADOW_COMPARISONS), matchers: [], description: 'shadow-mode comparisons' },
  shadow_matches: {
    type: 'counter',
    metric: promCounter(METRIC_AGENT_SHADOW_COMPARISONS),
    matchers: [eq(ATTR_AGENT_SHADOW_RESULT, 'match')],
    description: 'shadow-mode comparisons where headless matched tmux',
  },
  shadow_mismatches: {
    type: 'counter',
    metric: promCounter(METRIC_AGENT_SHADOW_COMPARISONS),
    matchers: [eq(ATTR_AGENT_SHADOW_RESULT, 'mismatch')],
    description: 'shadow-mode comparisons where headless differed from tmux',
  },
  conversations: { type: 'counter', metric: promCounter(METRIC_AGENT_CONVERSATIONS), matchers: [], description: 'conversations checked' },
  integrity_failures: {
    type: 'counter',
    metric: promCounter(METRIC_AGENT_INTEGRITY_FAILURES),
    matchers: [],
    description: 'CONVERSATION_INTEGRITY_FAIL and ORPHAN_DETECTED events',
  },
} as const satisfies Record<string, CounterSignal>;

/** Histogram signals, by the name a spec uses. */
export const HISTOGRAM_SIGNALS = {
  response_latency: {
    type: 'histogram',
    metric: promName(METRIC_GEN_AI_INVOKE_AGENT_DURATION),
    unit: UNIT_SECONDS,
    matchers: [],
    description: 'agent response time (gen_ai.invoke_agent.duration)',
  },
  tool_duration: {
    type: 'histogram',
    metric: promName(METRIC_GEN_AI_EXECUTE_TOOL_DURATION),
    unit: UNIT_SECONDS,
    matchers: [],
    description: 'tool call time (gen_ai.execute_tool.duration)',
  },
  model_call_duration: {
    type: 'histogram',
    metric: promName(METRIC_GEN_AI_CLIENT_OPERATION_DURATION),
    unit: UNIT_SECONDS,
    matchers: [],
    description: 'model call time (gen_ai.client.operation.duration)',
  },
  execution_duration: {
    type: 'histogram',
    metric: promName(METRIC_AGENT_EXECUTION_DURATION),
    unit: UNIT_SECONDS,
    matchers: [eq(ATTR_AGENT_EXECUTION_OUTCOME, 'completed')],
    description: 'time from EXECUTION_STARTED to EXECUTION_COMPLETED (completed executions)',
  },
  execution_memory: {
    type: 'histogram',
    metric: promName(METRIC_AGENT_EXECUTION_MEMORY),
    unit: UNIT_BYTES,
    matchers: [],
    description: 'process RSS per execution',
  },
} as const satisfies Record<string, HistogramSignal>;

export type CounterSignalName = keyof typeof COUNTER_SIGNALS;
export type HistogramSignalName = keyof typeof HISTOGRAM_SIGNALS;

/** The label that names the model in GenAI metrics, used when the spec scopes an objective to `--model`. */
export const LABEL_MODEL_DEFAULT = promName(ATTR_GEN_AI_REQUEST_MODEL);

// --- generated names: recording rules, labels, alerts ----------------------------------------

/** Prefix of every recording rule agent-slo generates. */
export const RECORD_PREFIX = 'agent_slo';

/** Labels agent-slo puts on every generated series and alert. */
export const LABEL_PROFILE = 'slo_profile';
export const LABEL_OBJECTIVE = 'slo_objective';
export const LABEL_WINDOW = 'slo_window';
export const LABEL_SEVERITY = 'severity';
export const LABEL_OWNER = 'owner';
export const LABEL_TEAM = 'team';
export const LABEL_CHANNEL = 'channel';
export const LABEL_ALERT_KIND = 'slo_alert';
export const LABEL_ESCALATION = 'escalation';

// --- recording rules (owned by src/generate; the gate and dashboards read them) ---------------

/**
 * Short-window component rates: per-second rate over RECORD_SHORT_WINDOW of each SLI component (good, bad, total,
 * value, events, count, sum, le:<threshold>), labelled with profile, objective and `slo_component`. Long windows are
 * built from these by `sum_over_time(...[W - 1s]) × group interval` (traffic-weighted: counts, not ratios, are summed).
 */
export const RECORD_SHORT_WINDOW = '5m';
export const RECORD_COMPONENT_RATE = `${RECORD_PREFIX}:component:rate${RECORD_SHORT_WINDOW}`;
export const LABEL_COMPONENT = 'slo_component';
/**
 * Hourly roll-up of the component rates (docs/counting.md "Hourly roll-up"): one sample per hour per component, the
 * hour's count (Σ rate × interval over the last hour), recorded at the group's first evaluation of each hour; windows
 * of 7 days and more sum these instead of thousands of 1- or 5-minute rates.
 */
export const RECORD_COMPONENT_ROLLUP = `${RECORD_PREFIX}:component:increase1h`;
/** The SLI value over a window (label slo_window), in the objective's unit. */
export const RECORD_SLI = `${RECORD_PREFIX}:sli`;
/** Per objective: 0 meets target, 1 below target, 2 warning, 3 critical, -1 no data, -2 not active (optional objective without inputs), over the alert window. */
export const RECORD_STATE = `${RECORD_PREFIX}:state`;
/** Error budget remaining as a fraction of the whole budget (1 = untouched, ≤0 = exhausted). */
export const RECORD_BUDGET_REMAINING = `${RECORD_PREFIX}:error_budget_remaining`;
/** Burn rate over a window (label slo_window): bad ratio / allowed ratio. */
export const RECORD_BURN_RATE = `${RECORD_PREFIX}:burn_rate`;

// --- alert labels/annotations, Alertmanager and Grafana names (owned by generate/alertmanager, generate/grafana) ---

/** Values of LABEL_ALERT_KIND the rule generators put on alerts. */
export const ALERT_KINDS = ['threshold', 'burn_rate', 'budget_exhausted', 'zero_tolerance', 'no_data', 'escalation'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_KIND_ESCALATION: AlertKind = 'escalation';
export const ALERT_KIND_BUDGET_EXHAUSTED: AlertKind = 'budget_exhausted';

/** Annotations every generated alert carries; notification templates show them. */
export const ANNOTATION_SUMMARY = 'summary';
export const ANNOTATION_DESCRIPTION = 'description';
export const ANNOTATION_METRIC = 'metric';
export const ANNOTATION_OBSERVED = 'observed';
export const ANNOTATION_THRESHOLD = 'threshold';
export const ANNOTATION_WINDOW = 'window';
export const ANNOTATION_RUNBOOK_URL = 'runbook_url';

/** Prometheus's synthetic series of pending/firing alerts, and its labels. */
export const PROM_ALERTS = 'ALERTS';
export const LABEL_ALERTNAME = 'alertname';
export const LABEL_ALERTSTATE = 'alertstate';

/** Alertmanager: the template file and the names of the templates it defines. */
export const AM_TEMPLATE_FILE = 'agent-slo.tmpl';
export const AM_TEMPLATE_PREFIX = 'agent_slo';

/**
 * Alertmanager 0.25 has no webhook `url_file` and no environment expansion: committed configs carry this
 * placeholder URL (valid, never resolvable: `.invalid` is reserved) and `agent-slo render-alertmanager` replaces it
 * with the value of the named environment variable when the config is deployed.
 */
export const AM_ENV_PLACEHOLDER_HOST = 'env.agent-slo.invalid';
export function amEnvPlaceholderUrl(envVar: string): string {
  return `http://${AM_ENV_PLACEHOLDER_HOST}/${envVar}`;
}

/** A recipient such as `@backend-team` or `#ops-alerts` as it appears in receiver names. */
export function amSlug(recipient: string): string {
  return recipient.replace(/^[@#]/, '').replace(/[^a-zA-Z0-9_.-]+/g, '-');
}
/** Slack receiver of one recipient (owner or escalation lead) posting to one channel. */
export function amSlackReceiver(recipient: string, channel: string): string {
  return `slack:${amSlug(recipient)}:${amSlug(channel)}`;
}
/** Pager (generic webhook) receiver of one recipient. */
export function amPagerReceiver(recipient: string): string {
  return `pager:${amSlug(recipient)}`;
}
/** Receiver of alerts no objective route matches: posts to the Slack webhook's default channel, never drops them. */
export const AM_RECEIVER_UNROUTED = 'slack:unrouted';
/**
 * Receiver of the always-firing Watchdog (the dead-man's switch): generated without a notifier, so it never reaches
 * people; point it at a heartbeat service (a webhook that pages when the heartbeats stop) at deploy time.
 */
export const AM_RECEIVER_HEARTBEAT = 'heartbeat';
/** The profile a Watchdog belongs to (not slo_profile: a heartbeat is no SLO alert and stays out of reviews). */
export const LABEL_WATCHDOG = 'slo_watchdog';

/** Grafana: dashboard uid per profile, and the datasource template variable. */
export function grafanaDashboardUid(profile: string): string {
  return `agent-slo-${profile}`.slice(0, 40);
}
export const GRAFANA_DATASOURCE_VAR = 'datasource';

// --- agent-slo serve: gauges and self-metrics on its /metrics (owned by src/serve) ------------

/** Objective gauges (labels slo_profile, slo_objective; slo_window where noted), in the objective's unit. */
export const SERVE_OBJECTIVE_VALUE = `${RECORD_PREFIX}_objective_value`; // + slo_window
/** Same codes as RECORD_STATE: 0 meets target, 1 below target, 2 warning, 3 critical, -1 no data, -2 not active. */
export const SERVE_OBJECTIVE_STATE = `${RECORD_PREFIX}_objective_state`;
export const SERVE_OBJECTIVE_THRESHOLD = `${RECORD_PREFIX}_objective_threshold`; // + level (target|warning|critical)
export const SERVE_ERROR_BUDGET_REMAINING = `${RECORD_PREFIX}_objective_error_budget_remaining`;
export const SERVE_BURN_RATE = `${RECORD_PREFIX}_objective_burn_rate`; // + slo_window
export const LABEL_LEVEL = 'level';
/** The service's own health: 1 when the served status is fresh (last refresh answered), 0 otherwise. */
export const SERVE_UP = `${RECORD_PREFIX}_serve_up`;
export const SERVE_STATUS_AGE = `${RECORD_PREFIX}_serve_status_age_seconds`;
export const SERVE_REFRESHES = `${RECORD_PREFIX}_serve_refreshes_total`;
export const SERVE_REFRESH_ERRORS = `${RECORD_PREFIX}_serve_refresh_errors_total`;
export const SERVE_QUERIES = `${RECORD_PREFIX}_serve_prometheus_queries_total`;
export const SERVE_QUERY_ERRORS = `${RECORD_PREFIX}_serve_prometheus_query_errors_total`; // + reason (error kind)
export const SERVE_QUERY_DURATION = `${RECORD_PREFIX}_serve_prometheus_query_duration_seconds`; // histogram
export const SERVE_HTTP_REQUESTS = `${RECORD_PREFIX}_serve_http_requests_total`; // + path, code
export const LABEL_REASON = 'reason';

// --- rule generator names (owned by src/generate: recording.ts, alerts.ts, burn-rate.ts) ------

/** Events (the SLI's denominator: total, count, events, population) counted over a window (label slo_window). */
export const RECORD_EVENTS = `${RECORD_PREFIX}:events`;
/**
 * Quantile objectives: fraction of events at or below a threshold over a window (labels slo_window, slo_threshold
 * in the objective's unit). p_q > T ⇔ fraction_le{slo_threshold=T} < q: thresholds are decided from this, exactly.
 */
export const RECORD_FRACTION_LE = `${RECORD_PREFIX}:fraction_le`;
export const LABEL_THRESHOLD = 'slo_threshold';
/** Burn-rate alerts: the name of the spec's burn-rate pair (e.g. fast_burn) on the alert. */
export const LABEL_BURN = 'slo_burn';
/** Threshold alerts: the level (warning/critical) the alert stands for, whatever the severity is called. */
export const LABEL_ALERT_LEVEL = 'slo_level';
/** Component label values beyond the SLI's own (queries.ts): error-budget good/bad/total, all bucket rates. */
export const COMPONENT_BUDGET_PREFIX = 'budget_';
export const COMPONENT_BUCKETS = 'buckets';
/** Gap markers beside the component rates (src/sli/gap-marker.ts): times, never counts. */
export const COMPONENT_SEEN = 'time:seen';
export const COMPONENT_FROM = 'time:from';
/** Regex (PromQL `!~`) matching both marker components: readers summing components leave them out. */
export const MARKER_COMPONENTS = 'time:.*';
/** Prometheus rule group of one objective. */
export function ruleGroupName(profile: string, objective: string): string {
  return `${RECORD_PREFIX}:${profile}:${objective}`;
}
/** Alert name: `SLO` + objective in CamelCase + what fired (e.g. SLOAvailabilityCritical, SLOAvailabilityFastBurn). */
export function alertName(objective: string, what: string): string {
  const camel = (s: string): string => s.split(/[^a-zA-Z0-9]+/).filter(Boolean).map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');
  return `SLO${camel(objective)}${camel(what)}`;
}
/** Standard process metrics (the names prom-client's default collector uses), exported by `agent-slo serve`. */
export const PROCESS_CPU_USER = 'process_cpu_user_seconds_total';
export const PROCESS_CPU_SYSTEM = 'process_cpu_system_seconds_total';
export const PROCESS_CPU = 'process_cpu_seconds_total';
export const PROCESS_RESIDENT_MEMORY = 'process_resident_memory_bytes';
export const PROCESS_START_TIME = 'process_start_time_seconds';
export const NODEJS_HEAP_USED = 'nodejs_heap_size_used_bytes';
export const NODEJS_HEAP_TOTAL = 'nodejs_heap_size_total_bytes';

/** The pipeline's self-monitoring alerts (generate/prometheus/pipeline.ts; the Watchdog is routed by the Alertmanager config). */
export const WATCHDOG_ALERT = 'Watchdog';
export const RULE_FAILURES_ALERT = 'SLORuleEvaluationFailures';
export const EXPORT_FAILURES_ALERT = 'SLOCollectorExportFailures';
export const REFUSED_POINTS_ALERT = 'SLOCollectorRefusedPoints';
