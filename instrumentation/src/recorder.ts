/**
 * The recorder (AgentSloRecorder): every public record function enters through the core's one guarded entry
 * (recording/core.ts) and records through the module of its signal (recording/model-calls.ts, tasks.ts,
 * executions.ts); the with* wrappers live in recording/wrappers.ts.
 */
import type { MeterProvider } from '@opentelemetry/api';
import type { IntegrityFailureType, ShadowResult } from './semconv.js';
import type {
  AgentInvocationRecord,
  AgentSloRecorder,
  AgentSloRecorderOptions,
  EscalationRecord,
  ExecutionRecord,
  ModelCallHandle,
  ModelCallOptions,
  ModelCallRecord,
  ModelFallbackRecord,
  TaskHandle,
  TaskOptions,
  TaskRecord,
  ToolCallOptions,
  ToolCallRecord,
} from './types.js';
import { RecorderCore } from './recording/core.js';
import { recordConversation, recordExecution, recordIntegrity, recordShadow } from './recording/executions.js';
import { recordModelCall, recordModelFallback, recordToolCall } from './recording/model-calls.js';
import { recordCost, recordEscalation, recordInvocation, recordTask } from './recording/tasks.js';
import { withModelCall, withTask, withToolCall } from './recording/wrappers.js';

/**
 * Creates a recorder. Cheap; create one per process (or use the one an `AgentSloInstrumentation` holds).
 * Never throws: invalid options are reported through diag and replaced by defaults.
 */
export function createAgentSloRecorder(options: AgentSloRecorderOptions = {}): AgentSloRecorder {
  return new Recorder(options);
}

/** The recorder implementation; exported for the span processor and the SDK wiring, not by the package index. @internal */
export class Recorder implements AgentSloRecorder {
  private readonly core: RecorderCore;

  constructor(options: AgentSloRecorderOptions) {
    this.core = new RecorderCore(options);
  }

  /** @internal */
  get costFromModelCalls(): boolean {
    return this.core.costFromModelCalls;
  }

  recordToolCall(r: ToolCallRecord): void {
    this.core.guarded(() => recordToolCall(this.core, r));
  }

  recordModelCall(r: ModelCallRecord): void {
    this.core.guarded(() => recordModelCall(this.core, r, true, this.core.costFromModelCalls));
  }

  /** `recordModelCall` with `gen_ai.client.*` optional (the span processor's entry). @internal */
  modelCallGuarded(r: ModelCallRecord, clientMetrics: boolean): void {
    this.core.guarded(() => recordModelCall(this.core, r, clientMetrics, this.core.costFromModelCalls));
  }

  /** Counts a span that looks like an LLM or agent span but maps to no operation (the span processor's entry). @internal */
  rejectUnmappedSpan(spanName: string): void {
    this.core.guarded(() => this.core.reject('unmapped_span', 'span', `span "${spanName}" looks like an LLM or agent span but maps to no GenAI operation`));
  }

  recordTask(r: TaskRecord): void {
    this.core.guarded(() => recordTask(this.core, r));
  }

  recordCost(usd: number, attributes: { agentName?: string; model?: string } = {}): void {
    // Read the two attributes, never spread the argument: a string spreads into one property per character.
    this.core.guarded(() => {
      const a: { agentName?: unknown; model?: unknown } = attributes !== null && typeof attributes === 'object' ? attributes : {};
      recordCost(this.core, { usd, agentName: a.agentName, model: a.model });
    });
  }

  recordAgentInvocation(r: AgentInvocationRecord): void {
    this.core.guarded(() => recordInvocation(this.core, r));
  }

  recordModelFallback(r: ModelFallbackRecord): void {
    this.core.guarded(() => recordModelFallback(this.core, r));
  }

  recordEscalation(r: EscalationRecord = {}): void {
    this.core.guarded(() => recordEscalation(this.core, r));
  }

  recordExecution(r: ExecutionRecord): void {
    this.core.guarded(() => recordExecution(this.core, r));
  }

  recordShadowComparison(result: ShadowResult): void {
    this.core.guarded(() => recordShadow(this.core, result));
  }

  recordIntegrityFailure(type: IntegrityFailureType): void {
    this.core.guarded(() => recordIntegrity(this.core, type));
  }

  recordConversation(count = 1): void {
    this.core.guarded(() => recordConversation(this.core, count));
  }

  withToolCall<T>(options: ToolCallOptions | string, fn: () => T): T {
    return withToolCall(this, this.core, options, fn);
  }

  withModelCall<T>(options: ModelCallOptions, fn: (call: ModelCallHandle) => T): T {
    return withModelCall(this, this.core, options, fn);
  }

  withTask<T>(options: TaskOptions, fn: (task: TaskHandle) => T): T {
    return withTask(this, this.core, options, fn);
  }

  setMeterProvider(meterProvider: MeterProvider): void {
    this.core.setMeterProvider(meterProvider);
  }

  enable(): void {
    this.core.enabled = true;
  }

  disable(): void {
    this.core.enabled = false;
  }

  reportedProblems(): readonly string[] {
    return this.core.reporter.kinds();
  }
}
