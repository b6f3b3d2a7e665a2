/**
 * The collector's traces → metrics pipeline (collector-config/otelcol-spans.yaml), generated from the span-convention
 * mapping table of the instrumentation package (the same table its span processor reads) and from the same bucket
 * boundaries the instrumentation records with. Merged over the shipped otelcol.yaml (`--config` twice) or any config
 * with an `otlp` receiver, a `memory_limiter` processor and a `metrics` pipeline. Stock components only: filter (spans
 * already recorded in process), transform (conventions → gen_ai view), batch (serialises deltas), signal_to_metrics,
 * deltatocumulative, forward (hands the cumulative series to the `metrics` pipeline, so they get that pipeline's
 * naming and exporters, whatever naming mode it uses). docs/instrument-any-runtime.md explains it.
 */
import { stringify } from 'yaml';
import {
  ATTR_AGENT_ESCALATION_REASON,
  ATTR_AGENT_FALLBACK_FROM_MODEL,
  ATTR_AGENT_FALLBACK_REASON,
  ATTR_AGENT_FALLBACK_TO_MODEL,
  ATTR_AGENT_REJECTED_INSTRUMENT,
  ATTR_AGENT_REJECTED_REASON,
  ATTR_AGENT_TASK_OUTCOME,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
  METRIC_AGENT_ESCALATIONS,
  METRIC_AGENT_INSTRUMENTATION_REJECTED,
  METRIC_AGENT_MODEL_FALLBACKS,
  METRIC_AGENT_TASKS,
  METRIC_AGENT_TASK_COST,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_GEN_AI_INVOKE_AGENT_DURATION,
  SCOPES_RECORDING_CLIENT_METRICS,
  TASK_OUTCOMES,
  TOKEN_USAGE_BUCKETS,
  UNIT_SECONDS,
  UNIT_TOKENS,
  UNIT_USD,
  VALUE_OTHER,
  ATTR_AGENT_METRICS_IN_PROCESS,
  KNOWN_OPERATIONS,
  LLM_EVIDENCE_ATTRIBUTES,
  MODEL_OPERATIONS,
  SPAN_CONVENTION_RULES,
  DEFAULT_MAX_VALUE_LENGTH,
  type CardinalityOptions,
  type PriceTable,
} from '@agent-slo/instrumentation';
import type { GeneratedFile } from '../types.js';

export const COLLECTOR_SPANS_FILE = 'collector-config/otelcol-spans.yaml';

/** Names of the components the overlay adds (tests and docs refer to them). */
export const SPANS_COMPONENTS = {
  filter: 'filter/agent_slo_in_process',
  conventions: 'transform/agent_slo_span_conventions',
  prices: 'transform/agent_slo_prices',
  connector: 'signal_to_metrics/agent_slo',
  labelBounds: 'transform/agent_slo_label_bounds',
  incarnation: 'transform/agent_slo_collector_instance',
  batch: 'batch/agent_slo_spans',
  cumulative: 'deltatocumulative/agent_slo_spans',
  handOff: 'forward/agent_slo',
  tracesPipeline: 'traces/agent_slo',
  metricsPipeline: 'metrics/agent_slo_from_spans',
  /** The base config's metrics pipeline: the span-derived series join it (its naming, its exporters). */
  basePipeline: 'metrics',
} as const;

/**
 * Label of every span-derived series: the collector process that derived it (signal_to_metrics' own instance id,
 * new on every start). deltatocumulative loses its state on a restart; without this label the restarted counters
 * would continue the old series from zero, and a first value ≥ the last one before the restart hides the reset from
 * Prometheus (counts lost). With it a restart starts new series, which the generated rules count from their first
 * sample; rules and gate aggregate the label away. docs/instrument-any-runtime.md ("Collector restarts").
 */
export const ATTR_COLLECTOR_INSTANCE = 'agent_slo.collector.instance';

