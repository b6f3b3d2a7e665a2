/**
 * The span-convention mapping table: how spans of the GenAI semantic conventions, OpenInference and OpenLLMetry
 * (Traceloop) map onto the `gen_ai.*` view from which the SLO metrics are derived. ONE table serves both
 * consumers: the in-process `AgentSloSpanProcessor` (through {@link normalizeSpanAttributes}) and the collector's
 * traces → metrics pipeline (collector-config/otelcol-spans.yaml, generated from this table by
 * src/generate/collector/spans.ts and checked for staleness by a test). docs/instrument-any-runtime.md explains it.
 *
 * Semantics (identical in both consumers, in table order):
 * 1. `gen_ai.operation.name` is kept when present; otherwise the first rule whose marker attribute has one of its
 *    values sets it.
 * 2. For every rule whose marker matches, each target attribute still absent is filled from its first present source.
 * 3. A span whose operation stays unknown but that carries one of {@link LLM_EVIDENCE_ATTRIBUTES}, or whose operation
 *    is not one of {@link KNOWN_OPERATIONS}, is "unmapped": counted on `agent.instrumentation.rejected` with reason
 *    `unmapped_span`, never skipped silently. Other spans (HTTP, DB, OpenInference CHAIN/RETRIEVER…) are ignored.
 */
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
  GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION,
} from './semconv.js';
import type { ATTR_GEN_AI_RESPONSE_MODEL } from './semconv.js';

/** The `gen_ai.*` attributes a rule can fill. */
export type MappedAttribute =
  | typeof ATTR_GEN_AI_REQUEST_MODEL
  | typeof ATTR_GEN_AI_RESPONSE_MODEL
  | typeof ATTR_GEN_AI_PROVIDER_NAME
  | typeof ATTR_GEN_AI_TOOL_NAME
  | typeof ATTR_GEN_AI_AGENT_NAME
  | typeof ATTR_GEN_AI_USAGE_INPUT_TOKENS
  | typeof ATTR_GEN_AI_USAGE_OUTPUT_TOKENS;

/** One row of the table. */
export interface SpanConventionRule {
  /** Which convention the row reads (for docs and diagnostics). */
  readonly convention: 'gen_ai' | 'openinference' | 'openllmetry';
  /** The attribute that marks the span kind in that convention. */
  readonly marker: string;
  /** Marker value → `gen_ai.operation.name`. */
  readonly operations: Readonly<Record<string, string>>;
  /** Target `gen_ai.*` attribute → source attributes, first present wins (only when the target is absent). */
  readonly attributes: Readonly<Partial<Record<MappedAttribute, readonly string[]>>>;
}

/** GenAI operations that are model calls (model-call duration, token usage, cost, fallbacks). */
export const MODEL_OPERATIONS: readonly string[] = [
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION,
  GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT,
  GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
];
const MODEL_OPS: Readonly<Record<string, string>> = Object.fromEntries(MODEL_OPERATIONS.map((op) => [op, op]));

