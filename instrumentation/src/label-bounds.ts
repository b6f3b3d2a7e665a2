/** The bounded label values of the recorder: one {@link BoundedValues} per (instrument, attribute) it writes. */
import type { BoundedValues, CardinalityGuard } from './cardinality.js';
import {
  ATTR_AGENT_ESCALATION_REASON,
  ATTR_AGENT_FALLBACK_FROM_MODEL,
  ATTR_AGENT_FALLBACK_REASON,
  ATTR_AGENT_FALLBACK_TO_MODEL,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOOL_NAME,
  METRIC_AGENT_ESCALATIONS,
  METRIC_AGENT_EXECUTIONS,
  METRIC_AGENT_MODEL_FALLBACKS,
  METRIC_AGENT_TASKS,
  METRIC_AGENT_TASK_COST,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_GEN_AI_INVOKE_AGENT_DURATION,
} from './semconv.js';

export interface LabelBounds {
  toolName: BoundedValues;
  toolAgent: BoundedValues;
  toolError: BoundedValues;
  opName: BoundedValues;
  opProvider: BoundedValues;
  opRequestModel: BoundedValues;
  opResponseModel: BoundedValues;
  opError: BoundedValues;
  tokProvider: BoundedValues;
  tokRequestModel: BoundedValues;
  tokResponseModel: BoundedValues;
  tokOpName: BoundedValues;
  invokeAgent: BoundedValues;
  invokeError: BoundedValues;
  fallbackFrom: BoundedValues;
  fallbackTo: BoundedValues;
  fallbackReason: BoundedValues;
  taskAgent: BoundedValues;
  taskModel: BoundedValues;
  escReason: BoundedValues;
  escAgent: BoundedValues;
  costAgent: BoundedValues;
  costModel: BoundedValues;
  execAgent: BoundedValues;
  }

export function labelBounds(guard: CardinalityGuard): LabelBounds {
  const c = (i: string, a: string): BoundedValues => guard.create(i, a);
  return {
    toolName: c(METRIC_GEN_AI_EXECUTE_TOOL_DURATION, ATTR_GEN_AI_TOOL_NAME),
    toolAgent: c(METRIC_GEN_AI_EXECUTE_TOOL_DURATION, ATTR_GEN_AI_AGENT_NAME),
    toolError: c(METRIC_GEN_AI_EXECUTE_TOOL_DURATION, ATTR_ERROR_TYPE),
    opName: c(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, ATTR_GEN_AI_OPERATION_NAME),
    opProvider: c(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, ATTR_GEN_AI_PROVIDER_NAME),
    opRequestModel: c(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, ATTR_GEN_AI_REQUEST_MODEL),
    opResponseModel: c(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, ATTR_GEN_AI_RESPONSE_MODEL),
    opError: c(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, ATTR_ERROR_TYPE),
    tokProvider: c(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, ATTR_GEN_AI_PROVIDER_NAME),
    tokRequestModel: c(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, ATTR_GEN_AI_REQUEST_MODEL),
    tokResponseModel: c(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, ATTR_GEN_AI_RESPONSE_MODEL),
    tokOpName: c(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, ATTR_GEN_AI_OPERATION_NAME),
    invokeAgent: c(METRIC_GEN_AI_INVOKE_AGENT_DURATION, ATTR_GEN_AI_AGENT_NAME),
    invokeError: c(METRIC_GEN_AI_INVOKE_AGENT_DURATION, ATTR_ERROR_TYPE),
    fallbackFrom: c(METRIC_AGENT_MODEL_FALLBACKS, ATTR_AGENT_FALLBACK_FROM_MODEL),
    fallbackTo: c(METRIC_AGENT_MODEL_FALLBACKS, ATTR_AGENT_FALLBACK_TO_MODEL),
    fallbackReason: c(METRIC_AGENT_MODEL_FALLBACKS, ATTR_AGENT_FALLBACK_REASON),
    taskAgent: c(METRIC_AGENT_TASKS, ATTR_GEN_AI_AGENT_NAME),
    taskModel: c(METRIC_AGENT_TASKS, ATTR_GEN_AI_REQUEST_MODEL),
    escReason: c(METRIC_AGENT_ESCALATIONS, ATTR_AGENT_ESCALATION_REASON),
    escAgent: c(METRIC_AGENT_ESCALATIONS, ATTR_GEN_AI_AGENT_NAME),
    costAgent: c(METRIC_AGENT_TASK_COST, ATTR_GEN_AI_AGENT_NAME),
    costModel: c(METRIC_AGENT_TASK_COST, ATTR_GEN_AI_REQUEST_MODEL),
    execAgent: c(METRIC_AGENT_EXECUTIONS, ATTR_GEN_AI_AGENT_NAME),
  };
}
