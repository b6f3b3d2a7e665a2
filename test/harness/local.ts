import { startAlertmanager } from '../../src/stack/alertmanager.js';
import { startCollector } from './collector.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { StackLauncher } from './launcher.js';

/**
 * Runs Prometheus and Alertmanager from the Debian binaries on PATH (or the `binary` option), and the collector
 * built by collector-config/build.sh.
 */
export const localStackLauncher: StackLauncher = {
  kind: 'local',
  startPrometheus,
  startAlertmanager,
  startCollector,
};
