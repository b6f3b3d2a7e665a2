/**
 * The collector configured as the contrib Collector is usually run: OTLP in, its Prometheus exporters at their
 * DEFAULT naming (unit suffixes, `_total`; no translation_strategy unless given), none of agent-slo's processors.
 * Listen addresses and the remote-write URL come from the environment test/harness/collector.ts sets.
 */
import { stringify } from 'yaml';

export interface ContribConfigOptions {
  /** Also the `prometheus` (pull) exporter, on `${env:AGENT_SLO_PROM_EXPORTER_ENDPOINT}`. */
  pullExporter?: boolean;
  /** A memory_limiter in the metrics pipeline (what the span overlay needs from its base config). */
  memoryLimiter?: boolean;
  /** More settings of the remote-write exporter (e.g. protobuf_message, translation_strategy). */
  remoteWrite?: Record<string, string>;
}

export function contribCollectorConfig(opts: ContribConfigOptions = {}): string {
  const exporters: Record<string, unknown> = {
    prometheusremotewrite: {
      endpoint: '${env:AGENT_SLO_REMOTE_WRITE_URL}',
      ...opts.remoteWrite,
      // one writer keeps samples in order (ordering, not naming)
      remote_write_queue: { num_consumers: 1 },
    },
  };
  if (opts.pullExporter === true) exporters.prometheus = { endpoint: '${env:AGENT_SLO_PROM_EXPORTER_ENDPOINT}' };
  return stringify({
    receivers: { otlp: { protocols: { http: { endpoint: '${env:AGENT_SLO_OTLP_HTTP_ENDPOINT}' }, grpc: { endpoint: '${env:AGENT_SLO_OTLP_GRPC_ENDPOINT}' } } } },
    ...(opts.memoryLimiter === true ? { processors: { memory_limiter: { check_interval: '1s', limit_mib: 512 } } } : {}),
    extensions: { health_check: { endpoint: '${env:AGENT_SLO_HEALTH_ENDPOINT}' } },
    exporters,
    service: {
      extensions: ['health_check'],
      telemetry: { metrics: { readers: [{ pull: { exporter: { prometheus: { host: '127.0.0.1', port: '${env:AGENT_SLO_TELEMETRY_PORT}' } } } }] } },
      pipelines: {
        metrics: { receivers: ['otlp'], ...(opts.memoryLimiter === true ? { processors: ['memory_limiter'] } : {}), exporters: Object.keys(exporters) },
      },
    },
  });
}
