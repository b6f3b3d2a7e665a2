import { SpanStatusCode, trace, type AttributeValue, type Attributes, type Context, type HrTime } from '@opentelemetry/api';
import { OnceReporter } from './diag.js';
import { Recorder } from './recorder.js';
import { ATTR_AGENT_METRICS_IN_PROCESS, MODEL_OPERATIONS, normalizeSpanAttributes } from './span-conventions.js';
import {
  ATTR_AGENT_ESCALATION_REASON,
  ATTR_AGENT_FALLBACK_REASON,
  ATTR_AGENT_FALLBACK_TO_MODEL,
  ATTR_AGENT_TASK_OUTCOME,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
  TASK_OUTCOMES,
  VALUE_OTHER,
  type TaskOutcome,
} from './semconv.js';
import type { AgentSloRecorder, AgentSloRecorderOptions } from './types.js';

/**
 * Instrumentation scopes known to record `gen_ai.client.operation.duration` and `gen_ai.client.token.usage`
 * themselves. For their spans the processor records only what they lack (cost, tasks, tools).
 */
export const SCOPES_RECORDING_CLIENT_METRICS: readonly string[] = [
  '@opentelemetry/instrumentation-openai',
  '@elastic/opentelemetry-instrumentation-openai',
  // Python: opentelemetry-instrumentation-openai-v2 (its spans reach a collector, never this processor).
  'opentelemetry.instrumentation.openai_v2',
];

/** The part of a finished span the processor reads (a subset of the SDK's `ReadableSpan`). */
export interface ReadableSpanLike {
  readonly name: string;
  readonly attributes: Attributes;
  readonly status: { code: SpanStatusCode };
  readonly duration: HrTime;
  readonly instrumentationScope?: { readonly name: string };
}

/** Options of {@link AgentSloSpanProcessor}. */
export interface AgentSloSpanProcessorOptions extends AgentSloRecorderOptions {
  /**
   * Record into this recorder (from `createAgentSloRecorder`) instead of a new one built from the other options.
   * @default a new recorder
   */
  recorder?: AgentSloRecorder;
  /**
   * `gen_ai.client.*` metrics from model spans: `'auto'` records them only for spans whose instrumentation scope
   * is not in `scopesRecordingClientMetrics`; `'always'` and `'never'` do what they say.
   * @default 'auto'
   */
  clientMetrics?: 'auto' | 'always' | 'never';
  /** @default SCOPES_RECORDING_CLIENT_METRICS */
  scopesRecordingClientMetrics?: readonly string[];
  /**
   * Count each top-level `invoke_agent` span (one with no `invoke_agent` ancestor in this process) as a task:
   * success, or failure when its status is ERROR. Turn off when the host records tasks itself.
   * @default true
   */
  tasksFromAgentSpans?: boolean;
}

const MODEL_CALLS: ReadonlySet<string> = new Set(MODEL_OPERATIONS);

