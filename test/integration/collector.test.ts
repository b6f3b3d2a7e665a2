/**
 * The collector path with the real collector built by collector-config/build.sh:
 *   test runtime (raw OTel JS SDK) ──OTLP/HTTP──▶ otelcol-agent-slo ──remote write──▶ Prometheus 2.42
 * compared against the direct pull path of the same recordings:
 *   test runtime ──@opentelemetry/exporter-prometheus──▶ scraped by a second Prometheus 2.42.
 * Skipped (with the reason printed) only when the collector binary has not been built; CI builds it first
 * (.ci/prebuild.sh, .ci/wait-prebuild.sh).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  METRIC_AGENT_EXECUTIONS,
  METRIC_AGENT_EXECUTION_DURATION,
  METRIC_AGENT_EXECUTION_MEMORY,
  METRIC_AGENT_TASKS,
  METRIC_AGENT_TASK_COST,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
} from '../../instrumentation/src/semconv.js';
import { promCounter, promHistogram } from '../../src/conventions.js';
import { collectorBinary, shippedCollectorConfig } from '../harness/binaries.js';
import { goBuilt } from '../harness/go-built.js';
import { startCollector, validateCollectorConfig, type RunningCollector } from '../harness/collector.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { SCOPE_NAME, SCOPE_VERSION, scenarioTotals, startTestRuntime, type TestRuntime } from '../harness/otel-test-runtime.js';
import { byLabels, eventually, instant, rawSamples, seriesNames } from '../harness/prom-query.js';
import { trackStack, type Stoppable } from '../harness/stack.js';

const otelcol = await goBuilt(() => collectorBinary());
const skipReason = otelcol.missingReason;
if (skipReason !== undefined) console.warn(`[skipped] collector integration tests: ${skipReason}`);

/** Everything the project emits, by Prometheus name. */
const PROJECT_SERIES = '{__name__=~"(agent|gen_ai)_.+"}';
/** job/instance come from the scrape target on the pull path and from service.name/service.instance.id on the collector path. */
const TARGET_LABELS = ['job', 'instance'] as const;

const track = trackStack();

function runtimeStop(rt: TestRuntime): Stoppable {
  return { stop: () => rt.shutdown() };
}

async function collectorInto(prom: RunningPrometheus): Promise<RunningCollector> {
  return track(await startCollector({ binary: otelcol.path!, remoteWriteUrl: `${prom.url}/api/v1/write` }));
}

async function valueOf(prom: RunningPrometheus, query: string): Promise<number | undefined> {
  const result = await instant(prom.url, query);
  return result[0]?.value;
}

