// A tiny synthetic agent runtime for the compose stack: records tool calls, model calls, tasks and executions with
// @agent-slo/instrumentation and pushes them as OTLP/HTTP to the collector. The real demo (`npm run demo`) is
// richer; this one only keeps the dashboards and rules of the Docker stack fed with live traffic.
//
// Environment:
//   OTEL_EXPORTER_OTLP_METRICS_ENDPOINT  collector URL (default http://otel-collector:4318/v1/metrics)
//   OTEL_SERVICE_NAME                    service.name, which becomes the `job` label (default demo-agent-runtime)
//   DEMO_FAILURE_RATE                    fraction of tool calls that fail, 0..1 (default 0.01)
//   DEMO_INTERVAL_MS                     time between tasks (default 500)
//   DEMO_EXPORT_INTERVAL_MS              OTLP export interval (default 5000)
//   DEMO_RUN_FOR_MS                      stop after this long (default: run until SIGTERM/SIGINT)
//   AGENT_SLO_BUCKETS                    bucket boundaries written by `agent-slo generate` (default: buckets.json
//                                        at the repository root, copied into the image)
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { startAgentSloMetrics } from '@agent-slo/instrumentation/sdk';

const num = (name, fallback) => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}=${raw}: expected a non-negative number`);
  return value;
};
const failureRate = num('DEMO_FAILURE_RATE', 0.01);
const intervalMs = num('DEMO_INTERVAL_MS', 500);
const runForMs = num('DEMO_RUN_FOR_MS', 0);

const bucketsFile = process.env.AGENT_SLO_BUCKETS || new URL('../../buckets.json', import.meta.url);
const buckets = JSON.parse(readFileSync(bucketsFile, 'utf8'));

const metrics = await startAgentSloMetrics({
  buckets,
  serviceName: process.env.OTEL_SERVICE_NAME ?? 'demo-agent-runtime',
  resourceAttributes: { 'service.instance.id': hostname() },
  prometheus: false,
  otlp: {
    url: process.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT ?? 'http://otel-collector:4318/v1/metrics',
    exportIntervalMillis: num('DEMO_EXPORT_INTERVAL_MS', 5000),
  },
});
const { recorder } = metrics;
const tools = ['search', 'fetch_page', 'run_sql'];
const pick = (items) => items[Math.floor(Math.random() * items.length)];

let tasks = 0;
function oneTask() {
  const model = Math.random() < 0.03 ? 'gpt-4o-mini' : 'gpt-4o';
  if (model === 'gpt-4o-mini') recorder.recordModelFallback({ fromModel: 'gpt-4o', toModel: model, reason: 'rate_limited' });
  recorder.recordModelCall({
    requestModel: model,
    providerName: 'openai',
    durationSeconds: 0.5 + Math.random() * 4,
    inputTokens: 800 + Math.floor(Math.random() * 400),
    outputTokens: 150 + Math.floor(Math.random() * 100),
  });
  const failed = Math.random() < failureRate;
  recorder.recordToolCall({
    toolName: pick(tools),
    durationSeconds: 0.05 + Math.random() * 2,
    ...(failed ? { errorType: 'TimeoutError' } : {}),
  });
  const escalated = !failed && Math.random() < 0.02;
  recorder.recordTask({
    outcome: failed ? 'failure' : escalated ? 'escalated' : 'success',
    costUsd: 0.02 + Math.random() * 0.05,
    durationSeconds: 1 + Math.random() * 6,
    model,
  });
  if (escalated) recorder.recordEscalation({ reason: 'low_confidence' });
  recorder.recordExecution({
    outcome: failed ? 'failed' : 'completed',
    durationSeconds: 1 + Math.random() * 6,
    memoryBytes: 200e6 + Math.random() * 100e6,
  });
  recorder.recordConversation();
  recorder.recordShadowComparison(Math.random() < 0.995 ? 'match' : 'mismatch');
  tasks++;
}

const timer = setInterval(oneTask, intervalMs);
console.log(`demo runtime: pushing OTLP every ${num('DEMO_EXPORT_INTERVAL_MS', 5000)} ms, one task every ${intervalMs} ms, tool failure rate ${failureRate}`);

let stopping = false;
async function stop(reason) {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  await metrics.shutdown();
  console.log(`demo runtime: stopped (${reason}) after ${tasks} tasks`);
}
process.once('SIGTERM', () => void stop('SIGTERM'));
process.once('SIGINT', () => void stop('SIGINT'));
if (runForMs > 0) setTimeout(() => void stop(`ran ${runForMs} ms`), runForMs);