const str = (v: AttributeValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: AttributeValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
const seconds = (d: HrTime): number => d[0] + d[1] / 1e9;

/**
 * A SpanProcessor that turns GenAI spans into the SLO metrics: tool durations and errors, model-call durations and
 * token usage (unless the span's own instrumentation records them), cost from token usage and the price table,
 * fallbacks, agent response latency, task outcomes and escalations.
 *
 * Conventions read (the mapping table in span-conventions.ts, shared with the collector's traces pipeline):
 * GenAI semantic conventions (`gen_ai.operation.name` = `execute_tool`, `chat`, `text_completion`,
 * `generate_content`, `embeddings`, `invoke_agent`), OpenInference (`openinference.span.kind` = LLM, EMBEDDING,
 * TOOL, AGENT with `llm.*`, `embedding.*`, `tool.*`, `agent.*`) and OpenLLMetry (`llm.request.type`,
 * `traceloop.span.kind`). agent-slo's own span attributes: `agent.task.outcome` (success/failure/escalated; marks a
 * task), `agent.escalation.reason`, and on a failed model span `agent.fallback.to_model` / `agent.fallback.reason`.
 * Spans that look like LLM or agent spans but map to no operation are counted on `agent.instrumentation.rejected`
 * with reason `unmapped_span`; other spans (HTTP, DB…) are ignored. Every span seen gets the attribute
 * `agent.metrics.in_process` = true so that a collector deriving metrics from spans does not count it again.
 * Use it in `new NodeSDK({ spanProcessors: [new AgentSloSpanProcessor(), …] })`. It never throws.
 */
export class AgentSloSpanProcessor {
  readonly recorder: AgentSloRecorder;
  private readonly rec: Recorder;
  private readonly clientMetrics: 'auto' | 'always' | 'never';
  private readonly skipScopes: ReadonlySet<string>;
  private readonly tasksFromAgentSpans: boolean;
  private readonly reporter = new OnceReporter();
  /** Spans that are, or descend from, an invoke_agent span (weak: never keeps a span alive). */
  private readonly inAgent = new WeakSet<object>();
  /** invoke_agent spans that have an invoke_agent ancestor. */
  private readonly nestedAgents = new WeakSet<object>();

  constructor(options: AgentSloSpanProcessorOptions = {}) {
    const given = options.recorder;
    if (given !== undefined && !(given instanceof Recorder)) {
      this.reporter.report('foreign_recorder', 'recorder was not created by createAgentSloRecorder; using a new one');
    }
    this.rec = given instanceof Recorder ? given : new Recorder(options);
    this.recorder = this.rec;
    this.clientMetrics = options.clientMetrics ?? 'auto';
    this.skipScopes = new Set(options.scopesRecordingClientMetrics ?? SCOPES_RECORDING_CLIENT_METRICS);
    this.tasksFromAgentSpans = options.tasksFromAgentSpans ?? true;
  }

  onStart(span: object, parentContext: Context): void {
    try {
      (span as { setAttribute?: (k: string, v: AttributeValue) => unknown }).setAttribute?.(ATTR_AGENT_METRICS_IN_PROCESS, true);
      const parent = trace.getSpan(parentContext);
      const parentInAgent = parent !== undefined && this.inAgent.has(parent);
      const n = normalizeSpanAttributes((span as Partial<ReadableSpanLike>).attributes ?? {});
      if (n.kind === 'mapped' && n.operation === GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT) {
        this.inAgent.add(span);
        if (parentInAgent) this.nestedAgents.add(span);
      } else if (parentInAgent) {
        this.inAgent.add(span);
      }
    } catch (err) {
      this.reporter.report('on_start', 'could not inspect a starting span', err);
    }
  }

  onEnd(span: ReadableSpanLike): void {
    try {
      this.derive(span);
    } catch (err) {
      this.reporter.report('on_end', 'could not derive metrics from a span', err);
    }
  }

  private derive(span: ReadableSpanLike): void {
    const n = normalizeSpanAttributes(span.attributes ?? {});
    if (n.kind === 'ignored') return;
    if (n.kind === 'unmapped') {
      this.rec.rejectUnmappedSpan(span.name);
      return;
    }
    const a = n.attributes as Attributes;
    const op = n.operation;
    const failed = span.status?.code === SpanStatusCode.ERROR || a[ATTR_ERROR_TYPE] !== undefined;
    const errorType = failed ? (str(a[ATTR_ERROR_TYPE]) ?? VALUE_OTHER) : undefined;
    const durationSeconds = seconds(span.duration);
    if (op === GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL) {
      this.rec.recordToolCall({
        toolName: str(a[ATTR_GEN_AI_TOOL_NAME]) ?? VALUE_OTHER,
        agentName: str(a[ATTR_GEN_AI_AGENT_NAME]),
        durationSeconds,
        errorType,
      });
    } else if (MODEL_CALLS.has(op)) {
      const scope = span.instrumentationScope?.name;
      const client =
        this.clientMetrics === 'always' ||
        (this.clientMetrics === 'auto' && (scope === undefined || !this.skipScopes.has(scope)));
      const requestModel = str(a[ATTR_GEN_AI_REQUEST_MODEL]) ?? VALUE_OTHER;
      this.rec.modelCallGuarded(
        {
          operationName: op,
          providerName: str(a[ATTR_GEN_AI_PROVIDER_NAME]),
          requestModel,
          responseModel: str(a[ATTR_GEN_AI_RESPONSE_MODEL]),
          durationSeconds,
          errorType,
          inputTokens: num(a[ATTR_GEN_AI_USAGE_INPUT_TOKENS]),
          outputTokens: num(a[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]),
        },
        client,
      );
      const toModel = str(a[ATTR_AGENT_FALLBACK_TO_MODEL]);
      if (toModel !== undefined) {
        this.rec.recordModelFallback({ fromModel: requestModel, toModel, reason: str(a[ATTR_AGENT_FALLBACK_REASON]) ?? VALUE_OTHER });
      }
    } else if (op === GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT) {
      const agentName = str(a[ATTR_GEN_AI_AGENT_NAME]);
      const declared = str(a[ATTR_AGENT_TASK_OUTCOME]);
      const outcome = (TASK_OUTCOMES as readonly string[]).includes(declared ?? '') ? (declared as TaskOutcome) : undefined;
      if (this.tasksFromAgentSpans && (outcome !== undefined || !this.nestedAgents.has(span))) {
        this.rec.recordTask({
          outcome: outcome ?? (failed ? 'failure' : 'success'),
          agentName,
          durationSeconds,
          errorType,
          escalationReason: str(a[ATTR_AGENT_ESCALATION_REASON]),
        });
      } else {
        this.rec.recordAgentInvocation({ agentName, durationSeconds, errorType });
      }
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
