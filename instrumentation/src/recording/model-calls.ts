/** Tool calls, model calls (duration, token usage, cost from usage) and model fallbacks. */
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_AGENT_FALLBACK_FROM_MODEL,
  ATTR_AGENT_FALLBACK_REASON,
  ATTR_AGENT_FALLBACK_TO_MODEL,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_TOOL_NAME,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  GEN_AI_TOKEN_TYPE_VALUE_INPUT,
  GEN_AI_TOKEN_TYPE_VALUE_OUTPUT,
  METRIC_AGENT_MODEL_FALLBACKS,
  METRIC_AGENT_TASK_COST,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
} from '../semconv.js';
import type { ModelCallRecord, ModelFallbackRecord, ToolCallRecord } from '../types.js';
import { isNonNegative, isString, type RecorderCore } from './core.js';

export function recordToolCall(c: RecorderCore, r: ToolCallRecord): void {
  const name = METRIC_GEN_AI_EXECUTE_TOOL_DURATION;
  if (!isString(r?.toolName)) return c.reject('invalid_attribute', name, 'toolName must be a string');
  if (!isNonNegative(r.durationSeconds)) return c.reject('invalid_duration', name, 'durationSeconds must be a finite number ≥ 0');
  const attrs: Attributes = {
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
    [ATTR_GEN_AI_TOOL_NAME]: c.b.toolName.bound(r.toolName),
  };
  if (r.agentName !== undefined) attrs[ATTR_GEN_AI_AGENT_NAME] = c.b.toolAgent.bound(r.agentName);
  if (r.errorType !== undefined) attrs[ATTR_ERROR_TYPE] = c.b.toolError.bound(r.errorType);
  c.instruments().toolDuration.record(r.durationSeconds, attrs);
}

/**
 * Records a model call. `clientMetrics` false skips `gen_ai.client.*` (already recorded by the span's own
 * instrumentation); cost is still derived when `cost` is set.
 */
export function recordModelCall(c: RecorderCore, r: ModelCallRecord, clientMetrics: boolean, cost: boolean): void {
  const name = METRIC_GEN_AI_CLIENT_OPERATION_DURATION;
  if (!isString(r?.requestModel)) return c.reject('invalid_attribute', name, 'requestModel must be a string');
  if (!isNonNegative(r.durationSeconds)) return c.reject('invalid_duration', name, 'durationSeconds must be a finite number ≥ 0');
  const inst = c.instruments();
  const opName = r.operationName ?? GEN_AI_OPERATION_NAME_VALUE_CHAT;
  const inputOk = r.inputTokens === undefined || isNonNegative(r.inputTokens);
  const outputOk = r.outputTokens === undefined || isNonNegative(r.outputTokens);
  if (clientMetrics) {
    const attrs: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: c.b.opName.bound(opName),
      [ATTR_GEN_AI_REQUEST_MODEL]: c.b.opRequestModel.bound(r.requestModel),
    };
    if (r.providerName !== undefined) attrs[ATTR_GEN_AI_PROVIDER_NAME] = c.b.opProvider.bound(r.providerName);
    if (r.responseModel !== undefined) attrs[ATTR_GEN_AI_RESPONSE_MODEL] = c.b.opResponseModel.bound(r.responseModel);
    if (r.errorType !== undefined) attrs[ATTR_ERROR_TYPE] = c.b.opError.bound(r.errorType);
    inst.clientDuration.record(r.durationSeconds, attrs);
    if ((r.inputTokens !== undefined || r.outputTokens !== undefined) && r.errorType === undefined) {
      const t: Attributes = {
        [ATTR_GEN_AI_OPERATION_NAME]: c.b.tokOpName.bound(opName),
        [ATTR_GEN_AI_REQUEST_MODEL]: c.b.tokRequestModel.bound(r.requestModel),
      };
      if (r.providerName !== undefined) t[ATTR_GEN_AI_PROVIDER_NAME] = c.b.tokProvider.bound(r.providerName);
      if (r.responseModel !== undefined) t[ATTR_GEN_AI_RESPONSE_MODEL] = c.b.tokResponseModel.bound(r.responseModel);
      if (r.inputTokens !== undefined && inputOk) inst.tokenUsage.record(r.inputTokens, { ...t, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_INPUT });
      if (r.outputTokens !== undefined && outputOk) inst.tokenUsage.record(r.outputTokens, { ...t, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_OUTPUT });
    }
  }
  if (!inputOk || !outputOk) {
    return c.reject('invalid_tokens', METRIC_GEN_AI_CLIENT_TOKEN_USAGE, 'token counts must be finite numbers ≥ 0');
  }
  if (cost && (r.inputTokens !== undefined || r.outputTokens !== undefined)) {
    const usd = c.priced([r.responseModel, r.requestModel], { inputTokens: r.inputTokens, outputTokens: r.outputTokens });
    if (usd === undefined) return c.reject('unknown_price', METRIC_AGENT_TASK_COST, `no valid price for model ${r.responseModel ?? r.requestModel}`);
    if (usd > 0) inst.cost.add(usd, { [ATTR_GEN_AI_REQUEST_MODEL]: c.b.costModel.bound(r.requestModel) });
  }
}

export function recordModelFallback(c: RecorderCore, r: ModelFallbackRecord): void {
  const name = METRIC_AGENT_MODEL_FALLBACKS;
  if (!isString(r?.fromModel) || !isString(r.toModel) || !isString(r.reason)) {
    return c.reject('invalid_attribute', name, 'fromModel, toModel and reason must be strings');
  }
  const from = c.b.fallbackFrom.bound(r.fromModel);
  c.instruments().fallbacks.add(1, {
    // The requested model is the one that fell back: lets a gate scope the fallback rate by model.
    [ATTR_GEN_AI_REQUEST_MODEL]: from,
    [ATTR_AGENT_FALLBACK_FROM_MODEL]: from,
    [ATTR_AGENT_FALLBACK_TO_MODEL]: c.b.fallbackTo.bound(r.toModel),
    [ATTR_AGENT_FALLBACK_REASON]: c.b.fallbackReason.bound(r.reason),
  });
}
