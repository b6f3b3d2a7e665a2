import { metrics, type Attributes, type MeterProvider } from '@opentelemetry/api';
import { CardinalityGuard } from './cardinality.js';
import { labelBounds, type LabelBounds } from './label-bounds.js';
import { OnceReporter } from './diag.js';
import { missingBucketBoundary } from './buckets.js';
import { createInstruments, resolveBuckets, type Instruments } from './instruments.js';
import { errorTypeOf, timed } from './outcome.js';
import { costFromUsage, invalidPrices } from './pricing.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
import {
  ATTR_AGENT_ESCALATION_REASON,
  ATTR_AGENT_EXECUTION_OUTCOME,
  ATTR_AGENT_FALLBACK_FROM_MODEL,
  ATTR_AGENT_FALLBACK_REASON,
  ATTR_AGENT_FALLBACK_TO_MODEL,
  ATTR_AGENT_INTEGRITY_FAILURE_TYPE,
  ATTR_AGENT_REJECTED_INSTRUMENT,
  ATTR_AGENT_REJECTED_REASON,
  ATTR_AGENT_SHADOW_RESULT,
  ATTR_AGENT_TASK_OUTCOME,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_TOOL_NAME,
  EXECUTION_OUTCOMES,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
  GEN_AI_TOKEN_TYPE_VALUE_INPUT,
  GEN_AI_TOKEN_TYPE_VALUE_OUTPUT,
  INTEGRITY_FAILURE_TYPES,
  METRIC_AGENT_CONVERSATIONS,
  METRIC_AGENT_EXECUTIONS,
  METRIC_AGENT_EXECUTION_DURATION,
  METRIC_AGENT_EXECUTION_MEMORY,
  METRIC_AGENT_INTEGRITY_FAILURES,
  METRIC_AGENT_MODEL_FALLBACKS,
  METRIC_AGENT_SHADOW_COMPARISONS,
  METRIC_AGENT_TASKS,
  METRIC_AGENT_TASK_COST,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_GEN_AI_INVOKE_AGENT_DURATION,
  SHADOW_RESULTS,
  TASK_OUTCOMES,
  VALUE_OTHER,
  type IntegrityFailureType,
  type RejectedReason,
  type ShadowResult,
  type TaskOutcome,
} from './semconv.js';
import type {
  AgentInvocationRecord,
  AgentSloRecorder,
  AgentSloRecorderOptions,
  EscalationRecord,
  ExecutionRecord,
  HistogramMetricName,
  ModelCallHandle,
  ModelCallOptions,
  ModelCallRecord,
  ModelFallbackRecord,
  PriceTable,
  TaskHandle,
  TaskOptions,
  TaskRecord,
  TokenUsage,
  ToolCallOptions,
  ToolCallRecord,
} from './types.js';

/**
 * Creates a recorder. Cheap; create one per process (or use the one an `AgentSloInstrumentation` holds).
 * Never throws: invalid options are reported through diag and replaced by defaults.
 */
export function createAgentSloRecorder(options: AgentSloRecorderOptions = {}): AgentSloRecorder {
  return new Recorder(options);
}

const now = (): number => performance.now();
const secondsSince = (start: number): number => Math.max(0, (performance.now() - start) / 1000);

const isNonNegative = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
const isString = (s: unknown): s is string => typeof s === 'string';

/** The recorder implementation; exported for the span processor only, not by the package index. @internal */
export class Recorder implements AgentSloRecorder {
  private readonly reporter = new OnceReporter();
  private readonly buckets: Record<HistogramMetricName, number[]>;
  private readonly priceTable: PriceTable | undefined;
  /** @internal */
  readonly costFromModelCalls: boolean;
  private fixedProvider: MeterProvider | undefined;
  private provider: MeterProvider | undefined;
  private inst: Instruments | undefined;
  private enabled: boolean;

  // Bounded label values, one per (instrument, attribute).
  private readonly b: LabelBounds;


