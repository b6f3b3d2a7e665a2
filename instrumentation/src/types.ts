import type { MeterProvider } from '@opentelemetry/api';
import type { DEFAULT_BUCKETS } from './buckets.js';
import type { ExecutionOutcome, IntegrityFailureType, ShadowResult, TaskOutcome } from './semconv.js';

/** Names of the histograms whose bucket boundaries come from the profiles. */
export type HistogramMetricName = keyof typeof DEFAULT_BUCKETS;

/** Bounds on label values, per instrument and attribute. */
export interface CardinalityOptions {
  /**
   * Distinct values kept per attribute per instrument; later new values are recorded as `_OTHER`.
   * @default 100
   */
  maxValuesPerAttribute?: number;
  /**
   * Allow-lists by attribute key (e.g. `{ 'gen_ai.tool.name': ['search', 'fetch'] }`). For a listed key only
   * these values are kept, all others become `_OTHER`, and `maxValuesPerAttribute` does not apply.
   * @default {}
   */
  allow?: Readonly<Record<string, readonly string[]>>;
  /**
   * Values longer than this many characters become `_OTHER`.
   * @default 128
   */
  maxValueLength?: number;
}

/** Price of one model in USD per million tokens. */
export interface ModelPrice {
  inputPerMillionTokens: number;
  outputPerMillionTokens: number;
}

/** Prices by model name (exact match); the key `'*'` is the fallback for every other model. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** Token usage of one model. */
export interface TokenUsage {
  model: string;
  /** @default 0 */
  inputTokens?: number;
  /** @default 0 */
  outputTokens?: number;
}

/** Options of {@link createAgentSloRecorder}. */
export interface AgentSloRecorderOptions {
  /**
   * Where instruments come from. When absent the global provider is used and re-resolved whenever it changes,
   * so a recorder created before the SDK starts still records once it has.
   * @default metrics.getMeterProvider()
   */
  meterProvider?: MeterProvider;
  /** @default {} (100 values per attribute, 128 characters) */
  cardinality?: CardinalityOptions;
  /**
   * Prices used to turn token usage into `agent.task.cost`. Without a table, cost is only what the host gives.
   * @default undefined
   */
  priceTable?: PriceTable;
  /**
   * Add the cost of every model call (token usage × price table) to `agent.task.cost`. Turn it off when the host
   * reports task cost itself, so the cost is not counted twice.
   * @default true when `priceTable` is set
   */
  costFromModelCalls?: boolean;
  /**
   * Bucket boundaries per histogram, typically the buckets.json `agent-slo generate` writes so that every SLO
   * threshold is an exact boundary (advice only: a View configured in the SDK wins; `agentSloViews` takes the same).
   * @default DEFAULT_BUCKETS (OpenTelemetry GenAI semantic-convention advice)
   */
  buckets?: Partial<Record<HistogramMetricName, readonly number[]>>;
  /**
   * SLO thresholds per histogram, in its unit (s, By), that must be bucket boundaries (a quantile objective at a
   * threshold without a bucket cannot be evaluated). `agentSloViews` and `startAgentSloMetrics` throw
   * MissingBucketBoundaryError when the buckets lack one; the recorder alone reports it (`missing_bucket:<metric>`).
   * @default {} (no check)
   */
  thresholds?: Partial<Record<HistogramMetricName, readonly number[]>>;
  /** @default true */
  enabled?: boolean;
}

/** One tool execution (`gen_ai.execute_tool.duration`). */
export interface ToolCallRecord {
  toolName: string;
  /** Seconds, finite and ≥ 0. */
  durationSeconds: number;
  /** Set when the call failed: an exception class name or another low-cardinality error kind. */
  errorType?: string;
  agentName?: string;
}

/** One model call (`gen_ai.client.operation.duration`, `gen_ai.client.token.usage`, cost). */
export interface ModelCallRecord {
  /** @default 'chat' */
  operationName?: string;
  providerName?: string;
  requestModel: string;
  responseModel?: string;
  durationSeconds: number;
  errorType?: string;
  inputTokens?: number;
  outputTokens?: number;
}