/** The mapping table. */
export const SPAN_CONVENTION_RULES: readonly SpanConventionRule[] = [
  // GenAI semconv: the deprecated `gen_ai.system` stands in for `gen_ai.provider.name` (instrumentation-openai 0.21).
  { convention: 'gen_ai', marker: ATTR_GEN_AI_OPERATION_NAME, operations: MODEL_OPS, attributes: { [ATTR_GEN_AI_PROVIDER_NAME]: [ATTR_GEN_AI_SYSTEM] } },
  // OpenInference (Arize Phoenix): openinference.span.kind, llm.*, embedding.*, tool.*, agent.*.
  {
    convention: 'openinference',
    marker: 'openinference.span.kind',
    operations: { LLM: GEN_AI_OPERATION_NAME_VALUE_CHAT },
    attributes: {
      [ATTR_GEN_AI_REQUEST_MODEL]: ['llm.model_name'],
      [ATTR_GEN_AI_PROVIDER_NAME]: ['llm.provider', 'llm.system'],
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: ['llm.token_count.prompt'],
      [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: ['llm.token_count.completion'],
    },
  },
  {
    convention: 'openinference',
    marker: 'openinference.span.kind',
    operations: { EMBEDDING: GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS },
    attributes: { [ATTR_GEN_AI_REQUEST_MODEL]: ['embedding.model_name', 'llm.model_name'] },
  },
  {
    convention: 'openinference',
    marker: 'openinference.span.kind',
    operations: { TOOL: GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL },
    attributes: { [ATTR_GEN_AI_TOOL_NAME]: ['tool.name'] },
  },
  {
    convention: 'openinference',
    marker: 'openinference.span.kind',
    operations: { AGENT: GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT },
    attributes: { [ATTR_GEN_AI_AGENT_NAME]: ['agent.name'] },
  },
  // OpenLLMetry (Traceloop): llm.request.type on model spans, traceloop.span.kind on tool/agent spans.
  {
    convention: 'openllmetry',
    marker: 'llm.request.type',
    operations: {
      chat: GEN_AI_OPERATION_NAME_VALUE_CHAT,
      completion: GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION,
      embedding: GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
    },
    attributes: {
      [ATTR_GEN_AI_PROVIDER_NAME]: [ATTR_GEN_AI_SYSTEM],
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: ['gen_ai.usage.prompt_tokens', 'llm.usage.prompt_tokens'],
      [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: ['gen_ai.usage.completion_tokens', 'llm.usage.completion_tokens'],
    },
  },
  {
    convention: 'openllmetry',
    marker: 'traceloop.span.kind',
    operations: { tool: GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL },
    attributes: { [ATTR_GEN_AI_TOOL_NAME]: ['traceloop.entity.name'] },
  },
  {
    convention: 'openllmetry',
    marker: 'traceloop.span.kind',
    operations: { agent: GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT },
    attributes: { [ATTR_GEN_AI_AGENT_NAME]: ['traceloop.entity.name'] },
  },
];

/** Operations of the GenAI conventions; those without an SLO metric (`create_agent`) are ignored, not unmapped. */
export const KNOWN_OPERATIONS: readonly string[] = [
  ...MODEL_OPERATIONS,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
  'create_agent',
];

/** Attributes that show a span is an LLM or agent span even when no rule gives it an operation. */
export const LLM_EVIDENCE_ATTRIBUTES: readonly string[] = [
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  'llm.model_name',
  'llm.request.type',
];

/**
 * Span attribute set by `AgentSloSpanProcessor` on every span it sees (boolean `true`): the span's metrics are
 * recorded in process, so the collector's traces pipeline drops it (no double counting). A runtime can say the
 * same for all its spans with the resource attribute of the same name.
 */
export const ATTR_AGENT_METRICS_IN_PROCESS = 'agent.metrics.in_process' as const;

/** What the table makes of a span. */
export type NormalizedSpan =
  | { readonly kind: 'mapped'; readonly operation: string; readonly attributes: Readonly<Record<string, unknown>> }
  | { readonly kind: 'unmapped' }
  | { readonly kind: 'ignored' };

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** Applies the table to a span's attributes (pure; the input is not changed). */
export function normalizeSpanAttributes(input: Readonly<Record<string, unknown>>): NormalizedSpan {
  const out: Record<string, unknown> = { ...input };
  for (const rule of SPAN_CONVENTION_RULES) {
    const markerValue = input[rule.marker];
    if (typeof markerValue !== 'string' || !Object.hasOwn(rule.operations, markerValue)) continue;
    if (!present(out[ATTR_GEN_AI_OPERATION_NAME])) out[ATTR_GEN_AI_OPERATION_NAME] = rule.operations[markerValue];
    for (const [target, sources] of Object.entries(rule.attributes)) {
      if (present(out[target])) continue;
      const source = sources.find((s) => present(input[s]));
      if (source !== undefined) out[target] = input[source];
    }
  }
  const op = out[ATTR_GEN_AI_OPERATION_NAME];
  if (typeof op === 'string') return KNOWN_OPERATIONS.includes(op) ? { kind: 'mapped', operation: op, attributes: out } : { kind: 'unmapped' };
  if (present(op)) return { kind: 'unmapped' };
  return LLM_EVIDENCE_ATTRIBUTES.some((k) => present(input[k])) ? { kind: 'unmapped' } : { kind: 'ignored' };
}
