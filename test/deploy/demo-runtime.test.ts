/**
 * The compose stack's demo runtime (deploy/demo-runtime/runtime.mjs), run with the test's Node as its container runs
 * it (the container's Node 24.21 in the otel3 leg, which runs this file too; Node 20 in the main run), pushing OTLP into the real collector built by collector-config/build.sh, which remote-writes into Debian's
 * Prometheus: the script starts, records through @agent-slo/instrumentation, and its series arrive under the
 * names the rules use, with job = its service.name. Skipped (reason printed) only when the collector is not built.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { METRIC_AGENT_TASKS, METRIC_GEN_AI_EXECUTE_TOOL_DURATION } from '../../instrumentation/src/semconv.js';
import { promCounter, promHistogram } from '../../src/conventions.js';
import { collectorBinary } from '../harness/binaries.js';
import { goBuilt } from '../harness/go-built.js';
import { startCollector } from '../harness/collector.js';
import { spawnManaged } from '../../src/stack/process.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import { eventually, instant } from '../harness/prom-query.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const otelcol = await goBuilt(() => collectorBinary());
if (otelcol.missingReason !== undefined) console.warn(`[skipped] demo runtime through the collector: ${otelcol.missingReason}`);

const started: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of started.splice(0).reverse()) await s.stop();
});

describe.skipIf(otelcol.path === undefined)('deploy/demo-runtime/runtime.mjs', () => {
  it('pushes OTLP through the collector into Prometheus, then stops cleanly on its own', async () => {
    expect(existsSync(join(root, 'instrumentation', 'dist', 'sdk.js')), 'build the workspace first (npm run build)').toBe(true);
    const prom = await startPrometheus({});
    started.push(prom);
    const collector = await startCollector({ binary: otelcol.path!, remoteWriteUrl: `${prom.url}/api/v1/write` });
    started.push(collector);

    const runtime = await spawnManaged({
      name: 'demo-runtime',
      command: process.execPath,
      args: [join(root, 'deploy', 'demo-runtime', 'runtime.mjs')],
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${collector.otlpHttpUrl}/v1/metrics`,
        OTEL_SERVICE_NAME: 'demo-agent-runtime',
        DEMO_INTERVAL_MS: '20',
        DEMO_EXPORT_INTERVAL_MS: '500',
        DEMO_FAILURE_RATE: '0.5',
        DEMO_RUN_FOR_MS: '3000',
      },
    });
    started.push(runtime);
    const exit = await runtime.exited;
    expect(exit, runtime.logs()).toEqual({ code: 0, signal: null });
    const finished = /stopped \(ran 3000 ms\) after (\d+) tasks/.exec(runtime.logs());
    expect(finished, runtime.logs()).not.toBeNull();
    const tasks = Number(finished![1]);
    expect(tasks).toBeGreaterThan(10);

    // Shutdown flushed everything: Prometheus holds exactly the tasks the runtime reported.
    const tasksQuery = `sum(${promCounter(METRIC_AGENT_TASKS)}{job="demo-agent-runtime"})`;
    const total = await eventually(() => instant(prom.url, tasksQuery), (s) => s[0]?.value === tasks, 30_000, tasksQuery);
    expect(total[0]!.value).toBe(tasks);
    const failedTools = await instant(
      prom.url,
      `sum(${promHistogram(METRIC_GEN_AI_EXECUTE_TOOL_DURATION).count}{job="demo-agent-runtime", error_type!=""})`,
    );
    expect(failedTools[0]!.value).toBeGreaterThan(0);
  });
});