/** Scratch span attributes of the pipeline (on the pipeline's copy of the span only). */
const TMP_INPUT = 'agent_slo.tmp.input_tokens';
const TMP_OUTPUT = 'agent_slo.tmp.output_tokens';
const TMP_COST = 'agent_slo.tmp.cost_usd';


const attr = (k: string): string => `span.attributes[${JSON.stringify(k)}]`;
const q = (v: string): string => JSON.stringify(v);
const anyOf = (k: string, values: readonly string[]): string =>
  values.length === 1 ? `${attr(k)} == ${q(values[0]!)}` : `(${values.map((v) => `${attr(k)} == ${q(v)}`).join(' or ')})`;
const regexOf = (values: readonly string[]): string => `^(${values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;
const OP = ATTR_GEN_AI_OPERATION_NAME;
const isModel = anyOf(OP, MODEL_OPERATIONS);
const isAgent = `${attr(OP)} == ${q(GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT)}`;
/** Spans whose own instrumentation records gen_ai.client.* (as the span processor's clientMetrics 'auto'). */
const recordsClientMetrics = `(${SCOPES_RECORDING_CLIENT_METRICS.map((s) => `instrumentation_scope.name == ${q(s)}`).join(' or ')})`;

/** Transform statements that apply the mapping table, then the defaults the span processor applies. */
export function conventionStatements(): string[] {
  const out: string[] = [];
  for (const rule of SPAN_CONVENTION_RULES) {
    const markerValues = Object.keys(rule.operations);
    for (const value of markerValues) {
      if (rule.marker === OP) continue; // the GenAI row only fills attributes
      out.push(`set(${attr(OP)}, ${q(rule.operations[value]!)}) where ${attr(OP)} == nil and ${attr(rule.marker)} == ${q(value)}`);
    }
    for (const [target, sources] of Object.entries(rule.attributes)) {
      for (const source of sources) {
        out.push(`set(${attr(target)}, ${attr(source)}) where ${attr(target)} == nil and ${attr(source)} != nil and ${anyOf(rule.marker, markerValues)}`);
      }
    }
  }
  // Failure: status ERROR or error.type; error.type defaults to _OTHER. Missing model / tool names are _OTHER.
  out.push(`set(${attr(ATTR_ERROR_TYPE)}, ${q(VALUE_OTHER)}) where ${attr(ATTR_ERROR_TYPE)} == nil and span.status.code == STATUS_CODE_ERROR`);
  out.push(`set(${attr(ATTR_GEN_AI_REQUEST_MODEL)}, ${q(VALUE_OTHER)}) where ${attr(ATTR_GEN_AI_REQUEST_MODEL)} == nil and ${isModel}`);
  out.push(`set(${attr(ATTR_GEN_AI_TOOL_NAME)}, ${q(VALUE_OTHER)}) where ${attr(ATTR_GEN_AI_TOOL_NAME)} == nil and ${attr(OP)} == ${q(GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL)}`);
  // Tasks: a declared agent.task.outcome (valid values only), else a root invoke_agent span, by its status.
  const outcome = attr(ATTR_AGENT_TASK_OUTCOME);
  out.push(`delete_key(span.attributes, ${q(ATTR_AGENT_TASK_OUTCOME)}) where ${outcome} != nil and not IsMatch(${outcome}, ${q(regexOf(TASK_OUTCOMES))})`);
  out.push(`set(${outcome}, "failure") where ${isAgent} and ${outcome} == nil and IsRootSpan() and ${attr(ATTR_ERROR_TYPE)} != nil`);
  out.push(`set(${outcome}, "success") where ${isAgent} and ${outcome} == nil and IsRootSpan()`);
  // A task's latency carries error.type only when the task failed (as recordTask does).
  out.push(`delete_key(span.attributes, ${q(ATTR_ERROR_TYPE)}) where ${isAgent} and ${outcome} != nil and ${outcome} != "failure"`);
  out.push(`set(${attr(ATTR_ERROR_TYPE)}, ${q(VALUE_OTHER)}) where ${isAgent} and ${outcome} == "failure" and ${attr(ATTR_ERROR_TYPE)} == nil`);
  // Fallbacks: the failed call's requested model is the model that fell back.
  out.push(`set(${attr(ATTR_AGENT_FALLBACK_FROM_MODEL)}, ${attr(ATTR_GEN_AI_REQUEST_MODEL)}) where ${isModel} and ${attr(ATTR_AGENT_FALLBACK_TO_MODEL)} != nil`);
  // Token counts as doubles for the price statements (a missing count is 0, as in costFromUsage).
  const input = attr(ATTR_GEN_AI_USAGE_INPUT_TOKENS);
  const output = attr(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS);
  const hasUsage = `${isModel} and (${input} != nil or ${output} != nil)`;
  out.push(`set(${attr(TMP_INPUT)}, Double(${input})) where ${hasUsage} and ${input} != nil`);
  out.push(`set(${attr(TMP_INPUT)}, 0.0) where ${hasUsage} and ${input} == nil`);
  out.push(`set(${attr(TMP_OUTPUT)}, Double(${output})) where ${hasUsage} and ${output} != nil`);
  out.push(`set(${attr(TMP_OUTPUT)}, 0.0) where ${hasUsage} and ${output} == nil`);
  return out;
}

/**
 * Price statements: cost in USD of a model span's token usage, with the span processor's lookup (response model,
 * then request model, then the `'*'` entry; later statements win) and the same arithmetic as costFromUsage.
 */
export function priceStatements(table: PriceTable): string[] {
  const out: string[] = [];
  const cost = (model: string): string => {
    const p = table[model]!;
    return `((${attr(TMP_INPUT)} * ${num(p.inputPerMillionTokens)}) + (${attr(TMP_OUTPUT)} * ${num(p.outputPerMillionTokens)})) / 1000000.0`;
  };
  const priced = `${attr(TMP_INPUT)} != nil`;
  if (table['*'] !== undefined) out.push(`set(${attr(TMP_COST)}, ${cost('*')}) where ${priced}`);
  const models = Object.keys(table).filter((m) => m !== '*').sort();
  for (const m of models) out.push(`set(${attr(TMP_COST)}, ${cost(m)}) where ${priced} and ${attr(ATTR_GEN_AI_REQUEST_MODEL)} == ${q(m)}`);
  for (const m of models) out.push(`set(${attr(TMP_COST)}, ${cost(m)}) where ${priced} and ${attr(ATTR_GEN_AI_RESPONSE_MODEL)} == ${q(m)}`);
  return out;
}

/** The prices processor's statement without a price table (a transform needs at least one statement). */
export const NO_PRICES = 'set(span.attributes["agent_slo.tmp.no_prices"], true) where false';

/** Span attributes that become labels of the derived metrics with open-ended values: bounded as in process. */
export const BOUNDED_LABELS = [
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_AGENT_FALLBACK_FROM_MODEL,
  ATTR_AGENT_FALLBACK_TO_MODEL,
  ATTR_AGENT_FALLBACK_REASON,
  ATTR_AGENT_ESCALATION_REASON,
] as const;

const ABSENT_UNLESS_STRING: ReadonlySet<string> = new Set([ATTR_GEN_AI_AGENT_NAME, ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_RESPONSE_MODEL, ATTR_AGENT_FALLBACK_TO_MODEL]);

/**
 * Label bounds as transform statements, the in-process BoundedValues rule per label attribute: a value that is not a
 * non-empty string of at most maxValueLength characters, or (with an allow-list) not listed, becomes `_OTHER`.
 * The first-N rule without an allow-list needs state across spans, which OTTL statements do not have.
 * Runs after the price statements (prices look up the model name as sent, as costFromUsage does).
 */
export function labelBoundStatements(cardinality: Pick<CardinalityOptions, 'allow' | 'maxValueLength'> = {}): string[] {
  const max = cardinality.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH;
  const other = q(VALUE_OTHER);
  const out: string[] = [];
  for (const key of BOUNDED_LABELS) {
    const a = attr(key);
    // A value that is not a string: an optional label is left out (the span processor reads it as absent), others are _OTHER.
    if (ABSENT_UNLESS_STRING.has(key)) out.push(`delete_key(span.attributes, ${q(key)}) where ${a} != nil and not IsString(${a})`);
    else out.push(`set(${a}, ${other}) where ${a} != nil and not IsString(${a})`);
    out.push(`set(${a}, ${other}) where IsString(${a}) and (Len(${a}) == 0 or Len(${a}) > ${String(max)})`);
    const allow = cardinality.allow?.[key];
    if (allow !== undefined && allow.length > 0) out.push(`set(${a}, ${other}) where IsString(${a}) and ${allow.map((v) => `${a} != ${q(v)}`).join(' and ')}`);
  }
  return out;
}

/** A float literal OTTL parses as a double (an integer literal would make the arithmetic integer). */
function num(v: number): string {
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

type Attr = { key: string; optional?: true; default_value?: string };
const req = (key: string): Attr => ({ key });
const opt = (key: string): Attr => ({ key, optional: true });
const dflt = (key: string, value: string): Attr => ({ key, default_value: value });

const COUNT = 'Int(AdjustedCount())';
const SECONDS = 'Double(span.end_time_unix_nano - span.start_time_unix_nano) / 1000000000.0';

/** The signal_to_metrics span metrics: the instrumentation's names, units, label sets and buckets. */
export function spanMetricDefinitions(buckets: Readonly<Record<string, readonly number[]>>): unknown[] {
  const seconds = (name: string, description: string, conditions: string[], attributes: Attr[]): unknown => ({
    name,
    description,
    unit: UNIT_SECONDS,
    conditions,
    attributes,
    histogram: { buckets: [...bucketsOf(buckets, name)], count: 'AdjustedCount()', value: SECONDS },
  });
  const counter = (name: string, description: string, unit: string, conditions: string[], attributes: Attr[], value = COUNT): unknown => ({
    name,
    description,
    unit,
    conditions,
    attributes,
    sum: { value, monotonic: true },
  });
  const clientModel = `${isModel} and not ${recordsClientMetrics}`;
  const tokens = (type: 'input' | 'output', source: string): unknown => ({
    name: METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
    description: 'Measures number of input and output tokens used.',
    unit: UNIT_TOKENS,
    conditions: [`${clientModel} and ${attr(ATTR_ERROR_TYPE)} == nil and ${attr(source)} != nil`],
    attributes: [req(OP), req(ATTR_GEN_AI_REQUEST_MODEL), opt(ATTR_GEN_AI_PROVIDER_NAME), opt(ATTR_GEN_AI_RESPONSE_MODEL), dflt(ATTR_GEN_AI_TOKEN_TYPE, type)],
    histogram: { buckets: [...TOKEN_USAGE_BUCKETS], count: 'AdjustedCount()', value: `Double(${attr(source)})` },
  });
  const rejected = (reason: string, instrument: string, conditions: string[]): unknown =>
    counter(METRIC_AGENT_INSTRUMENTATION_REJECTED, 'Recordings rejected because their input was invalid.', '{recording}', conditions, [
      dflt(ATTR_AGENT_REJECTED_INSTRUMENT, instrument),
      dflt(ATTR_AGENT_REJECTED_REASON, reason),
    ]);
  const op = attr(OP);
  return [
    seconds(METRIC_GEN_AI_EXECUTE_TOOL_DURATION, 'Duration of tool executions.', [`${op} == ${q(GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL)}`], [
      req(OP),
      req(ATTR_GEN_AI_TOOL_NAME),
      opt(ATTR_GEN_AI_AGENT_NAME),
      opt(ATTR_ERROR_TYPE),
    ]),
    seconds(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, 'GenAI operation duration.', [clientModel], [
      req(OP),
      req(ATTR_GEN_AI_REQUEST_MODEL),
      opt(ATTR_GEN_AI_PROVIDER_NAME),
      opt(ATTR_GEN_AI_RESPONSE_MODEL),
      opt(ATTR_ERROR_TYPE),
    ]),
    tokens('input', ATTR_GEN_AI_USAGE_INPUT_TOKENS),
    tokens('output', ATTR_GEN_AI_USAGE_OUTPUT_TOKENS),
    seconds(METRIC_GEN_AI_INVOKE_AGENT_DURATION, 'Duration of agent invocations (response latency).', [isAgent], [
      req(OP),
      opt(ATTR_GEN_AI_AGENT_NAME),
      opt(ATTR_ERROR_TYPE),
    ]),
    counter(METRIC_AGENT_TASKS, 'Finished agent tasks by outcome.', '{task}', [`${isAgent} and ${attr(ATTR_AGENT_TASK_OUTCOME)} != nil`], [
      req(ATTR_AGENT_TASK_OUTCOME),
      opt(ATTR_GEN_AI_AGENT_NAME),
    ]),
    counter(METRIC_AGENT_ESCALATIONS, 'Escalations to a human.', '{escalation}', [`${isAgent} and ${attr(ATTR_AGENT_TASK_OUTCOME)} == "escalated"`], [
      dflt(ATTR_AGENT_ESCALATION_REASON, VALUE_OTHER),
      opt(ATTR_GEN_AI_AGENT_NAME),
    ]),
    counter(METRIC_AGENT_MODEL_FALLBACKS, 'Model calls that fell back to another model.', '{fallback}', [`${isModel} and ${attr(ATTR_AGENT_FALLBACK_TO_MODEL)} != nil`], [
      req(ATTR_GEN_AI_REQUEST_MODEL),
      req(ATTR_AGENT_FALLBACK_FROM_MODEL),
      req(ATTR_AGENT_FALLBACK_TO_MODEL),
      dflt(ATTR_AGENT_FALLBACK_REASON, VALUE_OTHER),
    ]),
    counter(
      METRIC_AGENT_TASK_COST,
      'Cost of agent tasks.',
      UNIT_USD,
      [`${isModel} and ${attr(TMP_COST)} != nil and ${attr(TMP_COST)} > 0.0`],
      [req(ATTR_GEN_AI_REQUEST_MODEL)],
      `${attr(TMP_COST)} * AdjustedCount()`,
    ),
    rejected('unknown_price', METRIC_AGENT_TASK_COST, [`${isModel} and ${attr(TMP_INPUT)} != nil and ${attr(TMP_COST)} == nil`]),
    rejected('unmapped_span', 'span', [
      `${op} != nil and not IsMatch(${op}, ${q(regexOf(KNOWN_OPERATIONS))})`,
      `${op} == nil and (${LLM_EVIDENCE_ATTRIBUTES.map((k) => `${attr(k)} != nil`).join(' or ')})`,
    ]),
  ];
}

function bucketsOf(buckets: Readonly<Record<string, readonly number[]>>, name: string): readonly number[] {
  const b = buckets[name];
  if (b === undefined) throw new Error(`no generated bucket boundaries for ${name}`);
  return b;
}

/** The overlay's configuration object (prices: the statements of `transform/agent_slo_prices`). */
export function collectorSpansConfig(buckets: Readonly<Record<string, readonly number[]>>, prices: PriceTable = {}): Record<string, unknown> {
  const c = SPANS_COMPONENTS;
  const priceList = priceStatements(prices);
  return {
    processors: {
      // Spans whose metrics a runtime already records in process (the agent-slo span processor marks them).
      [c.filter]: {
        error_mode: 'ignore',
        traces: {
          span: [`resource.attributes[${q(ATTR_AGENT_METRICS_IN_PROCESS)}] == true`, `${attr(ATTR_AGENT_METRICS_IN_PROCESS)} == true`],
        },
      },
      [c.conventions]: { error_mode: 'ignore', trace_statements: [{ context: 'span', statements: conventionStatements() }] },
      // Your price table (USD per million tokens): see docs/instrument-any-runtime.md. Without one, model spans with
      // token usage are counted as rejected (unknown_price), as the span processor does without a price table.
      [c.incarnation]: {
        error_mode: 'ignore',
        metric_statements: [
          { context: 'datapoint', statements: [`set(datapoint.attributes[${q(ATTR_COLLECTOR_INSTANCE)}], resource.attributes["signal_to_metrics.service.instance.id"])`] },
        ],
      },
      [c.prices]: { error_mode: 'ignore', trace_statements: [{ context: 'span', statements: priceList.length > 0 ? priceList : [NO_PRICES] }] },
      // Label values as the in-process recorder bounds them (default length bound; allow-lists from the span settings).
      [c.labelBounds]: { error_mode: 'ignore', trace_statements: [{ context: 'span', statements: labelBoundStatements() }] },
      // The span path's own batch and delta → cumulative state: nothing here depends on the base config's settings.
      [c.batch]: { send_batch_size: 8192, send_batch_max_size: 16384, timeout: '200ms' },
      [c.cumulative]: { max_stale: '10m' },
    },
    connectors: {
      [c.connector]: {
        error_mode: 'ignore',
        spans: spanMetricDefinitions(buckets).map((d) => ({
          ...(d as object),
          include_resource_attributes: [{ key: 'service.name' }, { key: 'service.namespace' }, { key: 'service.instance.id' }],
        })),
      },
      [c.handOff]: {},
    },
    service: {
      pipelines: {
        [c.tracesPipeline]: {
          receivers: ['otlp'],
          // batch last: one goroutine hands batches to the connector, so its delta timestamps only increase.
          processors: ['memory_limiter', c.filter, c.conventions, c.prices, c.labelBounds, c.batch],
          exporters: [c.connector],
        },
        [c.metricsPipeline]: {
          receivers: [c.connector],
          processors: [c.incarnation, c.cumulative],
          exporters: [c.handOff],
        },
        // The collector's config merge replaces lists: this is the shipped pipeline's receiver list plus the hand-off
        // (docs/instrument-any-runtime.md: a base config with more receivers lists them again after this file).
        [c.basePipeline]: { receivers: ['otlp', c.handOff] },
      },
    },
  };
}

/** collector-config/otelcol-spans.yaml (no prices or allow-lists: those are deployment data, see settings.ts). */
export function generateCollectorSpansFile(buckets: Readonly<Record<string, readonly number[]>>): GeneratedFile {
  const header = [
    '# Generated by `agent-slo generate` from the span-convention mapping table (instrumentation/src/span-conventions.ts)',
    '# and the generated bucket boundaries. Do not edit: change the table or the profiles and regenerate.',
    '#',
    '# Traces → metrics: derives the agent-slo metrics from GenAI, OpenInference and OpenLLMetry spans. Deploy it over',
    '# the shipped config:  otelcol-agent-slo --config=otelcol.yaml --config=otelcol-spans.yaml [--config=otelcol-span-settings.yaml]',
    '# (prices and label allow-lists: `agent-slo generate --span-settings FILE` writes otelcol-span-settings.yaml).',
    '# The derived series join the base config\'s `metrics` pipeline (forward/agent_slo), so they get its naming mode and',
    '# exporters. See docs/instrument-any-runtime.md.',
    '',
  ];
  return { path: COLLECTOR_SPANS_FILE, content: header.join('\n') + stringify(collectorSpansConfig(buckets), { lineWidth: 0 }) };
}