describe.skipIf(skipReason !== undefined)('collector path (real otelcol-agent-slo → Prometheus 2.42)', () => {
  it('validates the shipped configuration', async () => {
    const result = await validateCollectorConfig({ binary: otelcol.path! });
    expect(result.output).not.toMatch(/error/i);
    expect(result.ok).toBe(true);
  });

  it('rejects a broken configuration in validate (the check is real)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-slo-otelcol-'));
    try {
      const broken = (await readFile(shippedCollectorConfig(), 'utf8')).replace(
        'exporters: [prometheusremotewrite]',
        'exporters: [prometheus_remote_write_typo]',
      );
      const file = join(dir, 'broken.yaml');
      await writeFile(file, broken);
      const result = await validateCollectorConfig({ binary: otelcol.path!, configFile: file });
      expect(result.ok).toBe(false);
      expect(result.output).toMatch(/prometheus_remote_write_typo/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives exactly the series names, labels and values of the direct pull path for the same recordings', async () => {
    const pushProm = track(await startPrometheus({}));
    const collector = await collectorInto(pushProm);
    const runtime = await startTestRuntime({ pull: true, otlpMetricsUrl: `${collector.otlpHttpUrl}/v1/metrics`, exportIntervalMs: 1000 });
    track(runtimeStop(runtime));
    const pullProm = track(
      await startPrometheus({
        scrapeInterval: '1s',
        scrapeConfigs: [{ job_name: 'agent-runtime', scrape_interval: '1s', static_configs: [{ targets: [runtime.pullTarget] }] }],
      }),
    );

    runtime.recordScenario();
    runtime.recordScenario();
    await runtime.flush();
    const totals = scenarioTotals(2);
    const success = `${promCounter(METRIC_AGENT_TASKS)}{agent_task_outcome="success"}`;
    for (const prom of [pushProm, pullProm]) {
      await eventually(() => valueOf(prom, success), (v) => v === totals.tasksSuccess, 30_000, `${success} == ${totals.tasksSuccess}`);
    }
    // One more scrape / push so both sides hold the final state of every series.
    await runtime.flush();
    await sleep(2_500);

    const pull = await instant(pullProm.url, PROJECT_SERIES);
    const push = await instant(pushProm.url, PROJECT_SERIES);
    expect(pull.length).toBeGreaterThan(100);

    // Same metric names.
    expect(await seriesNames(pushProm.url, PROJECT_SERIES)).toEqual(await seriesNames(pullProm.url, PROJECT_SERIES));
    // Same label sets (job/instance aside) with the same values, le spellings included.
    expect(byLabels(push, TARGET_LABELS)).toEqual(byLabels(pull, TARGET_LABELS));

    // The names the rules use (src/conventions.ts) and the ones the brief spells out.
    const names = await seriesNames(pushProm.url, PROJECT_SERIES);
    expect(names).toEqual(
      expect.arrayContaining([
        promHistogram(METRIC_GEN_AI_EXECUTE_TOOL_DURATION).bucket,
        promHistogram(METRIC_AGENT_EXECUTION_DURATION).bucket,
        promHistogram(METRIC_AGENT_EXECUTION_MEMORY).bucket,
        promCounter(METRIC_AGENT_TASK_COST),
        promCounter(METRIC_AGENT_TASKS),
        promCounter(METRIC_AGENT_EXECUTIONS),
        'gen_ai_execute_tool_duration_bucket',
        'agent_task_cost_total',
        'agent_tasks_total',
        'agent_execution_memory_bucket',
        'agent_execution_duration_bucket',
      ]),
    );
    // No unit suffix anywhere, `_total` only on counters.
    for (const name of names) expect(name).not.toMatch(/_(seconds|bytes|USD|By|s)(_total|_bucket|_count|_sum)?$/);
    expect(names.filter((n) => n.endsWith('_total')).sort()).toEqual(
      [promCounter(METRIC_AGENT_EXECUTIONS), promCounter(METRIC_AGENT_TASK_COST), promCounter(METRIC_AGENT_TASKS)].sort(),
    );

    // Values and label spellings, checked directly on the collector path.
    const tool = promHistogram(METRIC_GEN_AI_EXECUTE_TOOL_DURATION).bucket;
    expect(await valueOf(pushProm, `${tool}{gen_ai_tool_name="search",error_type="timeout",le="31.5"}`)).toBe(2);
    expect(await valueOf(pushProm, `${tool}{gen_ai_tool_name="search",error_type="",le="30"}`)).toBe(4);
    expect(await valueOf(pushProm, `${tool}{gen_ai_tool_name="shell",error_type="_OTHER",le="7.2"}`)).toBe(2);
    expect(await valueOf(pushProm, `agent_execution_memory_bucket{agent_execution_outcome="completed",le="500000000"}`)).toBe(2);
    expect(await valueOf(pushProm, `agent_execution_memory_bucket{agent_execution_outcome="completed",le="1000000000"}`)).toBe(4);
    expect(await valueOf(pushProm, `agent_execution_duration_bucket{agent_execution_outcome="timeout",le="60"}`)).toBe(0);
    expect(await valueOf(pushProm, `agent_execution_duration_bucket{agent_execution_outcome="timeout",le="+Inf"}`)).toBe(2);
    expect(await valueOf(pushProm, 'agent_task_cost_total')).toBeCloseTo(totals.cost, 10);
    expect(await valueOf(pushProm, 'agent_tasks_total{agent_task_outcome="failure"}')).toBe(totals.tasksFailure);

    // Resource → labels on the collector path: job = service.name, instance = service.instance.id, scope labels as on the pull path.
    const sample = (await instant(pushProm.url, 'agent_task_cost_total'))[0]!.metric;
    expect(sample).toEqual({
      __name__: 'agent_task_cost_total',
      job: 'agent-slo-test-runtime',
      instance: 'runtime-1',
      otel_scope_name: SCOPE_NAME,
      otel_scope_version: SCOPE_VERSION,
    });
    const pulled = (await instant(pullProm.url, 'agent_task_cost_total'))[0]!.metric;
    expect(pulled).toEqual({ ...sample, job: 'agent-runtime', instance: runtime.pullTarget });
    // target_info carries the resource on both paths (job/instance join keys).
    expect(await instant(pushProm.url, 'target_info{job="agent-slo-test-runtime",instance="runtime-1",deployment_environment_name="test"}')).toHaveLength(1);
    expect(await instant(pullProm.url, 'target_info{job="agent-runtime",deployment_environment_name="test"}')).toHaveLength(1);
  });

  it('turns delta temporality into the same cumulative series (deltatocumulative)', async () => {
    const prom = track(await startPrometheus({}));
    const collector = await collectorInto(prom);
    const runtime = await startTestRuntime({
      otlpMetricsUrl: `${collector.otlpHttpUrl}/v1/metrics`,
      exportIntervalMs: 60_000,
      temporality: 'delta',
      serviceInstanceId: 'delta-1',
    });
    track(runtimeStop(runtime));
    for (let round = 1; round <= 3; round++) {
      runtime.recordScenario();
      await runtime.flush(); // three separate delta exports
      await sleep(300);
    }
    const totals = scenarioTotals(3);
    await eventually(
      () => valueOf(prom, 'agent_tasks_total{agent_task_outcome="success"}'),
      (v) => v === totals.tasksSuccess,
      30_000,
      'cumulative success count from deltas',
    );
    expect(await valueOf(prom, 'agent_task_cost_total')).toBeCloseTo(totals.cost, 10);
    expect(await valueOf(prom, 'gen_ai_execute_tool_duration_bucket{gen_ai_tool_name="search",error_type="",le="30"}')).toBe(6);
  });

  it('loses no cumulative count when the collector restarts mid-stream', async () => {
    const prom = track(await startPrometheus({}));
    const collector = await collectorInto(prom);
    const runtime = await startTestRuntime({ otlpMetricsUrl: `${collector.otlpHttpUrl}/v1/metrics`, exportIntervalMs: 250, serviceInstanceId: 'restart-1' });
    track(runtimeStop(runtime));

    let sent = 0;
    const timer = setInterval(() => {
      runtime.instruments.tasks.add(1, { 'agent.task.outcome': 'success' });
      sent++;
    }, 10);
    try {
      await sleep(2_000);
      const pidBefore = collector.pid;
      const restartStarted = Date.now();
      // Down for 1.5 s: the runtime's exports in that window fail (connection refused) while it keeps recording.
      await collector.restart({ downtimeMs: 1_500 });
      const restartMs = Date.now() - restartStarted;
      expect(collector.pid).not.toBe(pidBefore);
      expect(restartMs).toBeGreaterThanOrEqual(1_500);
      console.info(`[collector restart] down and back up in ${restartMs} ms`);
      await sleep(2_000);
    } finally {
      clearInterval(timer);
    }
    await runtime.flush();
    const query = 'agent_tasks_total{agent_task_outcome="success"}';
    const final = await eventually(() => valueOf(prom, query), (v) => v === sent, 30_000, `${query} == ${sent} (sent)`);
    expect(final).toBe(sent);

    // The stored samples never go down (no counter reset) and the gap is only the restart window.
    const [series] = await rawSamples(prom.url, `${query}[5m]`);
    const samples = series!.samples;
    let maxGapS = 0;
    expect(samples.length).toBeGreaterThan(5);
    for (let i = 1; i < samples.length; i++) {
      expect(samples[i]![1]).toBeGreaterThanOrEqual(samples[i - 1]![1]);
      maxGapS = Math.max(maxGapS, samples[i]![0] - samples[i - 1]![0]);
    }
    expect(await valueOf(prom, `resets(${query}[5m])`)).toBe(0);
    console.info(`[collector restart] ${sent} increments sent, ${final} counted, ${samples.length} samples, largest gap ${maxGapS.toFixed(2)} s`);
    // Observed: the JS OTLP exporter retries the exports refused during the outage (connection refused, with
    // backoff), so most points of the outage arrive late and the largest gap stays below the downtime; whatever
    // is not retried is covered by the next cumulative point. Either way the count is exact.
    expect(maxGapS).toBeLessThan(30);
  });

  it('rejects a malformed OTLP request with 4xx and keeps the pipeline working', async () => {
    const prom = track(await startPrometheus({}));
    const collector = await collectorInto(prom);
    const runtime = await startTestRuntime({ otlpMetricsUrl: `${collector.otlpHttpUrl}/v1/metrics`, exportIntervalMs: 60_000, serviceInstanceId: 'malformed-1' });
    track(runtimeStop(runtime));
    runtime.recordScenario();
    await runtime.flush();
    await eventually(() => valueOf(prom, 'agent_tasks_total{agent_task_outcome="success"}'), (v) => v === 3, 30_000, 'first batch');

    const garbage = [
      { 'content-type': 'application/x-protobuf', body: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]) },
      { 'content-type': 'application/json', body: Buffer.from('{"resourceMetrics": 5') },
      { 'content-type': 'application/json', body: Buffer.from('{"resourceMetrics": [{"scopeMetrics": "nope"}]}') },
    ];
    for (const g of garbage) {
      const res = await fetch(`${collector.otlpHttpUrl}/v1/metrics`, { method: 'POST', headers: { 'content-type': g['content-type'] }, body: g.body });
      await res.arrayBuffer();
      expect(res.status, `${g['content-type']} ${g.body.toString('latin1')}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    const pid = collector.pid;
    expect((await fetch(collector.healthUrl)).status).toBe(200);

    runtime.recordScenario();
    await runtime.flush();
    await eventually(() => valueOf(prom, 'agent_tasks_total{agent_task_outcome="success"}'), (v) => v === 6, 30_000, 'batch after garbage');
    expect(collector.pid).toBe(pid);
  });
});
