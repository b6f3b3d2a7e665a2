/**
 * Default bucket boundaries of the package's histograms: OpenTelemetry's GenAI semantic-convention advice for
 * durations (`gen_ai.client.operation.duration`: 0.01 s doubling to 81.92 s, used for every duration here) and powers
 * of two from 16 MiB to 64 GiB for execution memory (the conventions advise none). Boundaries that make an SLO's
 * thresholds exact come from `agent-slo generate` (buckets.json) and are passed in as the `buckets` option.
 */
const GEN_AI_DURATION_SECONDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] as const;

const MEMORY_BYTES = [
  16777216, 33554432, 67108864, 134217728, 268435456, 536870912, 1073741824, 2147483648, 4294967296, 8589934592,
  17179869184, 34359738368, 68719476736,
] as const;

export const DEFAULT_BUCKETS = {
  'gen_ai.execute_tool.duration': GEN_AI_DURATION_SECONDS,
  'gen_ai.client.operation.duration': GEN_AI_DURATION_SECONDS,
  'gen_ai.invoke_agent.duration': GEN_AI_DURATION_SECONDS,
  'agent.execution.duration': GEN_AI_DURATION_SECONDS,
  'agent.execution.memory': MEMORY_BYTES,
} as const;

/**
 * An SLO threshold that is not a bucket boundary of its histogram: the count of events at or below it cannot be read
 * from the buckets, so a quantile objective at it could not be evaluated. Raised at start-up (agentSloViews,
 * startAgentSloMetrics) when the `thresholds` option names one the buckets lack; the fix is the buckets
 * `agent-slo generate` writes (buckets.json), where every threshold is a boundary.
 */
export class MissingBucketBoundaryError extends Error {
  override readonly name = 'MissingBucketBoundaryError';
  constructor(
    readonly metric: string,
    readonly threshold: number,
  ) {
    super(`${metric} has no bucket boundary at the SLO threshold ${String(threshold)}; pass the buckets agent-slo generate writes (buckets.json), where every threshold is a boundary`);
  }
}

/** The first threshold (per histogram, in its unit) that is not one of that histogram's boundaries. */
export function missingBucketBoundary(
  buckets: Readonly<Record<string, readonly number[]>>,
  thresholds: Readonly<Partial<Record<string, readonly number[]>>> = {},
): MissingBucketBoundaryError | undefined {
  for (const [metric, values] of Object.entries(thresholds)) {
    const boundaries = buckets[metric];
    for (const t of values ?? []) if (boundaries === undefined || !boundaries.includes(t)) return new MissingBucketBoundaryError(metric, t);
  }
  return undefined;
}
