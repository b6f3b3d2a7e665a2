/**
 * withToolCall / withModelCall / withTask: time `fn`, record once it returned, threw, resolved or rejected, and
 * return exactly what `fn` returned. They record through the recorder's guarded entries.
 */
import { errorTypeOf, timed } from '../outcome.js';
import { METRIC_AGENT_TASK_COST, VALUE_OTHER, type TaskOutcome } from '../semconv.js';
import type { AgentSloRecorder, ModelCallHandle, ModelCallOptions, TaskHandle, TaskOptions, TokenUsage, ToolCallOptions } from '../types.js';
import { isNonNegative, type RecorderCore } from './core.js';

const secondsSince = (start: number): number => Math.max(0, (performance.now() - start) / 1000);

export function withToolCall<T>(rec: AgentSloRecorder, c: RecorderCore, options: ToolCallOptions | string, fn: () => T): T {
  const opts = typeof options === 'string' ? { toolName: options } : options;
  const start = performance.now();
  return timed(fn, (e) => c.internal(e), (failed, err) => {
    rec.recordToolCall({
      toolName: opts?.toolName,
      agentName: opts?.agentName,
      durationSeconds: secondsSince(start),
      errorType: failed ? errorTypeOf(err) : undefined,
    });
  });
}

export function withModelCall<T>(rec: AgentSloRecorder, c: RecorderCore, options: ModelCallOptions, fn: (call: ModelCallHandle) => T): T {
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
        c.internal(err);
      }
    },
  };
  const start = performance.now();
  return timed(
    () => fn(handle),
    (e) => c.internal(e),
    (failed, err) => {
      rec.recordModelCall({
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

export function withTask<T>(rec: AgentSloRecorder, c: RecorderCore, options: TaskOptions, fn: (task: TaskHandle) => T): T {
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
      else c.guarded(() => c.reject('invalid_cost', METRIC_AGENT_TASK_COST, 'addCost needs a finite number ≥ 0'));
    },
    addUsage: (u) => {
      usage.push(u);
    },
  };
  const start = performance.now();
  return timed(
    () => fn(handle),
    (e) => c.internal(e),
    (failed, err) => {
      const final = outcome ?? (failed ? 'failure' : 'success');
      rec.recordTask({
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
