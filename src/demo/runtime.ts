/**
 * Demo step: a synthetic agent runtime in this process, instrumented with @agent-slo/instrumentation and exposing
 * /metrics through the SDK's Prometheus pull exporter. It runs tasks (tool calls, model calls, executions) at a
 * steady pace; `degrade()` switches it to a failing tool backend. It records runtime-v1's signals only (no kokino
 * executions), so the kokino history stays the only input of the kokino rules.
 */
import { startAgentSloMetrics } from '@agent-slo/instrumentation/sdk';
import { seededRandom } from '../backfill/scenario.js';
import { freePort } from '../stack/free-port.js';

export interface DemoRuntime {
  /** The scrape target, host:port. */
  readonly target: string;
  readonly metricsUrl: string;
  phase(): 'healthy' | 'degraded';
  degrade(): void;
  tasks(): number;
  stop(): Promise<void>;
}

export const HEALTHY_TOOL_FAILURE = 0.01;
export const DEGRADED_TOOL_FAILURE = 0.3;

export interface DemoRuntimeOptions {
  readonly serviceName: string;
  /** Histogram bucket boundaries per metric (what `agent-slo generate` writes to buckets.json). */
  readonly buckets: Readonly<Record<string, readonly number[]>>;
  readonly tasksPerSecond?: number;
}

export async function startDemoRuntime(opts: DemoRuntimeOptions): Promise<DemoRuntime> {
  // A port picked here: the exporter (0.223) treats `port: 0` as unset and falls back to 9464.
  const metrics = await startAgentSloMetrics({ serviceName: opts.serviceName, buckets: opts.buckets, prometheus: { port: await freePort(), host: '127.0.0.1' }, setGlobal: false });
  const endpoint = metrics.prometheus;
  if (endpoint === undefined) {
    await metrics.shutdown();
    throw new Error('the instrumentation SDK started without its Prometheus exporter');
  }
  const { recorder } = metrics;
  const random = seededRandom(42);
  let phase: 'healthy' | 'degraded' = 'healthy';
  let tasks = 0;
  const one = (): void => {
    const failure = phase === 'healthy' ? HEALTHY_TOOL_FAILURE : DEGRADED_TOOL_FAILURE;
    const failed = random() < failure;
    recorder.recordToolCall({ toolName: 'search', durationSeconds: 0.05 + random(), ...(failed ? { errorType: 'TimeoutError' } : {}) });
    recorder.recordToolCall({ toolName: 'fetch_page', durationSeconds: 0.05 + random() * 0.5 });
    const fellBack = random() < 0.02;
    if (fellBack) recorder.recordModelFallback({ fromModel: 'gpt-4o', toModel: 'gpt-4o-mini', reason: 'rate_limited' });
    recorder.recordModelCall({ requestModel: fellBack ? 'gpt-4o-mini' : 'gpt-4o', providerName: 'openai', durationSeconds: 0.5 + random() * 2, inputTokens: 900, outputTokens: 200 });
    const escalated = !failed && random() < 0.02;
    recorder.recordTask({ outcome: failed ? 'failure' : escalated ? 'escalated' : 'success', costUsd: 0.02 + random() * 0.04, durationSeconds: 1 + random() * 5, model: 'gpt-4o' });
    if (escalated) recorder.recordEscalation({ reason: 'low_confidence' });
    tasks++;
  };
  const timer = setInterval(one, Math.max(5, Math.round(1000 / (opts.tasksPerSecond ?? 20))));
  let stopped: Promise<void> | undefined;
  return {
    target: `127.0.0.1:${endpoint.port}`,
    metricsUrl: endpoint.url,
    phase: () => phase,
    degrade: () => {
      phase = 'degraded';
    },
    tasks: () => tasks,
    stop: () => {
      clearInterval(timer);
      stopped ??= metrics.shutdown();
      return stopped;
    },
  };
}