  constructor(options: AgentSloRecorderOptions) {
    this.b = labelBounds(new CardinalityGuard(options.cardinality));
    this.buckets = resolveBuckets(options.buckets);
    for (const [name, b] of Object.entries(options.buckets ?? {})) {
      if (b !== undefined && this.buckets[name as HistogramMetricName]?.join() !== (Array.isArray(b) ? b.join() : String(b))) {
        this.reporter.report(`invalid_buckets:${name}`, `bucket boundaries for ${name} are not ascending finite numbers; using the defaults`);
      }
    }
    const missing = missingBucketBoundary(this.buckets, options.thresholds);
    if (missing !== undefined) this.reporter.report(`missing_bucket:${missing.metric}`, missing.message, missing);
    const bad = options.priceTable === undefined ? [] : invalidPrices(options.priceTable);
    if (bad.length > 0) {
      this.reporter.report('invalid_price_table', `price table has invalid prices for ${bad.join(', ')}; those models are not priced`);
    }
    this.priceTable = options.priceTable;
    this.costFromModelCalls = options.costFromModelCalls ?? options.priceTable !== undefined;
    this.fixedProvider = options.meterProvider;
    this.enabled = options.enabled ?? true;
  }

  // --- plumbing ---------------------------------------------------------------------------------

  private instruments(): Instruments {
    const mp = this.fixedProvider ?? metrics.getMeterProvider();
    if (mp !== this.provider || this.inst === undefined) {
      this.inst = createInstruments(mp.getMeter(PACKAGE_NAME, PACKAGE_VERSION), this.buckets);
      this.provider = mp;
    }
    return this.inst;
  }

  private reject(reason: RejectedReason, instrument: string, detail: string): void {
    try {
      this.instruments().rejected.add(1, {
        [ATTR_AGENT_REJECTED_REASON]: reason,
        [ATTR_AGENT_REJECTED_INSTRUMENT]: instrument,
      });
    } catch (err) {
      this.internal(err);
    }
    this.reporter.report(`${reason}:${instrument}`, `rejected a recording of ${instrument}: ${detail}`);
  }

  /** The one entry guard of every record function: off when disabled, and nothing ever throws into the host. */
  private guarded(record: () => void): void {
    if (!this.enabled) return;
    try {
      record();
    } catch (err) {
      this.internal(err);
    }
  }

  private internal(err: unknown): void {
    this.reporter.report('internal_error', 'recording failed inside the metrics SDK and was skipped', err);
  }

  private priced(models: readonly (string | undefined)[], usage: Omit<TokenUsage, 'model'>): number | undefined {
    const table = this.priceTable;
    if (table === undefined) return undefined;
    const model = models.find((m): m is string => isString(m) && table[m] !== undefined) ?? models.find(isString) ?? '';
    return costFromUsage(table, { ...usage, model });
  }

  // --- record functions -------------------------------------------------------------------------

  recordToolCall(r: ToolCallRecord): void {
    this.guarded(() => this.doToolCall(r));
  }

