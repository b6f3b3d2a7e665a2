import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import { DEFAULT_BUCKETS } from './buckets.js';
import {
  METRIC_AGENT_CONVERSATIONS,
  METRIC_AGENT_ESCALATIONS,
  METRIC_AGENT_EXECUTIONS,
  METRIC_AGENT_EXECUTION_DURATION,
  METRIC_AGENT_EXECUTION_MEMORY,
  METRIC_AGENT_INSTRUMENTATION_REJECTED,
  METRIC_AGENT_INTEGRITY_FAILURES,
  METRIC_AGENT_MODEL_FALLBACKS,
  METRIC_AGENT_SHADOW_COMPARISONS,
  METRIC_AGENT_TASKS,
  METRIC_AGENT_TASK_COST,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_GEN_AI_INVOKE_AGENT_DURATION,
  UNIT_BYTES,
  UNIT_SECONDS,
  UNIT_TOKENS,
  UNIT_USD,
} from './semconv.js';
import type { HistogramMetricName } from './types.js';

/**
 * Token-usage buckets from the GenAI semantic conventions' advice for `gen_ai.client.token.usage`
 * (no profile has a token threshold, so they are not generated).
 */
export const TOKEN_USAGE_BUCKETS: readonly number[] = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/** Every instrument the package records into. @internal */
export interface Instruments {
  toolDuration: Histogram;
  clientDuration: Histogram;
  tokenUsage: Histogram;
  invokeAgentDuration: Histogram;
  fallbacks: Counter;
  tasks: Counter;
  escalations: Counter;
  cost: Counter;
  executions: Counter;
  executionDuration: Histogram;
  executionMemory: Histogram;
  shadow: Counter;
  integrity: Counter;
  conversations: Counter;
  rejected: Counter;
}

/** Bucket boundaries per histogram: the defaults, replaced where `overrides` has a valid list. @internal */
export function resolveBuckets(
  overrides: Partial<Record<HistogramMetricName, readonly number[]>> = {},
): Record<HistogramMetricName, number[]> {
  const out = {} as Record<HistogramMetricName, number[]>;
  for (const name of Object.keys(DEFAULT_BUCKETS) as HistogramMetricName[]) {
    const o = overrides[name];
    out[name] = validBoundaries(o) ? [...o] : [...DEFAULT_BUCKETS[name]];
  }
  return out;
}

/** Ascending, finite, non-empty. */
export function validBoundaries(b: readonly number[] | undefined): b is readonly number[] {
  if (!Array.isArray(b) || b.length === 0) return false;
  for (let i = 0; i < b.length; i++) {
    const v: unknown = b[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
    if (i > 0 && v <= b[i - 1]!) return false;
  }
  return true;
}

/** Creates the instruments on `meter` with their descriptors and bucket advice. @internal */
export function createInstruments(meter: Meter, buckets: Record<HistogramMetricName, number[]>): Instruments {
  const seconds = (name: HistogramMetricName, description: string): Histogram =>
    meter.createHistogram(name, { description, unit: UNIT_SECONDS, advice: { explicitBucketBoundaries: buckets[name] } });
  return {
    toolDuration: seconds(METRIC_GEN_AI_EXECUTE_TOOL_DURATION, 'Duration of tool executions.'),
    clientDuration: seconds(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, 'GenAI operation duration.'),
    tokenUsage: meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      description: 'Measures number of input and output tokens used.',
      unit: UNIT_TOKENS,
      advice: { explicitBucketBoundaries: [...TOKEN_USAGE_BUCKETS] },
    }),
    invokeAgentDuration: seconds(METRIC_GEN_AI_INVOKE_AGENT_DURATION, 'Duration of agent invocations (response latency).'),
    fallbacks: meter.createCounter(METRIC_AGENT_MODEL_FALLBACKS, {
      description: 'Model calls that fell back to another model.',
      unit: '{fallback}',
    }),
    tasks: meter.createCounter(METRIC_AGENT_TASKS, { description: 'Finished agent tasks by outcome.', unit: '{task}' }),
    escalations: meter.createCounter(METRIC_AGENT_ESCALATIONS, {
      description: 'Escalations to a human.',
      unit: '{escalation}',
    }),
    cost: meter.createCounter(METRIC_AGENT_TASK_COST, { description: 'Cost of agent tasks.', unit: UNIT_USD }),
    executions: meter.createCounter(METRIC_AGENT_EXECUTIONS, {
      description: 'Headless executions by outcome.',
      unit: '{execution}',
    }),
    executionDuration: seconds(METRIC_AGENT_EXECUTION_DURATION, 'Execution time from start to completion.'),
    executionMemory: meter.createHistogram(METRIC_AGENT_EXECUTION_MEMORY, {
      description: 'Process RSS memory per execution.',
      unit: UNIT_BYTES,
      advice: { explicitBucketBoundaries: buckets[METRIC_AGENT_EXECUTION_MEMORY] },
    }),
    shadow: meter.createCounter(METRIC_AGENT_SHADOW_COMPARISONS, {
      description: 'Shadow-mode comparisons by result.',
      unit: '{comparison}',
    }),
    integrity: meter.createCounter(METRIC_AGENT_INTEGRITY_FAILURES, {
      description: 'Data-integrity failures by type.',
      unit: '{failure}',
    }),
    conversations: meter.createCounter(METRIC_AGENT_CONVERSATIONS, {
      description: 'Conversations checked for integrity.',
      unit: '{conversation}',
    }),
    rejected: meter.createCounter(METRIC_AGENT_INSTRUMENTATION_REJECTED, {
      description: 'Recordings rejected because their input was invalid.',
      unit: '{recording}',
    }),
  };
}
