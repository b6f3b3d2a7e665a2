import type { AgentSloMetrics } from '@agent-slo/instrumentation/sdk';

/**
 * One batch of traffic for every runtime-v1 objective, `n` = scale. Per n: tool calls 18 ok + 2 failed
 * (90%: below critical 0.95), model calls 50 with 1 fallback (2%), 20 invocations at 2 s (p95 2 s), tasks 49
 * successes at 0.05 USD + 1 escalated (cost per success 0.05, escalation 2%). Used by the tests that compare
 * pipelines (collector-chain, metric-names): the same recordings on every path.
 */
export function recordBatch(m: AgentSloMetrics, n: number): void {
  const r = m.recorder;
  for (let i = 0; i < 18 * n; i++) r.recordToolCall({ toolName: 'search', durationSeconds: 0.4 });
  for (let i = 0; i < 2 * n; i++) r.recordToolCall({ toolName: 'search', durationSeconds: 3, errorType: 'timeout' });
  for (let i = 0; i < 50 * n; i++) r.recordModelCall({ requestModel: 'model-a', durationSeconds: 0.8, inputTokens: 10, outputTokens: 5 });
  for (let i = 0; i < n; i++) r.recordModelFallback({ fromModel: 'model-a', toModel: 'model-b', reason: 'timeout' });
  for (let i = 0; i < 20 * n; i++) r.recordAgentInvocation({ durationSeconds: 2 });
  for (let i = 0; i < 49 * n; i++) r.recordTask({ outcome: 'success', costUsd: 0.05 });
  for (let i = 0; i < n; i++) r.recordTask({ outcome: 'escalated', escalationReason: 'policy' });
}
