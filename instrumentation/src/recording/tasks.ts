/** Tasks and what a task implies: escalations, the agent invocation's duration, and task cost (USD). */
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_AGENT_ESCALATION_REASON,
  ATTR_AGENT_TASK_OUTCOME,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
  METRIC_AGENT_TASKS,
  METRIC_AGENT_TASK_COST,
  METRIC_GEN_AI_INVOKE_AGENT_DURATION,
  TASK_OUTCOMES,
  VALUE_OTHER,
} from '../semconv.js';
import type { AgentInvocationRecord, EscalationRecord, TaskRecord } from '../types.js';
import { isNonNegative, type RecorderCore } from './core.js';

export function recordTask(c: RecorderCore, r: TaskRecord): void {
  if (!(TASK_OUTCOMES as readonly unknown[]).includes(r?.outcome)) {
    return c.reject('unknown_outcome', METRIC_AGENT_TASKS, `outcome must be one of ${TASK_OUTCOMES.join(', ')}`);
  }
  const attrs: Attributes = { [ATTR_AGENT_TASK_OUTCOME]: r.outcome };
  if (r.agentName !== undefined) attrs[ATTR_GEN_AI_AGENT_NAME] = c.b.taskAgent.bound(r.agentName);
  if (r.model !== undefined) attrs[ATTR_GEN_AI_REQUEST_MODEL] = c.b.taskModel.bound(r.model);
  c.instruments().tasks.add(1, attrs);
  if (r.outcome === 'escalated') recordEscalation(c, { reason: r.escalationReason, agentName: r.agentName });
  if (r.durationSeconds !== undefined) {
    recordInvocation(c, {
      durationSeconds: r.durationSeconds,
      agentName: r.agentName,
      errorType: r.outcome === 'failure' ? (r.errorType ?? VALUE_OTHER) : undefined,
    });
  }
  let usd = 0;
  if (r.costUsd !== undefined) {
    if (isNonNegative(r.costUsd)) usd += r.costUsd;
    else c.reject('invalid_cost', METRIC_AGENT_TASK_COST, 'costUsd must be a finite number ≥ 0');
  }
  for (const u of r.usage ?? []) {
    const cost = c.priceTable === undefined ? undefined : c.priced([u?.model], u ?? { model: '' });
    if (cost === undefined) c.reject('unknown_price', METRIC_AGENT_TASK_COST, `no valid price or usage for model ${String(u?.model)}`);
    else usd += cost;
  }
  if (usd > 0) addCost(c, usd, r.agentName, r.model);
}

/** A cost outside a task; `agentName`/`model` are read as given (never spread: a string spreads into characters). */
export function recordCost(c: RecorderCore, a: { usd: number; agentName?: unknown; model?: unknown }): void {
  if (!isNonNegative(a.usd)) return c.reject('invalid_cost', METRIC_AGENT_TASK_COST, 'cost must be a finite number ≥ 0');
  if (a.usd > 0) addCost(c, a.usd, a.agentName, a.model);
}

function addCost(c: RecorderCore, usd: number, agentName: unknown, model: unknown): void {
  const attrs: Attributes = {};
  if (agentName !== undefined) attrs[ATTR_GEN_AI_AGENT_NAME] = c.b.costAgent.bound(agentName);
  if (model !== undefined) attrs[ATTR_GEN_AI_REQUEST_MODEL] = c.b.costModel.bound(model);
  c.instruments().cost.add(usd, attrs);
}

export function recordInvocation(c: RecorderCore, r: AgentInvocationRecord): void {
  if (!isNonNegative(r?.durationSeconds)) return c.reject('invalid_duration', METRIC_GEN_AI_INVOKE_AGENT_DURATION, 'durationSeconds must be a finite number ≥ 0');
  const attrs: Attributes = { [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT };
  if (r.agentName !== undefined) attrs[ATTR_GEN_AI_AGENT_NAME] = c.b.invokeAgent.bound(r.agentName);
  if (r.errorType !== undefined) attrs[ATTR_ERROR_TYPE] = c.b.invokeError.bound(r.errorType);
  c.instruments().invokeAgentDuration.record(r.durationSeconds, attrs);
}

export function recordEscalation(c: RecorderCore, r: EscalationRecord): void {
  const attrs: Attributes = { [ATTR_AGENT_ESCALATION_REASON]: c.b.escReason.bound(r?.reason ?? VALUE_OTHER) };
  if (r?.agentName !== undefined) attrs[ATTR_GEN_AI_AGENT_NAME] = c.b.escAgent.bound(r.agentName);
  c.instruments().escalations.add(1, attrs);
}
