import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentSloMetrics, type AgentSloMetrics } from '@agent-slo/instrumentation/sdk';
// Test code may use the root stack launcher; the package's own src never does.
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { freePort } from '../../src/stack/free-port.js';
import { GENERATED_BUCKETS } from './helpers.js';

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(prom: RunningPrometheus, q: string): Promise<Sample[]> {
  const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { status: string; data: { result: Sample[] }; error?: string };
  if (body.status !== 'success') throw new Error(`${q}: ${body.error ?? res.status}`);
  return body.data.result;
}

async function scalar(prom: RunningPrometheus, q: string): Promise<number | undefined> {
  const r = await query(prom, q);
  if (r.length > 1) throw new Error(`${q} returned ${r.length} series`);
  return r[0] === undefined ? undefined : Number(r[0].value[1]);
}

// Durations chosen around the runtime-v1 thresholds (8/10/15 s) and kokino's (30/60 s), including exact hits.
const TOOL_DURATIONS = [0.2, 7.9, 8, 8, 9.99, 10, 10.01, 14.9, 15, 29, 30, 31, 60, 61, 700];
const SUCCESS = 37;
const FAILURES = 5;
const ESCALATED = 3;

describe('a real Prometheus scrapes the exporter', () => {
  let metrics: AgentSloMetrics;
  let prom: RunningPrometheus;

  beforeAll(async () => {
    const port = await freePort();
    metrics = await startAgentSloMetrics({ serviceName: 'agent', prometheus: { port, host: '127.0.0.1' }, setGlobal: false, buckets: GENERATED_BUCKETS });
    const r = metrics.recorder;
    for (const d of TOOL_DURATIONS) r.recordToolCall({ toolName: 'search', durationSeconds: d });
    r.recordToolCall({ toolName: 'search', durationSeconds: 1, errorType: 'TimeoutError' });
    for (let i = 0; i < SUCCESS; i++) r.recordTask({ outcome: 'success', costUsd: 0.01, durationSeconds: 9 });
    for (let i = 0; i < FAILURES; i++) r.recordTask({ outcome: 'failure', durationSeconds: 16 });
    for (let i = 0; i < ESCALATED; i++) r.recordTask({ outcome: 'escalated' });
    r.recordExecution({ outcome: 'completed', durationSeconds: 30, memoryBytes: 5e8 });
    r.recordExecution({ outcome: 'timeout', durationSeconds: 60.5, memoryBytes: 1.2e9 });
    r.recordTask({ outcome: 'bogus' as 'success' });
    prom = await startPrometheus({
      scrapeInterval: '1s',
      scrapeConfigs: [{ job_name: 'agent', scrape_interval: '1s', static_configs: [{ targets: [`127.0.0.1:${port}`] }] }],
    });
    const deadline = Date.now() + 30_000;
    while ((await scalar(prom, 'sum(agent_tasks_total)')) !== SUCCESS + FAILURES + ESCALATED) {
      if (Date.now() > deadline) throw new Error(`Prometheus never scraped the exporter:\n${prom.logs()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 90_000);

  afterAll(async () => {
    await prom?.stop();
    await metrics?.shutdown();
  });

  it('returns exactly the recorded counts', async () => {
    expect(await scalar(prom, 'sum(gen_ai_execute_tool_duration_count)')).toBe(TOOL_DURATIONS.length + 1);
    expect(await scalar(prom, 'sum(gen_ai_execute_tool_duration_count{error_type=""})')).toBe(TOOL_DURATIONS.length);
    expect(await scalar(prom, 'sum(gen_ai_execute_tool_duration_count{error_type="TimeoutError"})')).toBe(1);
    expect(await scalar(prom, 'agent_tasks_total{agent_task_outcome="success"}')).toBe(SUCCESS);
    expect(await scalar(prom, 'agent_tasks_total{agent_task_outcome="failure"}')).toBe(FAILURES);
    expect(await scalar(prom, 'agent_tasks_total{agent_task_outcome="escalated"}')).toBe(ESCALATED);
    expect(await scalar(prom, 'sum(agent_escalations_total)')).toBe(ESCALATED);
    expect(await scalar(prom, 'agent_task_cost_total')).toBeCloseTo(SUCCESS * 0.01, 12);
    expect(await scalar(prom, 'sum(agent_executions_total)')).toBe(2);
    expect(await scalar(prom, 'agent_instrumentation_rejected_total{agent_instrumentation_reason="unknown_outcome"}')).toBe(1);
  });

  it('returns exactly the recorded bucket counts at every threshold', async () => {
    const le = async (metric: string, bound: string): Promise<number | undefined> =>
      scalar(prom, `sum(${metric}_bucket{error_type="",le="${bound}"})`);
    const below = (t: number): number => TOOL_DURATIONS.filter((d) => d <= t).length;
    for (const t of [8, 10, 15, 30, 60]) {
      expect(await le('gen_ai_execute_tool_duration', String(t)), `le=${t}`).toBe(below(t));
    }
    expect(await le('gen_ai_execute_tool_duration', '+Inf')).toBe(TOOL_DURATIONS.length);
    // Response latency: 37 tasks at 9 s, 5 at 16 s.
    expect(await scalar(prom, 'sum(gen_ai_invoke_agent_duration_bucket{le="8"})')).toBe(0);
    expect(await scalar(prom, 'sum(gen_ai_invoke_agent_duration_bucket{le="10"})')).toBe(SUCCESS);
    expect(await scalar(prom, 'sum(gen_ai_invoke_agent_duration_bucket{le="15"})')).toBe(SUCCESS);
    expect(await scalar(prom, 'sum(gen_ai_invoke_agent_duration_count)')).toBe(SUCCESS + FAILURES);
    // The exact-threshold decision p95 > 10 s ⇔ bucket{le="10"}/count < 0.95.
    expect(await scalar(prom, 'sum(gen_ai_invoke_agent_duration_bucket{le="10"}) / sum(gen_ai_invoke_agent_duration_count)')).toBeCloseTo(37 / 42, 12);
    expect(await scalar(prom, 'sum(agent_execution_duration_bucket{le="30"})')).toBe(1);
    expect(await scalar(prom, 'sum(agent_execution_duration_bucket{le="60"})')).toBe(1);
    expect(await scalar(prom, 'sum(agent_execution_memory_bucket{le="500000000"})')).toBe(1);
    expect(await scalar(prom, 'sum(agent_execution_memory_bucket{le="1000000000"})')).toBe(1);
    expect(await scalar(prom, 'sum(agent_execution_memory_sum)')).toBe(1.7e9);
  });
});
