/** Executions (outcome, duration, memory) and the quality signals: shadow comparisons, integrity failures, conversations. */
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_AGENT_EXECUTION_OUTCOME,
  ATTR_AGENT_INTEGRITY_FAILURE_TYPE,
  ATTR_AGENT_SHADOW_RESULT,
  ATTR_GEN_AI_AGENT_NAME,
  EXECUTION_OUTCOMES,
  INTEGRITY_FAILURE_TYPES,
  METRIC_AGENT_CONVERSATIONS,
  METRIC_AGENT_EXECUTIONS,
  METRIC_AGENT_EXECUTION_DURATION,
  METRIC_AGENT_EXECUTION_MEMORY,
  METRIC_AGENT_INTEGRITY_FAILURES,
  METRIC_AGENT_SHADOW_COMPARISONS,
  SHADOW_RESULTS,
  type IntegrityFailureType,
  type ShadowResult,
} from '../semconv.js';
import type { ExecutionRecord } from '../types.js';
import { isNonNegative, type RecorderCore } from './core.js';

export function recordExecution(c: RecorderCore, r: ExecutionRecord): void {
  if (!(EXECUTION_OUTCOMES as readonly unknown[]).includes(r?.outcome)) {
    return c.reject('unknown_outcome', METRIC_AGENT_EXECUTIONS, `outcome must be one of ${EXECUTION_OUTCOMES.join(', ')}`);
  }
  const inst = c.instruments();
  const attrs: Attributes = { [ATTR_AGENT_EXECUTION_OUTCOME]: r.outcome };
  if (r.agentName !== undefined) attrs[ATTR_GEN_AI_AGENT_NAME] = c.b.execAgent.bound(r.agentName);
  inst.executions.add(1, attrs);
  if (r.durationSeconds !== undefined) {
    if (isNonNegative(r.durationSeconds)) inst.executionDuration.record(r.durationSeconds, attrs);
    else c.reject('invalid_duration', METRIC_AGENT_EXECUTION_DURATION, 'durationSeconds must be a finite number ≥ 0');
  }
  if (r.memoryBytes !== undefined) {
    if (isNonNegative(r.memoryBytes)) inst.executionMemory.record(r.memoryBytes, attrs);
    else c.reject('invalid_memory', METRIC_AGENT_EXECUTION_MEMORY, 'memoryBytes must be a finite number ≥ 0');
  }
}

export function recordShadow(c: RecorderCore, result: ShadowResult): void {
  if (!(SHADOW_RESULTS as readonly unknown[]).includes(result)) {
    return c.reject('unknown_outcome', METRIC_AGENT_SHADOW_COMPARISONS, `result must be one of ${SHADOW_RESULTS.join(', ')}`);
  }
  c.instruments().shadow.add(1, { [ATTR_AGENT_SHADOW_RESULT]: result });
}

export function recordIntegrity(c: RecorderCore, type: IntegrityFailureType): void {
  if (!(INTEGRITY_FAILURE_TYPES as readonly unknown[]).includes(type)) {
    return c.reject('unknown_outcome', METRIC_AGENT_INTEGRITY_FAILURES, `type must be one of ${INTEGRITY_FAILURE_TYPES.join(', ')}`);
  }
  c.instruments().integrity.add(1, { [ATTR_AGENT_INTEGRITY_FAILURE_TYPE]: type });
}

export function recordConversation(c: RecorderCore, count: number): void {
  if (!isNonNegative(count) || !Number.isInteger(count)) {
    return c.reject('invalid_attribute', METRIC_AGENT_CONVERSATIONS, 'count must be an integer ≥ 0');
  }
  if (count > 0) c.instruments().conversations.add(count);
}