/** One finished agent task (`agent.tasks`, `agent.task.cost`, `gen_ai.invoke_agent.duration`). */
export interface TaskRecord {
  outcome: TaskOutcome;
  /** Cost of the task in USD, given directly. */
  costUsd?: number;
  /** Token usage priced with the recorder's price table and added to the cost. */
  usage?: readonly TokenUsage[];
  /** Response latency in seconds; recorded into `gen_ai.invoke_agent.duration` when given. */
  durationSeconds?: number;
  agentName?: string;
  /** The model that served the task, as a label on task and cost series. */
  model?: string;
  /** Reason label of the escalation recorded when `outcome` is `escalated`. @default '_OTHER' */
  escalationReason?: string;
  /** Set when the task failed. */
  errorType?: string;
}

/** One model fallback (`agent.model.fallbacks`; `gen_ai.request.model` is set to `fromModel`). */
export interface ModelFallbackRecord {
  fromModel: string;
  toModel: string;
  reason: string;
}

/** One escalation to a human (`agent.escalations`). */
export interface EscalationRecord {
  reason?: string;
  agentName?: string;
}

/** One headless execution (`agent.executions`, `agent.execution.duration`, `agent.execution.memory`). */
export interface ExecutionRecord {
  outcome: ExecutionOutcome;
  durationSeconds?: number;
  /** Process RSS in bytes (e.g. `process.memoryUsage().rss`). */
  memoryBytes?: number;
  agentName?: string;
}

/** One agent invocation (`gen_ai.invoke_agent.duration`, the response latency). */
export interface AgentInvocationRecord {
  durationSeconds: number;
  agentName?: string;
  errorType?: string;
}

/** Passed to the function wrapped by `withModelCall`: report what only the response knows. */
export interface ModelCallHandle {
  setUsage(usage: { inputTokens?: number; outputTokens?: number; responseModel?: string }): void;
}

/** Passed to the function wrapped by `withTask`: report outcome and cost from inside the task. */
export interface TaskHandle {
  /** Overrides the outcome (`success` when the function returns, `failure` when it throws). */
  setOutcome(outcome: TaskOutcome, escalationReason?: string): void;
  addCost(usd: number): void;
  addUsage(usage: TokenUsage): void;
}

/** What identifies a tool call for `withToolCall`. */
export interface ToolCallOptions {
  toolName: string;
  agentName?: string;
}

/** What identifies a model call for `withModelCall`. */
export interface ModelCallOptions {
  requestModel: string;
  /** @default 'chat' */
  operationName?: string;
  providerName?: string;
}

/** What identifies a task for `withTask`. */
export interface TaskOptions {
  agentName?: string;
  model?: string;
}

/** Records the SLO metrics of an agent runtime. Every method is safe: it never throws into the host. */
export interface AgentSloRecorder {
  recordToolCall(record: ToolCallRecord): void;
  recordModelCall(record: ModelCallRecord): void;
  recordTask(record: TaskRecord): void;
  recordAgentInvocation(record: AgentInvocationRecord): void;
  recordModelFallback(record: ModelFallbackRecord): void;
  recordEscalation(record?: EscalationRecord): void;
  recordExecution(record: ExecutionRecord): void;
  recordShadowComparison(result: ShadowResult): void;
  recordIntegrityFailure(type: IntegrityFailureType): void;
  /** Counts conversations checked for integrity (the denominator of data integrity). @default count 1 */
  recordConversation(count?: number): void;
  /** Adds a cost in USD to `agent.task.cost` (e.g. a non-model cost of a task). */
  recordCost(usd: number, attributes?: { agentName?: string; model?: string }): void;
  /** Times `fn` (sync or async) as a tool call; returns its result or rethrows its error untouched. */
  withToolCall<T>(options: ToolCallOptions | string, fn: () => T): T;
  /** Times `fn` as a model call; `fn` may report token usage through the handle. */
  withModelCall<T>(options: ModelCallOptions, fn: (call: ModelCallHandle) => T): T;
  /** Times `fn` as a task: success when it returns, failure when it throws, or what it sets on the handle. */
  withTask<T>(options: TaskOptions, fn: (task: TaskHandle) => T): T;
  /** Use this provider from now on (what an Instrumentation receives from the SDK). */
  setMeterProvider(meterProvider: MeterProvider): void;
  enable(): void;
  disable(): void;
  /** Problem kinds reported through diag so far. */
  reportedProblems(): readonly string[];
}
