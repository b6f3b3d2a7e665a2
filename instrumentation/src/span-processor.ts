import { SpanStatusCode, trace, type Attributes, type AttributeValue, type Context, type HrTime } from '@opentelemetry/api';
import { OnceReporter } from './diag.js';
import { Recorder } from './recorder.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
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
  VALUE_OTHER,
} from './semconv.js';
import type { AgentSloRecorder, AgentSloRecorderOptions } from './types.js';

/**
 * Instrumentation scopes known to record `gen_ai.client.operation.duration` and `gen_ai.client.token.usage`
 * themselves. For their spans the processor records only what they lack (cost, tasks, tools).
 */
export const SCOPES_RECORDING_CLIENT_METRICS: readonly string[] = [
  '@opentelemetry/instrumentation-openai',
  '@elastic/opentelemetry-instrumentation-openai',
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

const MODEL_OPERATIONS: ReadonlySet<string> = new Set([
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION,
  GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT,
  GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
]);

const str = (v: AttributeValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: AttributeValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
const seconds = (d: HrTime): number => d[0] + d[1] / 1e9;

/**
 * A SpanProcessor that turns GenAI spans (semantic conventions: `gen_ai.operation.name` = `execute_tool`, `chat`,
 * `text_completion`, `generate_content`, `embeddings`, `invoke_agent`) into the SLO metrics:
 * tool durations and errors, model-call durations and token usage (unless the span's own instrumentation
 * records them), cost from token usage and the price table, agent response latency and task outcomes.
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
      const parent = trace.getSpan(parentContext);
      const parentInAgent = parent !== undefined && this.inAgent.has(parent);
      const op = (span as Partial<ReadableSpanLike>).attributes?.[ATTR_GEN_AI_OPERATION_NAME];
      if (op === GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT) {
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
    const a = span.attributes ?? {};
    const op = str(a[ATTR_GEN_AI_OPERATION_NAME]);
    if (op === undefined) return;
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
    } else if (MODEL_OPERATIONS.has(op)) {
      const scope = span.instrumentationScope?.name;
      const client =
        this.clientMetrics === 'always' ||
        (this.clientMetrics === 'auto' && (scope === undefined || !this.skipScopes.has(scope)));
      this.rec.modelCallGuarded(
        {
          operationName: op,
          providerName: str(a[ATTR_GEN_AI_PROVIDER_NAME]) ?? str(a[ATTR_GEN_AI_SYSTEM]),
          requestModel: str(a[ATTR_GEN_AI_REQUEST_MODEL]) ?? VALUE_OTHER,
          responseModel: str(a[ATTR_GEN_AI_RESPONSE_MODEL]),
          durationSeconds,
          errorType,
          inputTokens: num(a[ATTR_GEN_AI_USAGE_INPUT_TOKENS]),
          outputTokens: num(a[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]),
        },
        client,
      );
    } else if (op === GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT) {
      const agentName = str(a[ATTR_GEN_AI_AGENT_NAME]);
      if (this.tasksFromAgentSpans && !this.nestedAgents.has(span)) {
        this.rec.recordTask({ outcome: failed ? 'failure' : 'success', agentName, durationSeconds, errorType });
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
