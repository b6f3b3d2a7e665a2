/**
 * The wire format of an SLO spec, `apiVersion: agent-slo/v1`. Only shape lives here (types, required fields,
 * unknown-field rejection); meaning (threshold order, durations, PromQL) is checked in validate.ts.
 * A v2 goes beside this file as schema-v2.ts with its own mapping to the same model.
 */
import { z } from 'zod';
import { COUNTER_SIGNALS, HISTOGRAM_SIGNALS, METRIC_NAMINGS, PROMETHEUS_VERSIONS } from '../conventions.js';

export const API_VERSION_V1 = 'agent-slo/v1';
export const KIND_PROFILE = 'SLOProfile';

const counterSignalNames = Object.keys(COUNTER_SIGNALS) as [string, ...string[]];
const histogramSignalNames = Object.keys(HISTOGRAM_SIGNALS) as [string, ...string[]];

const name = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower_snake_case: letters, digits and _ (starting with a letter)');
const profileName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-kebab-case: letters, digits and -');
const duration = z.string();
const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name');
const labelMap = z.record(labelName, z.string());
/** A label a selector matches on: also an OTel attribute name with dots (`gen_ai.tool.name`) for UTF-8 metricNames. */
const matchedLabelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_.]*$/, 'must be a Prometheus label name (dots only with metricNames utf8 or utf8-unit-suffixes)');
const matcherMap = z.record(matchedLabelName, z.string());

/** Where events are counted: a signal of the instrumentation package, or PromQL with `{{window}}`. */
export const eventSourceSchema = z.strictObject({
  signal: z.enum(counterSignalNames).optional(),
  matchers: matcherMap.optional(),
  promql: z.string().optional(),
});

export const histogramSourceSchema = z.strictObject({
  signal: z.enum(histogramSignalNames).optional(),
  metric: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:.]*$/, 'must be a Prometheus metric name without _bucket (dots only with metricNames utf8 or utf8-unit-suffixes)').optional(),
  unit: z.enum(['s', 'ms', 'By']).optional(),
  matchers: matcherMap.optional(),
});

export const sliSchema = z.strictObject({
  ratio: z
    .strictObject({
      good: eventSourceSchema.optional(),
      bad: eventSourceSchema.optional(),
      total: eventSourceSchema,
    })
    .optional(),
  quantile: z.strictObject({ histogram: histogramSourceSchema, quantile: z.number().gt(0).lt(1) }).optional(),
  average: z.strictObject({ histogram: histogramSourceSchema }).optional(),
  perEvent: z.strictObject({ value: eventSourceSchema, events: eventSourceSchema }).optional(),
  zeroTolerance: z.strictObject({ events: eventSourceSchema, population: eventSourceSchema.optional() }).optional(),
});

export const thresholdSchema = z.strictObject({
  threshold: z.number(),
  for: duration.optional(),
  severity: z.string().min(1).optional(),
});

export const windowsSchema = z.strictObject({
  alert: duration.optional(),
  gate: duration.optional(),
  budget: duration.optional(),
  target: duration.optional(),
});

export const burnRateAlertSchema = z.strictObject({
  name,
  consumed: z.number().gt(0).lte(1),
  within: duration,
  shortWindow: duration.optional(),
  severity: z.string().min(1),
});

export const errorBudgetSchema = z.strictObject({
  allowed: z.number().gte(0).lt(1).optional(),
  window: duration.optional(),
  standardBurnRates: z.boolean().optional(),
  burnRateAlerts: z.array(burnRateAlertSchema).optional(),
  onExhausted: z.enum(['freeze', 'alert']).optional(),
  exhaustedSeverity: z.string().min(1).optional(),
});

export const escalationSchema = z.strictObject({
  to: z.string().min(1),
  after: duration.optional(),
  immediate: z.boolean().optional(),
  when: z.strictObject({ events: eventSourceSchema, above: z.number().gte(0), window: duration }).optional(),
  severity: z.string().min(1).optional(),
});

export const routingSchema = z.strictObject({
  owner: z.string().min(1).optional(),
  team: z.string().min(1).optional(),
  channel: z.string().min(1).optional(),
});

