export {
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_GEN_AI_INVOKE_AGENT_DURATION,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_SYSTEM,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION,
  GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT,
  GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
  GEN_AI_TOKEN_TYPE_VALUE_INPUT,
  GEN_AI_TOKEN_TYPE_VALUE_OUTPUT,
  METRIC_AGENT_MODEL_FALLBACKS,
  METRIC_AGENT_TASKS,
  METRIC_AGENT_ESCALATIONS,
  METRIC_AGENT_TASK_COST,
  METRIC_AGENT_EXECUTIONS,
  METRIC_AGENT_EXECUTION_DURATION,
  METRIC_AGENT_EXECUTION_MEMORY,
  METRIC_AGENT_SHADOW_COMPARISONS,
  METRIC_AGENT_INTEGRITY_FAILURES,
  METRIC_AGENT_CONVERSATIONS,
  METRIC_AGENT_INSTRUMENTATION_REJECTED,
  ATTR_AGENT_TASK_OUTCOME,
  ATTR_AGENT_EXECUTION_OUTCOME,
  ATTR_AGENT_SHADOW_RESULT,
  ATTR_AGENT_INTEGRITY_FAILURE_TYPE,
  ATTR_AGENT_FALLBACK_FROM_MODEL,
  ATTR_AGENT_FALLBACK_TO_MODEL,
  ATTR_AGENT_FALLBACK_REASON,
  ATTR_AGENT_ESCALATION_REASON,
  ATTR_AGENT_REJECTED_REASON,
  ATTR_AGENT_REJECTED_INSTRUMENT,
  REJECTED_REASONS,
  TASK_OUTCOMES,
  EXECUTION_OUTCOMES,
  SHADOW_RESULTS,
  INTEGRITY_FAILURE_TYPES,
  VALUE_OTHER,
  UNIT_SECONDS,
  UNIT_BYTES,
  UNIT_USD,
  UNIT_TOKENS,
} from './semconv.js';
export type { TaskOutcome, ExecutionOutcome, ShadowResult, IntegrityFailureType, RejectedReason } from './semconv.js';
export { DEFAULT_BUCKETS, MissingBucketBoundaryError, missingBucketBoundary } from './buckets.js';
export { TOKEN_USAGE_BUCKETS } from './instruments.js';
export { errorTypeOf } from './outcome.js';
export { createAgentSloRecorder } from './recorder.js';
export { AgentSloSpanProcessor, SCOPES_RECORDING_CLIENT_METRICS } from './span-processor.js';
export type { AgentSloSpanProcessorOptions, ReadableSpanLike } from './span-processor.js';
export {
  SPAN_CONVENTION_RULES,
  KNOWN_OPERATIONS,
  LLM_EVIDENCE_ATTRIBUTES,
  MODEL_OPERATIONS,
  ATTR_AGENT_METRICS_IN_PROCESS,
  normalizeSpanAttributes,
} from './span-conventions.js';
export type { SpanConventionRule, MappedAttribute, NormalizedSpan } from './span-conventions.js';
export { AgentSloInstrumentation } from './instrumentation.js';
export type { AgentSloInstrumentationConfig } from './instrumentation.js';
export { BoundedValues, DEFAULT_MAX_VALUES_PER_ATTRIBUTE, DEFAULT_MAX_VALUE_LENGTH } from './cardinality.js';
export { costFromUsage } from './pricing.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
export type {
  AgentSloRecorder,
  AgentSloRecorderOptions,
  AgentInvocationRecord,
  CardinalityOptions,
  EscalationRecord,
  ExecutionRecord,
  HistogramMetricName,
  ModelCallHandle,
  ModelCallOptions,
  ModelCallRecord,
  ModelFallbackRecord,
  ModelPrice,
  PriceTable,
  TaskHandle,
  TaskOptions,
  TaskRecord,
  TokenUsage,
  ToolCallOptions,
  ToolCallRecord,
} from './types.js';
