/**
 * Prometheus 3 (built from its Go module by collector-config/build-prometheus3.sh, API only):
 *  - classic-histogram `le` normalisation on scrape (`30` → `30.0`),
 *  - its own OTLP receiver (`--web.enable-otlp-receiver`, POST /api/v1/otlp/v1/metrics) and which
 *    `otlp.translation_strategy` gives which names,
 *  - the collector's remote write into Prometheus 3 (the path that reproduces the pull names exactly).
 * Skipped (with the reason printed) only when the binary has not been built; CI builds it first.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { collectorBinary, prometheus3Binary } from '../harness/binaries.js';
import { goBuilt } from '../harness/go-built.js';
import { startCollector } from '../harness/collector.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { scenarioTotals, startTestRuntime, type TestRuntime } from '../harness/otel-test-runtime.js';
import { byLabels, eventually, instant, seriesNames } from '../harness/prom-query.js';
import { trackStack, type Stoppable } from '../harness/stack.js';

const prom3 = await goBuilt(() => prometheus3Binary());
const otelcol = await goBuilt(() => collectorBinary());
if (prom3.missingReason !== undefined) console.warn(`[skipped] Prometheus 3 integration tests: ${prom3.missingReason}`);
if (otelcol.missingReason !== undefined) console.warn(`[skipped] collector → Prometheus 3 test: ${otelcol.missingReason}`);

const PROJECT_SERIES = '{__name__=~"(agent|gen_ai)_.+"}';
const TARGET_LABELS = ['job', 'instance'] as const;

const track = trackStack();
function runtimeStop(rt: TestRuntime): Stoppable {
  return { stop: () => rt.shutdown() };
}

async function startProm3(opts: Parameters<typeof startPrometheus>[0] = {}): Promise<RunningPrometheus> {
  return track(await startPrometheus({ ...opts, binary: prom3.path!, extraArgs: ['--web.enable-otlp-receiver', ...(opts.extraArgs ?? [])] }));
}

/** Adds a top-level `otlp:` block to the running server's config and reloads it. */
async function setOtlpConfig(prom: RunningPrometheus, otlp: Record<string, unknown>): Promise<void> {
  const config = parse(await readFile(prom.configFile, 'utf8')) as Record<string, unknown>;
  config.otlp = otlp;
  await writeFile(prom.configFile, stringify(config));
  await prom.reload();
}

async function valueOf(prom: RunningPrometheus, query: string): Promise<number | undefined> {
  return (await instant(prom.url, query))[0]?.value;
}

async function pushScenarioViaOtlp(prom: RunningPrometheus, instanceId: string): Promise<void> {
  const runtime = await startTestRuntime({
    otlpMetricsUrl: `${prom.url}/api/v1/otlp/v1/metrics`,
    exportIntervalMs: 60_000,
    serviceInstanceId: instanceId,
  });
  track(runtimeStop(runtime));
  runtime.recordScenario();
  await runtime.flush();
}

