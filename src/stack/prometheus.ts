import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { StackStartError } from './errors.js';
import { reloadPrometheus } from './reload.js';
import { freePort } from './free-port.js';
import { registerExitCleanup, spawnManaged } from './process.js';
import { exitDescription, waitForReady } from './ready.js';
import type { PrometheusOptions, RunningPrometheus } from './types.js';

const START_ATTEMPTS = 3;

/** Command-line flags of every Prometheus agent-slo starts (local binary or container): lifecycle and remote-write on. */
export function prometheusArgs(opts: PrometheusOptions, configFile: string, dataDir: string, listenAddress: string): string[] {
  return [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--storage.tsdb.retention.time=${opts.retention ?? '400d'}`,
    `--web.listen-address=${listenAddress}`,
    '--web.enable-remote-write-receiver',
    '--web.enable-lifecycle',
    ...(opts.extraArgs ?? []),
  ];
}

/** Builds the prometheus.yml content (pure). */
export function prometheusConfig(opts: PrometheusOptions, listenAddress: string): Record<string, unknown> {
  const global: Record<string, unknown> = {
    scrape_interval: opts.scrapeInterval ?? '15s',
    evaluation_interval: opts.evaluationInterval ?? '15s',
  };
  if (opts.externalLabels && Object.keys(opts.externalLabels).length > 0) global.external_labels = opts.externalLabels;
  const scrapeConfigs: object[] = [...(opts.scrapeConfigs ?? [])];
  if (opts.scrapeSelf) scrapeConfigs.push({ job_name: 'prometheus', static_configs: [{ targets: [listenAddress] }] });
  const config: Record<string, unknown> = { global };
  if (opts.ruleFiles?.length) config.rule_files = opts.ruleFiles;
  if (opts.otlp !== undefined) config.otlp = opts.otlp;
  if (scrapeConfigs.length) config.scrape_configs = scrapeConfigs;
  if (opts.alertmanagerUrls?.length) {
    config.alerting = {
      alertmanagers: opts.alertmanagerUrls.map((raw) => {
        const u = new URL(raw);
        const port = u.port || (u.protocol === 'https:' ? '443' : '80');
        const am: Record<string, unknown> = {
          scheme: u.protocol.replace(':', ''),
          static_configs: [{ targets: [`${u.hostname}:${port}`] }],
        };
        const prefix = u.pathname.replace(/\/+$/, '');
        if (prefix) am.path_prefix = prefix;
        return am;
      }),
    };
  }
  return config;
}

/**
 * Starts `prometheus` on 127.0.0.1:<free port> with remote-write receiver and lifecycle API enabled, and waits
 * until /-/ready answers. Always call stop() (it is also done automatically when this Node process ends).
 */
export async function startPrometheus(opts: PrometheusOptions = {}): Promise<RunningPrometheus> {
  const binary = opts.binary ?? 'prometheus';
  const configDir = await mkdtemp(join(tmpdir(), 'agent-slo-prom-config-'));
  const ownDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'agent-slo-prom-data-')));
  const configFile = join(configDir, 'prometheus.yml');
  const unregister = registerExitCleanup(() => {
    rmSync(configDir, { recursive: true, force: true, maxRetries: 3 });
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
  });
  const cleanupDirs = async (): Promise<void> => {
    unregister();
    await rm(configDir, { recursive: true, force: true });
    if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
  };

  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const listen = `127.0.0.1:${port}`;
      const url = `http://${listen}`;
      await writeFile(configFile, stringify(prometheusConfig(opts, listen)), 'utf8');
      const proc = await spawnManaged({
        name: 'prometheus',
        command: binary,
        args: prometheusArgs(opts, configFile, dataDir, listen),
        ...(opts.onLogLine ? { onLine: opts.onLogLine } : {}),
      });
      const outcome = await waitForReady(proc, `${url}/-/ready`, opts.readyTimeoutMs ?? 60_000);
      if (!outcome.ok) {
        if (outcome.addressInUse && attempt < START_ATTEMPTS) continue;
        throw new StackStartError('prometheus', `${exitDescription(proc)} before becoming ready`, proc.logs());
      }
      let stopped: Promise<void> | undefined;
      return {
        url,
        port,
        dataDir,
        configFile,
        pid: proc.pid,
        logs: () => proc.logs(),
        stop: () => {
          stopped ??= proc.stop().then(cleanupDirs);
          return stopped;
        },
        reload: () => reloadPrometheus(url, () => proc.logs()),
      };
    }
  } catch (err) {
    await cleanupDirs();
    throw err;
  }
}
