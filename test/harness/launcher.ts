import type { AlertmanagerOptions, PrometheusOptions, RunningAlertmanager, RunningPrometheus } from '../../src/stack/types.js';
import type { CollectorOptions, RunningCollector } from './collector.js';

/** One way to run the real components; `local.ts` uses Debian binaries, `containers.ts` runs the same images in containers. */
export interface StackLauncher {
  readonly kind: string;
  startPrometheus(opts: PrometheusOptions): Promise<RunningPrometheus>;
  startAlertmanager(opts: AlertmanagerOptions): Promise<RunningAlertmanager>;
  /** The agent-slo OpenTelemetry collector (collector-config/otelcol.yaml), where the launcher can run it. */
  startCollector?(opts: CollectorOptions): Promise<RunningCollector>;
}