export const objectiveSchema = z.strictObject({
  name,
  title: z.string().min(1).optional(),
  description: z.string().optional(),
  direction: z.enum(['higher_is_better', 'lower_is_better']),
  unit: z.enum(['ratio', 's', 'ms', 'By', 'MB', 'GB', 'USD', 'events']),
  target: z.number(),
  warning: thresholdSchema.optional(),
  critical: thresholdSchema,
  windows: windowsSchema.optional(),
  sli: sliSchema,
  activeOnlyWithData: z.boolean().optional(),
  modelScoped: z.boolean().optional(),
  minEvents: z.number().int().gte(0).optional(),
  owner: z.string().min(1).optional(),
  team: z.string().min(1).optional(),
  channel: z.string().min(1).optional(),
  escalation: escalationSchema.optional(),
  runbook: z.string().min(1).optional(),
  statusMetric: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a Prometheus metric name').optional(),
  errorBudget: errorBudgetSchema.optional(),
});

export const notificationsSchema = z.strictObject({
  slack: z.strictObject({ apiUrlFile: z.string().min(1) }).optional(),
  webhook: z.strictObject({ urlEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name') }).optional(),
  pageSeverities: z.array(z.string().min(1)).optional(),
  groupWait: duration.optional(),
  repeatInterval: duration.optional(),
});

export const gateSchema = z.strictObject({
  blockOnCritical: z.boolean().optional(),
  approvalAfterConsecutiveWarnings: z.number().int().gte(0).optional(),
  freezeOnBudgetExhausted: z.boolean().optional(),
  modelLabel: matchedLabelName.optional(),
});

/** A path relative to the generate output root, inside it (no `.`/`..` segments), ending in .json. */
const outputJsonPath = z
  .string()
  .regex(/^(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9_][A-Za-z0-9._/-]*\.json$/, 'must be a relative path inside the output root ending in .json, without . or .. segments');

export const dashboardsSchema = z.strictObject({
  /** The generated dashboard is also written at these paths (e.g. where a document asks for it). */
  extraPaths: z.array(outputJsonPath).optional(),
});

export const profileSchemaV1 = z.strictObject({
  apiVersion: z.literal(API_VERSION_V1),
  kind: z.literal(KIND_PROFILE),
  metadata: z.strictObject({
    name: profileName,
    title: z.string().min(1).optional(),
    service: z.string().min(1),
    description: z.string().optional(),
    source: z.string().optional(),
    runbookBaseUrl: z.string().min(1).optional(),
    labels: labelMap.optional(),
  }),
  selector: matcherMap.optional(),
  /** How the pipeline in front of Prometheus names OTel metrics (conventions.ts METRIC_NAMINGS). @default otel-js */
  metricNames: z.enum(METRIC_NAMINGS).optional(),
  /** The Prometheus major version the generated rules and queries target (utf8 metricNames need 3). @default 2 */
  prometheusVersion: z.literal(PROMETHEUS_VERSIONS).optional(),
  defaults: z
    .strictObject({
      windows: windowsSchema.optional(),
      minEvents: z.number().int().gte(0).optional(),
      severities: z.strictObject({ warning: z.string().min(1).optional(), critical: z.string().min(1).optional() }).optional(),
      routing: routingSchema.optional(),
      errorBudget: errorBudgetSchema.optional(),
    })
    .optional(),
  gate: gateSchema.optional(),
  notifications: notificationsSchema.optional(),
  dashboards: dashboardsSchema.optional(),
  objectives: z.array(objectiveSchema).min(1),
});

export type ProfileWireV1 = z.infer<typeof profileSchemaV1>;
export type ObjectiveWire = z.infer<typeof objectiveSchema>;
export type EventSourceWire = z.infer<typeof eventSourceSchema>;
export type HistogramSourceWire = z.infer<typeof histogramSourceSchema>;
export type ErrorBudgetWire = z.infer<typeof errorBudgetSchema>;
export type ThresholdWire = z.infer<typeof thresholdSchema>;
