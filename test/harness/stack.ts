import { afterEach } from 'vitest';
import { startAlertmanager } from '../../src/stack/alertmanager.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type {
  AlertmanagerOptions,
  PrometheusOptions,
  RunningAlertmanager,
  RunningPrometheus,
} from '../../src/stack/types.js';

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Registers an afterEach hook that stops everything passed to the returned function, even when the test failed,
 * last started first (a runtime flushes into its collector before the collector stops, and so on).
 * Usage: `const track = trackStack(); const prom = track(await startPrometheus({...}));`
 */
export function trackStack(): <T extends Stoppable>(running: T) => T {
  const started: Stoppable[] = [];
  afterEach(async () => {
    for (const s of started.splice(0).reverse()) await s.stop();
  });
  return (running) => {
    started.push(running);
    return running;
  };
}

/** Runs `fn` with a fresh Prometheus and always stops it, whether `fn` returns or throws. */
export async function withPrometheus<T>(opts: PrometheusOptions, fn: (prom: RunningPrometheus) => Promise<T>): Promise<T> {
  const prom = await startPrometheus(opts);
  try {
    return await fn(prom);
  } finally {
    await prom.stop();
  }
}

/** Runs `fn` with a fresh Alertmanager and always stops it, whether `fn` returns or throws. */
export async function withAlertmanager<T>(
  opts: AlertmanagerOptions,
  fn: (am: RunningAlertmanager) => Promise<T>,
): Promise<T> {
  const am = await startAlertmanager(opts);
  try {
    return await fn(am);
  } finally {
    await am.stop();
  }
}

/**
 * The Prometheus binary tests run against: `AGENT_SLO_PROMETHEUS_BINARY` when set (e.g. a Prometheus 3 build),
 * otherwise `prometheus` on PATH (Debian 2.42).
 */
export function prometheusBinary(): string {
  return process.env.AGENT_SLO_PROMETHEUS_BINARY || 'prometheus';
}