  private doToolCall(r: ToolCallRecord): void {
    const name = METRIC_GEN_AI_EXECUTE_TOOL_DURATION;
    if (!isString(r?.toolName)) return this.reject('invalid_attribute', name, 'toolName must be a string');
    if (!isNonNegative(r.durationSeconds)) return this.reject('invalid_duration', name, 'durationSeconds must be a finite number ≥ 0');
    const attrs: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
      [ATTR_GEN_AI_TOOL_NAME]: this.b.toolName.bound(r.toolName),
    };
    if (r.agentName !== undefined) attrs[ATTR_GEN_AI_AGENT_NAME] = this.b.toolAgent.bound(r.agentName);
    if (r.errorType !== undefined) attrs[ATTR_ERROR_TYPE] = this.b.toolError.bound(r.errorType);
    this.instruments().toolDuration.record(r.durationSeconds, attrs);
  }

  recordModelCall(r: ModelCallRecord): void {
    this.guarded(() => this.doModelCall(r));
  }

  private doModelCall(r: ModelCallRecord): void {
    this.modelCall(r, true, this.costFromModelCalls);
  }

  /** `recordModelCall` with `gen_ai.client.*` optional (the span processor's entry). @internal */
  modelCallGuarded(r: ModelCallRecord, clientMetrics: boolean): void {
    this.guarded(() => this.modelCall(r, clientMetrics, this.costFromModelCalls));
  }

  /**
   * Records a model call. `clientMetrics` false skips `gen_ai.client.*` (already recorded by the span's own
   * instrumentation); cost is still derived.
   */
  private modelCall(r: ModelCallRecord, clientMetrics: boolean, cost: boolean): void {
    const name = METRIC_GEN_AI_CLIENT_OPERATION_DURATION;
    if (!isString(r?.requestModel)) return this.reject('invalid_attribute', name, 'requestModel must be a string');
    if (!isNonNegative(r.durationSeconds)) return this.reject('invalid_duration', name, 'durationSeconds must be a finite number ≥ 0');
    const inst = this.instruments();
    const opName = r.operationName ?? GEN_AI_OPERATION_NAME_VALUE_CHAT;
    const inputOk = r.inputTokens === undefined || isNonNegative(r.inputTokens);
    const outputOk = r.outputTokens === undefined || isNonNegative(r.outputTokens);
    if (clientMetrics) {
      const attrs: Attributes = {
        [ATTR_GEN_AI_OPERATION_NAME]: this.b.opName.bound(opName),
        [ATTR_GEN_AI_REQUEST_MODEL]: this.b.opRequestModel.bound(r.requestModel),
      };
      if (r.providerName !== undefined) attrs[ATTR_GEN_AI_PROVIDER_NAME] = this.b.opProvider.bound(r.providerName);
      if (r.responseModel !== undefined) attrs[ATTR_GEN_AI_RESPONSE_MODEL] = this.b.opResponseModel.bound(r.responseModel);
      if (r.errorType !== undefined) attrs[ATTR_ERROR_TYPE] = this.b.opError.bound(r.errorType);
      inst.clientDuration.record(r.durationSeconds, attrs);
      if ((r.inputTokens !== undefined || r.outputTokens !== undefined) && r.errorType === undefined) {
        const t: Attributes = {
          [ATTR_GEN_AI_OPERATION_NAME]: this.b.tokOpName.bound(opName),
          [ATTR_GEN_AI_REQUEST_MODEL]: this.b.tokRequestModel.bound(r.requestModel),
        };
        if (r.providerName !== undefined) t[ATTR_GEN_AI_PROVIDER_NAME] = this.b.tokProvider.bound(r.providerName);
        if (r.responseModel !== undefined) t[ATTR_GEN_AI_RESPONSE_MODEL] = this.b.tokResponseModel.bound(r.responseModel);
        if (r.inputTokens !== undefined && inputOk) {
          inst.tokenUsage.record(r.inputTokens, { ...t, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_INPUT });
        }
        if (r.outputTokens !== undefined && outputOk) {
          inst.tokenUsage.record(r.outputTokens, { ...t, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_OUTPUT });
        }
      }
    }
    if (!inputOk || !outputOk) {
      return this.reject('invalid_tokens', METRIC_GEN_AI_CLIENT_TOKEN_USAGE, 'token counts must be finite numbers ≥ 0');
    }
    if (cost && (r.inputTokens !== undefined || r.outputTokens !== undefined)) {
      const usd = this.priced([r.responseModel, r.requestModel], { inputTokens: r.inputTokens, outputTokens: r.outputTokens });
      if (usd === undefined) {
        return this.reject('unknown_price', METRIC_AGENT_TASK_COST, `no valid price for model ${r.responseModel ?? r.requestModel}`);
      }
      if (usd > 0) inst.cost.add(usd, { [ATTR_GEN_AI_REQUEST_MODEL]: this.b.costModel.bound(r.requestModel) });
    }
  }

  recordTask(r: TaskRecord): void {
    this.guarded(() => this.doTask(r));
  }

  private doTask(r: TaskRecord): void {
    const name = METRIC_AGENT_TASKS;
    if (!(TASK_OUTCOMES as readonly unknown[]).includes(r?.outcome)) {
      return this.reject('unknown_outcome', name, `outcome must be one of ${TASK_OUTCOMES.join(', ')}`);
    }
    const inst = this.instruments();
    const attrs: Attributes = { [ATTR_AGENT_TASK_OUTCOME]: r.outcome };
    if (r.agentName !== undefined) attrs[ATTR_GEN_AI_AGENT_NAME] = this.b.taskAgent.bound(r.agentName);
    if (r.model !== undefined) attrs[ATTR_GEN_AI_REQUEST_MODEL] = this.b.taskModel.bound(r.model);
    inst.tasks.add(1, attrs);
    if (r.outcome === 'escalated') {
      this.doEscalation({ reason: r.escalationReason, agentName: r.agentName });
    }
    if (r.durationSeconds !== undefined) {
      this.doInvocation({
        durationSeconds: r.durationSeconds,
        agentName: r.agentName,
        errorType: r.outcome === 'failure' ? (r.errorType ?? VALUE_OTHER) : undefined,
      });
    }
    let usd = 0;
    if (r.costUsd !== undefined) {
      if (isNonNegative(r.costUsd)) usd += r.costUsd;
      else this.reject('invalid_cost', METRIC_AGENT_TASK_COST, 'costUsd must be a finite number ≥ 0');
    }
    for (const u of r.usage ?? []) {
      const c = this.priceTable === undefined ? undefined : this.priced([u?.model], u ?? { model: '' });
      if (c === undefined) this.reject('unknown_price', METRIC_AGENT_TASK_COST, `no valid price or usage for model ${String(u?.model)}`);
      else usd += c;
    }
    if (usd > 0) this.addCost(usd, r.agentName, r.model);
  }

  private addCost(usd: number, agentName: unknown, model: unknown): void {
    const attrs: Attributes = {};
    if (agentName !== undefined) attrs[ATTR_GEN_AI_AGENT_NAME] = this.b.costAgent.bound(agentName);
    if (model !== undefined) attrs[ATTR_GEN_AI_REQUEST_MODEL] = this.b.costModel.bound(model);
    this.instruments().cost.add(usd, attrs);
  }

  recordCost(usd: number, attributes: { agentName?: string; model?: string } = {}): void {
    // Read the two attributes, never spread the argument: a string spreads into one property per character.
    this.guarded(() => {
      const a: { agentName?: unknown; model?: unknown } = attributes !== null && typeof attributes === 'object' ? attributes : {};
      this.doCost({ usd, agentName: a.agentName, model: a.model });
    });
  }

  private doCost(a: { usd: number; agentName?: unknown; model?: unknown }): void {
    if (!isNonNegative(a.usd)) return this.reject('invalid_cost', METRIC_AGENT_TASK_COST, 'cost must be a finite number ≥ 0');
    if (a.usd > 0) this.addCost(a.usd, a.agentName, a.model);
  }

  recordAgentInvocation(r: AgentInvocationRecord): void {
    this.guarded(() => this.doInvocation(r));
  }

  private doInvocation(r: AgentInvocationRecord): void {
    const name = METRIC_GEN_AI_INVOKE_AGENT_DURATION;
    if (!isNonNegative(r?.durationSeconds)) return this.reject('invalid_duration', name, 'durationSeconds must be a finite number ≥ 0');
    const attrs: Attributes = { [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT };
    if (r.agentName !== undefined) attrs[ATTR_GEN_AI_AGENT_NAME] = this.b.invokeAgent.bound(r.agentName);
    if (r.errorType !== undefined) attrs[ATTR_ERROR_TYPE] = this.b.invokeError.bound(r.errorType);
    this.instruments().invokeAgentDuration.record(r.durationSeconds, attrs);
  }

  recordModelFallback(r: ModelFallbackRecord): void {
    this.guarded(() => this.doFallback(r));
  }

  private doFallback(r: ModelFallbackRecord): void {
    const name = METRIC_AGENT_MODEL_FALLBACKS;
    if (!isString(r?.fromModel) || !isString(r.toModel) || !isString(r.reason)) {
      return this.reject('invalid_attribute', name, 'fromModel, toModel and reason must be strings');
    }
    const from = this.b.fallbackFrom.bound(r.fromModel);
    this.instruments().fallbacks.add(1, {
      // The requested model is the one that fell back: lets a gate scope the fallback rate by model.
      [ATTR_GEN_AI_REQUEST_MODEL]: from,
      [ATTR_AGENT_FALLBACK_FROM_MODEL]: from,
      [ATTR_AGENT_FALLBACK_TO_MODEL]: this.b.fallbackTo.bound(r.toModel),
      [ATTR_AGENT_FALLBACK_REASON]: this.b.fallbackReason.bound(r.reason),
    });
  }

  recordEscalation(r: EscalationRecord = {}): void {
    this.guarded(() => this.doEscalation(r));
  }

  private doEscalation(r: EscalationRecord): void {
    const attrs: Attributes = { [ATTR_AGENT_ESCALATION_REASON]: this.b.escReason.bound(r?.reason ?? VALUE_OTHER) };
    if (r?.agentName !== undefined) attrs[ATTR_GEN_AI_AGENT_NAME] = this.b.escAgent.bound(r.agentName);
    this.instruments().escalations.add(1, attrs);
  }

  recordExecution(r: ExecutionRecord): void {
    this.guarded(() => this.doExecution(r));
  }

  private doExecution(r: ExecutionRecord): void {
    if (!(EXECUTION_OUTCOMES as readonly unknown[]).includes(r?.outcome)) {
      return this.reject('unknown_outcome', METRIC_AGENT_EXECUTIONS, `outcome must be one of ${EXECUTION_OUTCOMES.join(', ')}`);
    }
    const inst = this.instruments();
    const attrs: Attributes = { [ATTR_AGENT_EXECUTION_OUTCOME]: r.outcome };
    if (r.agentName !== undefined) attrs[ATTR_GEN_AI_AGENT_NAME] = this.b.execAgent.bound(r.agentName);
    inst.executions.add(1, attrs);
    if (r.durationSeconds !== undefined) {
      if (isNonNegative(r.durationSeconds)) inst.executionDuration.record(r.durationSeconds, attrs);
      else this.reject('invalid_duration', METRIC_AGENT_EXECUTION_DURATION, 'durationSeconds must be a finite number ≥ 0');
    }
    if (r.memoryBytes !== undefined) {
      if (isNonNegative(r.memoryBytes)) inst.executionMemory.record(r.memoryBytes, attrs);
      else this.reject('invalid_memory', METRIC_AGENT_EXECUTION_MEMORY, 'memoryBytes must be a finite number ≥ 0');
    }
  }

  recordShadowComparison(result: ShadowResult): void {
    this.guarded(() => this.doShadow(result));
  }

  private doShadow(result: ShadowResult): void {
    if (!(SHADOW_RESULTS as readonly unknown[]).includes(result)) {
      return this.reject('unknown_outcome', METRIC_AGENT_SHADOW_COMPARISONS, `result must be one of ${SHADOW_RESULTS.join(', ')}`);
    }
    this.instruments().shadow.add(1, { [ATTR_AGENT_SHADOW_RESULT]: result });
  }

  recordIntegrityFailure(type: IntegrityFailureType): void {
    this.guarded(() => this.doIntegrity(type));
  }

  private doIntegrity(type: IntegrityFailureType): void {
    if (!(INTEGRITY_FAILURE_TYPES as readonly unknown[]).includes(type)) {
      return this.reject(
        'unknown_outcome',
        METRIC_AGENT_INTEGRITY_FAILURES,
        `type must be one of ${INTEGRITY_FAILURE_TYPES.join(', ')}`,
      );
    }
    this.instruments().integrity.add(1, { [ATTR_AGENT_INTEGRITY_FAILURE_TYPE]: type });
  }

  recordConversation(count = 1): void {
    this.guarded(() => this.doConversation(count));
  }

  private doConversation(count: number): void {
    if (!isNonNegative(count) || !Number.isInteger(count)) {
      return this.reject('invalid_attribute', METRIC_AGENT_CONVERSATIONS, 'count must be an integer ≥ 0');
    }
    if (count > 0) this.instruments().conversations.add(count);
  }

  // --- wrappers ---------------------------------------------------------------------------------

  withToolCall<T>(options: ToolCallOptions | string, fn: () => T): T {
    const opts = typeof options === 'string' ? { toolName: options } : options;
    const start = now();
    return timed(fn, (e) => this.internal(e), (failed, err) => {
      this.recordToolCall({
        toolName: opts?.toolName,
        agentName: opts?.agentName,
        durationSeconds: secondsSince(start),
        errorType: failed ? errorTypeOf(err) : undefined,
      });
    });
  }

  withModelCall<T>(options: ModelCallOptions, fn: (call: ModelCallHandle) => T): T {
    const usage: { inputTokens?: number; outputTokens?: number; responseModel?: string } = {};
    const handle: ModelCallHandle = {
      setUsage: (u) => {
        try {
          if (u === null || typeof u !== 'object') return;
          const { inputTokens, outputTokens, responseModel } = u;
          if (inputTokens !== undefined) usage.inputTokens = inputTokens;
          if (outputTokens !== undefined) usage.outputTokens = outputTokens;
          if (responseModel !== undefined) usage.responseModel = responseModel;
        } catch (err) {
          this.internal(err);
        }
      },
    };
    const start = now();
    return timed(
      () => fn(handle),
      (e) => this.internal(e),
      (failed, err) => {
        this.recordModelCall({
          operationName: options?.operationName,
          providerName: options?.providerName,
          requestModel: options?.requestModel,
          ...usage,
          durationSeconds: secondsSince(start),
          errorType: failed ? errorTypeOf(err) : undefined,
        });
      },
    );
  }

  withTask<T>(options: TaskOptions, fn: (task: TaskHandle) => T): T {
    let outcome: TaskOutcome | undefined;
    let escalationReason: string | undefined;
    let cost = 0;
    const usage: TokenUsage[] = [];
    const handle: TaskHandle = {
      setOutcome: (o, reason) => {
        outcome = o;
        escalationReason = reason;
      },
      addCost: (usd) => {
        if (isNonNegative(usd)) cost += usd;
        else if (this.enabled) this.reject('invalid_cost', METRIC_AGENT_TASK_COST, 'addCost needs a finite number ≥ 0');
      },
      addUsage: (u) => {
        usage.push(u);
      },
    };
    const start = now();
    return timed(
      () => fn(handle),
      (e) => this.internal(e),
      (failed, err) => {
        const final = outcome ?? (failed ? 'failure' : 'success');
        this.recordTask({
          outcome: final,
          agentName: options?.agentName,
          model: options?.model,
          durationSeconds: secondsSince(start),
          costUsd: cost > 0 ? cost : undefined,
          usage,
          escalationReason,
          errorType: final === 'failure' ? (failed ? errorTypeOf(err) : VALUE_OTHER) : undefined,
        });
      },
    );
  }

  // --- lifecycle --------------------------------------------------------------------------------

  setMeterProvider(meterProvider: MeterProvider): void {
    this.fixedProvider = meterProvider;
    this.inst = undefined;
  }

  enable(): void {
    this.enabled = true;
  }

  disable(): void {
    this.enabled = false;
  }

  reportedProblems(): readonly string[] {
    return this.reporter.kinds();
  }
}
