/**
 * Metric and attribute names. This file is the one home of every name the agent runtime emits;
 * the root `src/conventions.ts` imports them from here and derives the Prometheus spellings.
 *
 * GenAI names are copied `as const` from the OpenTelemetry GenAI semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/), as instrumentation packages do, so the
 * package has no run-time dependency on `@opentelemetry/semantic-conventions`' incubating entry.
 * Names under `agent.` are this project's own namespace, used only where no convention exists.
 */

// --- GenAI semantic-convention metrics -----------------------------------------------------
export const METRIC_GEN_AI_EXECUTE_TOOL_DURATION = 'gen_ai.execute_tool.duration' as const;
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration' as const;
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage' as const;
export const METRIC_GEN_AI_INVOKE_AGENT_DURATION = 'gen_ai.invoke_agent.duration' as const;

// --- GenAI semantic-convention attributes ---------------------------------------------------
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name' as const;
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name' as const;
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model' as const;
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model' as const;
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name' as const;
export const ATTR_GEN_AI_AGENT_NAME = 'gen_ai.agent.name' as const;
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type' as const;
export const ATTR_ERROR_TYPE = 'error.type' as const;
/** Span attributes read by the span processor (never used as metric labels). */
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens' as const;
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens' as const;
/** Deprecated predecessor of `gen_ai.provider.name`, still emitted by instrumentation-openai 0.21 on chat spans. */
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system' as const;

// --- GenAI semantic-convention attribute values ----------------------------------------------
export const GEN_AI_OPERATION_NAME_VALUE_CHAT = 'chat' as const;
export const GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION = 'text_completion' as const;
export const GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT = 'generate_content' as const;
export const GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS = 'embeddings' as const;
export const GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL = 'execute_tool' as const;
export const GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT = 'invoke_agent' as const;
export const GEN_AI_TOKEN_TYPE_VALUE_INPUT = 'input' as const;
export const GEN_AI_TOKEN_TYPE_VALUE_OUTPUT = 'output' as const;

// --- agent-slo's own namespace (no convention exists) ---------------------------------------
/** Counter: model calls that fell back to another model. Unit `{fallback}`. */
export const METRIC_AGENT_MODEL_FALLBACKS = 'agent.model.fallbacks' as const;
/** Counter: finished agent tasks by outcome. Unit `{task}`. */
export const METRIC_AGENT_TASKS = 'agent.tasks' as const;
/** Counter: escalations to a human. Unit `{escalation}`. */
export const METRIC_AGENT_ESCALATIONS = 'agent.escalations' as const;
/** Counter: task cost. Unit `USD`. */
export const METRIC_AGENT_TASK_COST = 'agent.task.cost' as const;
/** Counter: headless executions by outcome. Unit `{execution}`. */
export const METRIC_AGENT_EXECUTIONS = 'agent.executions' as const;
/** Histogram: execution time from start to completion. Unit `s`. */
export const METRIC_AGENT_EXECUTION_DURATION = 'agent.execution.duration' as const;
/** Histogram: process RSS memory per execution. Unit `By`. */
export const METRIC_AGENT_EXECUTION_MEMORY = 'agent.execution.memory' as const;
/** Counter: shadow-mode comparisons by result. Unit `{comparison}`. */
export const METRIC_AGENT_SHADOW_COMPARISONS = 'agent.shadow.comparisons' as const;
/** Counter: data-integrity failures by type. Unit `{failure}`. */
export const METRIC_AGENT_INTEGRITY_FAILURES = 'agent.integrity.failures' as const;
/** Counter: conversations checked for integrity. Unit `{conversation}`. */
export const METRIC_AGENT_CONVERSATIONS = 'agent.conversations' as const;
/** Counter (self-metric): recordings rejected because their input was invalid. Unit `{recording}`. */
export const METRIC_AGENT_INSTRUMENTATION_REJECTED = 'agent.instrumentation.rejected' as const;

export const ATTR_AGENT_TASK_OUTCOME = 'agent.task.outcome' as const;
export const ATTR_AGENT_EXECUTION_OUTCOME = 'agent.execution.outcome' as const;
export const ATTR_AGENT_SHADOW_RESULT = 'agent.shadow.result' as const;
export const ATTR_AGENT_INTEGRITY_FAILURE_TYPE = 'agent.integrity.failure_type' as const;
export const ATTR_AGENT_FALLBACK_FROM_MODEL = 'agent.fallback.from_model' as const;
export const ATTR_AGENT_FALLBACK_TO_MODEL = 'agent.fallback.to_model' as const;
export const ATTR_AGENT_FALLBACK_REASON = 'agent.fallback.reason' as const;
export const ATTR_AGENT_ESCALATION_REASON = 'agent.escalation.reason' as const;
export const ATTR_AGENT_REJECTED_REASON = 'agent.instrumentation.reason' as const;
/** Self-metric attribute: the instrument whose recording was rejected. */
export const ATTR_AGENT_REJECTED_INSTRUMENT = 'agent.instrumentation.instrument' as const;

// --- attribute values -----------------------------------------------------------------------
export const TASK_OUTCOMES = ['success', 'failure', 'escalated'] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];
export const EXECUTION_OUTCOMES = ['completed', 'failed', 'timeout'] as const;
export type ExecutionOutcome = (typeof EXECUTION_OUTCOMES)[number];
export const SHADOW_RESULTS = ['match', 'mismatch'] as const;
export type ShadowResult = (typeof SHADOW_RESULTS)[number];
export const INTEGRITY_FAILURE_TYPES = ['conversation_integrity_fail', 'orphan_detected'] as const;
export type IntegrityFailureType = (typeof INTEGRITY_FAILURE_TYPES)[number];
/** Reasons a recording is rejected (values of `agent.instrumentation.reason`). */
export const REJECTED_REASONS = [
  'invalid_duration',
  'invalid_cost',
  'invalid_memory',
  'invalid_tokens',
  'unknown_outcome',
  'invalid_attribute',
  'unknown_price',
  'internal_error',
  /** A span that looks like an LLM or agent span but maps to no GenAI operation (span-conventions.ts). */
  'unmapped_span',
] as const;
export type RejectedReason = (typeof REJECTED_REASONS)[number];
/** The `error.type` convention's fallback value, also used for values cut by the cardinality bound. */
export const VALUE_OTHER = '_OTHER' as const;

// --- units (UCUM, as the conventions write them) ---------------------------------------------
export const UNIT_SECONDS = 's' as const;
export const UNIT_BYTES = 'By' as const;
export const UNIT_USD = 'USD' as const;
export const UNIT_TOKENS = '{token}' as const;