describe.skipIf(prom3.missingReason !== undefined)('Prometheus 3 (built from its Go module)', () => {
  it('is a 3.x server', async () => {
    const prom = await startProm3();
    const res = await fetch(`${prom.url}/api/v1/status/buildinfo`);
    const body = (await res.json()) as { data: { version: string } };
    expect(body.data.version).toMatch(/^3\./);
  });

  it('normalises classic-histogram le on scrape: le="30" from the JS exporter is stored as le="30.0"', async () => {
    const runtime = await startTestRuntime({ pull: true });
    track(runtimeStop(runtime));
    runtime.recordScenario();
    const prom = await startProm3({
      scrapeInterval: '1s',
      scrapeConfigs: [{ job_name: 'agent-runtime', scrape_interval: '1s', static_configs: [{ targets: [runtime.pullTarget] }] }],
    });
    const bucket = 'gen_ai_execute_tool_duration_bucket{gen_ai_tool_name="search",error_type=""';
    await eventually(() => valueOf(prom, `${bucket},le="30.0"}`), (v) => v === 2, 30_000, 'le="30.0" series');
    expect(await instant(prom.url, `${bucket},le="30"}`)).toEqual([]);
    // Every le the JS exporter writes as an integer gets ".0"; large ones keep their digits as Prometheus formats them.
    const les = (await instant(prom.url, 'agent_execution_memory_bucket{agent_execution_outcome="completed"}')).map((s) => s.metric.le).sort();
    console.info(`[prometheus3] scraped memory le spellings: ${les.join(' ')}`);
    expect(les).toContain('5e+08');
    expect(les).not.toContain('500000000');
    // The regex-tolerant matcher the rules use finds the threshold bucket in every spelling.
    expect(await valueOf(prom, `${bucket},le=~"30|30\\\\.0"}`)).toBe(2);
  });

  it('OTLP receiver: default translation adds unit suffixes (names differ from the pull path)', async () => {
    const prom = await startProm3();
    await pushScenarioViaOtlp(prom, 'otlp-default');
    const names = await eventually(() => seriesNames(prom.url, PROJECT_SERIES), (n) => n.length >= 12, 30_000, 'OTLP series');
    console.info(`[prometheus3] OTLP default names: ${names.join(' ')}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'gen_ai_execute_tool_duration_seconds_bucket',
        'agent_execution_duration_seconds_bucket',
        'agent_execution_memory_bytes_bucket',
        'agent_task_cost_USD_total',
        'agent_tasks_total',
      ]),
    );
  });

  it('OTLP receiver: UnderscoreEscapingWithoutSuffixes matches the pull names except `_total` on counters', async () => {
    const prom = await startProm3();
    await setOtlpConfig(prom, { translation_strategy: 'UnderscoreEscapingWithoutSuffixes', promote_scope_metadata: true });
    await pushScenarioViaOtlp(prom, 'otlp-nosuffix');
    const names = await eventually(() => seriesNames(prom.url, PROJECT_SERIES), (n) => n.length >= 12, 30_000, 'OTLP series');
    console.info(`[prometheus3] OTLP UnderscoreEscapingWithoutSuffixes names: ${names.join(' ')}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'gen_ai_execute_tool_duration_bucket',
        'agent_execution_duration_bucket',
        'agent_execution_memory_bucket',
        'agent_task_cost',
        'agent_tasks',
        'agent_executions',
      ]),
    );
    expect(names.filter((n) => n.endsWith('_total'))).toEqual([]);
    // Labels and le as the pull path writes them (scope labels need promote_scope_metadata).
    const s = (await instant(prom.url, 'gen_ai_execute_tool_duration_bucket{gen_ai_tool_name="search",error_type="",le="30"}'))[0];
    expect(s?.value).toBe(2);
    expect(s?.metric).toMatchObject({ job: 'agent-slo-test-runtime', instance: 'otlp-nosuffix', otel_scope_name: 'agent-slo-test-runtime' });
  });

  it.skipIf(otelcol.missingReason !== undefined)(
    'collector remote write into Prometheus 3 gives exactly the pull names (as on 2.42)',
    async () => {
      const pushProm = await startProm3();
      const collector = track(await startCollector({ binary: otelcol.path!, remoteWriteUrl: `${pushProm.url}/api/v1/write` }));
      const runtime = await startTestRuntime({ pull: true, otlpMetricsUrl: `${collector.otlpHttpUrl}/v1/metrics`, exportIntervalMs: 1000 });
      track(runtimeStop(runtime));
      // Reference: the pull path scraped by Debian's Prometheus 2.42 (no le normalisation there).
      const pullProm = track(
        await startPrometheus({
          scrapeInterval: '1s',
          scrapeConfigs: [{ job_name: 'agent-runtime', scrape_interval: '1s', static_configs: [{ targets: [runtime.pullTarget] }] }],
        }),
      );
      runtime.recordScenario();
      await runtime.flush();
      const total = scenarioTotals(1).tasksSuccess;
      for (const prom of [pushProm, pullProm]) {
        await eventually(() => valueOf(prom, 'agent_tasks_total{agent_task_outcome="success"}'), (v) => v === total, 30_000, 'success count');
      }
      await runtime.flush();
      await sleep(2_500);
      expect(await seriesNames(pushProm.url, PROJECT_SERIES)).toEqual(await seriesNames(pullProm.url, PROJECT_SERIES));
      expect(byLabels(await instant(pushProm.url, PROJECT_SERIES), TARGET_LABELS)).toEqual(
        byLabels(await instant(pullProm.url, PROJECT_SERIES), TARGET_LABELS),
      );
    },
  );
});
