/**
 * A test agent runtime built from the raw OpenTelemetry JS SDK: one MeterProvider, the project's metric names
 * (instrumentation/src/semconv.ts) with their units and the generated threshold bucket boundaries, and two
 * readers fed by the same recordings: the direct pull path (`@opentelemetry/exporter-prometheus` on a loopback
 * port) and/or OTLP/HTTP push (to the collector, or to Prometheus 3's OTLP receiver).
 */
import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import { AggregationTemporalityPreference, OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import {
  ATTR_AGENT_EXECUTION_OUTCOME,
  ATTR_AGENT_TASK_OUTCOME,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_TOOL_NAME,
  METRIC_AGENT_EXECUTIONS,
  METRIC_AGENT_EXECUTION_DURATION,
  METRIC_AGENT_EXECUTION_MEMORY,
  METRIC_AGENT_TASKS,
  METRIC_AGENT_TASK_COST,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  UNIT_BYTES,
  UNIT_SECONDS,
  UNIT_USD,
} from '../../instrumentation/src/semconv.js';
import { GENERATED_BUCKETS } from '../harness/buckets.js';
import { freePort } from '../../src/stack/free-port.js';

export const SCOPE_NAME = 'agent-slo-test-runtime';
export const SCOPE_VERSION = '0.0.1';

export interface TestRuntimeOptions {
  /** OTLP/HTTP metrics endpoint (full URL ending in /v1/metrics); no push reader when absent. */
  otlpMetricsUrl?: string;
  /** Also expose the direct pull path on a free loopback port. */
  pull?: boolean;
  exportIntervalMs?: number;
  temporality?: 'cumulative' | 'delta';
  serviceName?: string;
  serviceInstanceId?: string;
}

export interface TestRuntime {
  /** `host:port` of the pull exporter (scrape target), when `pull` was asked for. */
  readonly pullTarget: string | undefined;
  readonly instruments: Instruments;
  /** Records one fixed, deterministic batch of traffic (see recordScenario). */
  recordScenario(round?: number): void;
  /** Pushes everything recorded so far (OTLP reader); resolves when the collector answered. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface Instruments {
  toolDuration: Histogram;
  executionDuration: Histogram;
  executionMemory: Histogram;
  taskCost: Counter;
  tasks: Counter;
  executions: Counter;
}

/** Expected totals after `recordScenario` ran `rounds` times (what both paths must show). */
export function scenarioTotals(rounds: number): { tasksSuccess: number; tasksFailure: number; cost: number } {
  return { tasksSuccess: 3 * rounds, tasksFailure: rounds, cost: 0.75 * rounds };
}

export async function startTestRuntime(opts: TestRuntimeOptions): Promise<TestRuntime> {
  const readers: IMetricReader[] = [];
  let pullTarget: string | undefined;
  let pullExporter: PrometheusExporter | undefined;
  if (opts.pull) {
    const port = await freePort();
    pullExporter = new PrometheusExporter({ host: '127.0.0.1', port, preventServerStart: true });
    await pullExporter.startServer();
    pullTarget = `127.0.0.1:${port}`;
    readers.push(pullExporter);
  }
  let pushReader: PeriodicExportingMetricReader | undefined;
  if (opts.otlpMetricsUrl !== undefined) {
    pushReader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({
        url: opts.otlpMetricsUrl,
        temporalityPreference:
          opts.temporality === 'delta'
            ? AggregationTemporalityPreference.DELTA
            : AggregationTemporalityPreference.CUMULATIVE,
      }),
      exportIntervalMillis: opts.exportIntervalMs ?? 1000,
      exportTimeoutMillis: Math.min(opts.exportIntervalMs ?? 1000, 5000),
    });
    readers.push(pushReader);
  }
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': opts.serviceName ?? 'agent-slo-test-runtime',
      'service.instance.id': opts.serviceInstanceId ?? 'runtime-1',
      // A non-identifying attribute: the collector path writes target_info only when there is one.
      'deployment.environment.name': 'test',
    }),
    readers,
  });
  const meter = provider.getMeter(SCOPE_NAME, SCOPE_VERSION);
  const instruments: Instruments = {
    toolDuration: meter.createHistogram(METRIC_GEN_AI_EXECUTE_TOOL_DURATION, {
      unit: UNIT_SECONDS,
      advice: { explicitBucketBoundaries: [...GENERATED_BUCKETS[METRIC_GEN_AI_EXECUTE_TOOL_DURATION]] },
    }),
    executionDuration: meter.createHistogram(METRIC_AGENT_EXECUTION_DURATION, {
      unit: UNIT_SECONDS,
      advice: { explicitBucketBoundaries: [...GENERATED_BUCKETS[METRIC_AGENT_EXECUTION_DURATION]] },
    }),
    executionMemory: meter.createHistogram(METRIC_AGENT_EXECUTION_MEMORY, {
      unit: UNIT_BYTES,
      advice: { explicitBucketBoundaries: [...GENERATED_BUCKETS[METRIC_AGENT_EXECUTION_MEMORY]] },
    }),
    taskCost: meter.createCounter(METRIC_AGENT_TASK_COST, { unit: UNIT_USD }),
    tasks: meter.createCounter(METRIC_AGENT_TASKS, { unit: '{task}' }),
    executions: meter.createCounter(METRIC_AGENT_EXECUTIONS, { unit: '{execution}' }),
  };

  const tool = (name: string, error?: string): Attributes =>
    error === undefined ? { [ATTR_GEN_AI_TOOL_NAME]: name } : { [ATTR_GEN_AI_TOOL_NAME]: name, [ATTR_ERROR_TYPE]: error };

  return {
    pullTarget,
    instruments,
    recordScenario: () => {
      // Exact threshold values land in the bucket whose le equals them (le is inclusive).
      instruments.toolDuration.record(0.2, tool('search'));
      instruments.toolDuration.record(30, tool('search'));
      instruments.toolDuration.record(31, tool('search', 'timeout'));
      instruments.toolDuration.record(7.2, tool('shell', '_OTHER'));
      instruments.executionDuration.record(12, { [ATTR_AGENT_EXECUTION_OUTCOME]: 'completed' });
      instruments.executionDuration.record(61, { [ATTR_AGENT_EXECUTION_OUTCOME]: 'timeout' });
      instruments.executionMemory.record(480e6, { [ATTR_AGENT_EXECUTION_OUTCOME]: 'completed' });
      instruments.executionMemory.record(1e9, { [ATTR_AGENT_EXECUTION_OUTCOME]: 'completed' });
      instruments.executionMemory.record(3e9, { [ATTR_AGENT_EXECUTION_OUTCOME]: 'timeout' });
      instruments.taskCost.add(0.25);
      instruments.taskCost.add(0.5);
      instruments.tasks.add(3, { [ATTR_AGENT_TASK_OUTCOME]: 'success' });
      instruments.tasks.add(1, { [ATTR_AGENT_TASK_OUTCOME]: 'failure' });
      instruments.executions.add(1, { [ATTR_AGENT_EXECUTION_OUTCOME]: 'completed' });
      instruments.executions.add(1, { [ATTR_AGENT_EXECUTION_OUTCOME]: 'timeout' });
    },
    flush: async () => {
      await pushReader?.forceFlush();
    },
    shutdown: async () => {
      await provider.shutdown();
      await pullExporter?.stopServer();
    },
  };
}
