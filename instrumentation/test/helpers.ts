import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';
import { readFileSync } from 'node:fs';
import type { Attributes } from '@opentelemetry/api';
import { createAgentSloRecorder, PACKAGE_NAME, type AgentSloRecorder, type AgentSloRecorderOptions, type HistogramMetricName } from '@agent-slo/instrumentation';

/** The boundaries `agent-slo generate` writes for the shipped profiles (buckets.json): what the tests pass in. */
export const GENERATED_BUCKETS = JSON.parse(readFileSync(new URL('../../buckets.json', import.meta.url), 'utf8')) as Record<HistogramMetricName, number[]>;

export interface Harness {
  provider: MeterProvider;
  exporter: InMemoryMetricExporter;
  recorder: AgentSloRecorder;
  /** Collects and returns this package's metrics by name (cumulative). */
  collect(scope?: string): Promise<Map<string, MetricData>>;
  shutdown(): Promise<void>;
}

export function harness(options: AgentSloRecorderOptions = {}, views: ViewOptions[] = []): Harness {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader], views });
  const recorder = createAgentSloRecorder({ meterProvider: provider, buckets: GENERATED_BUCKETS, ...options });
  return {
    provider,
    exporter,
    recorder,
    async collect(scope = PACKAGE_NAME) {
      exporter.reset();
      await reader.forceFlush();
      const out = new Map<string, MetricData>();
      for (const rm of exporter.getMetrics()) {
        for (const sm of rm.scopeMetrics) {
          if (sm.scope.name !== scope) continue;
          for (const m of sm.metrics) out.set(m.descriptor.name, m);
        }
      }
      return out;
    },
    shutdown: () => provider.shutdown(),
  };
}

/** Points of a metric as [attributes, value] with attribute keys sorted (for exact comparison). */
export function points(m: MetricData | undefined): { attributes: Attributes; value: unknown }[] {
  if (m === undefined) return [];
  return (m.dataPoints as DataPoint<unknown>[]).map((p) => ({
    attributes: Object.fromEntries(Object.entries(p.attributes).sort(([a], [b]) => a.localeCompare(b))),
    value: p.value,
  }));
}

/** The single histogram point's value. */
export function histogram(m: MetricData | undefined, index = 0): Histogram {
  const p = m?.dataPoints[index] as DataPoint<Histogram> | undefined;
  if (p === undefined) throw new Error(`no histogram point ${index} in ${m?.descriptor.name ?? 'undefined metric'}`);
  return p.value;
}

/** Sum of a counter over all points. */
export function total(m: MetricData | undefined): number {
  return (m?.dataPoints ?? []).reduce((s, p) => {
    const v = p.value as number | Histogram;
    return s + (typeof v === 'number' ? v : v.count);
  }, 0);
}
