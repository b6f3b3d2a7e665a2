import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackStartError } from '../../src/stack/errors.js';
import { collectorBinary, requireBinary, shippedCollectorConfig } from './binaries.js';
import { freePort } from '../../src/stack/free-port.js';
import { spawnManaged, type ManagedProcess } from '../../src/stack/process.js';
import { exitDescription, waitForReady } from '../../src/stack/ready.js';

export interface CollectorOptions {
  /** Collector binary; default: the one collector-config/build.sh put in the cache (throws when not built). */
  binary?: string;
  /**
   * Configuration file; default collector-config/otelcol.yaml. Several files are merged in order (the collector's
   * own `--config` merge), e.g. the shipped config plus collector-config/otelcol-spans.yaml.
   */
  configFile?: string | readonly string[];
  /**
   * Extra environment for the collector (e.g. `AGENT_SLO_REMOTE_WRITE_URL`). The listen addresses
   * (`AGENT_SLO_OTLP_GRPC_ENDPOINT`, `AGENT_SLO_OTLP_HTTP_ENDPOINT`, `AGENT_SLO_HEALTH_ENDPOINT`,
   * `AGENT_SLO_TELEMETRY_PORT`) are set to free loopback ports unless given here.
   */
  env?: Record<string, string>;
  /** Shortcut for `env.AGENT_SLO_REMOTE_WRITE_URL`, e.g. `${prometheus.url}/api/v1/write`. */
  remoteWriteUrl?: string;
  /** More command-line arguments after the `--config` ones, e.g. `--feature-gates=…`. */
  args?: readonly string[];
  /** How long to wait for the health_check extension (default 60 s). */
  readyTimeoutMs?: number;
  onLogLine?: (line: string) => void;
}

export interface RunningCollector {
  /** OTLP/HTTP base URL, e.g. `http://127.0.0.1:41234` (metrics go to `${otlpHttpUrl}/v1/metrics`). */
  readonly otlpHttpUrl: string;
  readonly otlpGrpcPort: number;
  /** health_check extension URL. */
  readonly healthUrl: string;
  /** The collector's own metrics (`otelcol_*`, Prometheus text format). */
  readonly telemetryUrl: string;
  /** Pid of the current process (changes on restart). */
  readonly pid: number;
  logs(): string;
  /** Stops the collector (SIGTERM, then SIGKILL). Idempotent. */
  stop(): Promise<void>;
  /**
   * Stops and starts the collector again on the same ports and configuration, staying down for
   * `downtimeMs` (default 0) in between, as a crash-and-restart would.
   */
  restart(options?: { downtimeMs?: number }): Promise<void>;
}

const START_ATTEMPTS = 3;

function configArgs(files: string | readonly string[]): string[] {
  return (typeof files === 'string' ? [files] : files).map((f) => `--config=${f}`);
}

interface Ports {
  grpc: number;
  http: number;
  health: number;
  telemetry: number;
}

function listenEnv(ports: Ports): Record<string, string> {
  return {
    AGENT_SLO_OTLP_GRPC_ENDPOINT: `127.0.0.1:${ports.grpc}`,
    AGENT_SLO_OTLP_HTTP_ENDPOINT: `127.0.0.1:${ports.http}`,
    AGENT_SLO_HEALTH_ENDPOINT: `127.0.0.1:${ports.health}`,
    AGENT_SLO_TELEMETRY_PORT: String(ports.telemetry),
  };
}

function portOf(address: string | undefined, fallback: number): number {
  if (address === undefined) return fallback;
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  return Number.isInteger(port) && port > 0 ? port : fallback;
}

/**
 * Starts the agent-slo collector on free loopback ports and waits until its health_check answers 200.
 * Always call stop() (it is also done automatically when this Node process ends).
 */
export async function startCollector(opts: CollectorOptions = {}): Promise<RunningCollector> {
  const binary = opts.binary ?? requireBinary(collectorBinary());
  const configFile = opts.configFile ?? shippedCollectorConfig();
  const given = opts.env ?? {};

  const launch = async (ports: Ports): Promise<ManagedProcess | 'address-in-use'> => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...listenEnv(ports), ...given };
    if (opts.remoteWriteUrl !== undefined) env.AGENT_SLO_REMOTE_WRITE_URL = opts.remoteWriteUrl;
    const proc = await spawnManaged({
      name: 'otelcol',
      command: binary,
      args: [...configArgs(configFile), ...(opts.args ?? [])],
      env,
      logLines: 200,
      ...(opts.onLogLine ? { onLine: opts.onLogLine } : {}),
    });
    const health = env.AGENT_SLO_HEALTH_ENDPOINT ?? `127.0.0.1:${ports.health}`;
    const outcome = await waitForReady(proc, `http://${health}/`, opts.readyTimeoutMs ?? 60_000);
    if (outcome.ok) return proc;
    if (outcome.addressInUse) return 'address-in-use';
    throw new StackStartError('otelcol', `${exitDescription(proc)} before becoming healthy`, proc.logs());
  };

  let ports: Ports | undefined;
  let proc: ManagedProcess | undefined;
  for (let attempt = 1; attempt <= START_ATTEMPTS && proc === undefined; attempt++) {
    const candidate: Ports = {
      grpc: portOf(given.AGENT_SLO_OTLP_GRPC_ENDPOINT, await freePort()),
      http: portOf(given.AGENT_SLO_OTLP_HTTP_ENDPOINT, await freePort()),
      health: portOf(given.AGENT_SLO_HEALTH_ENDPOINT, await freePort()),
      telemetry: given.AGENT_SLO_TELEMETRY_PORT !== undefined ? Number(given.AGENT_SLO_TELEMETRY_PORT) : await freePort(),
    };
    const result = await launch(candidate);
    if (result !== 'address-in-use') {
      ports = candidate;
      proc = result;
    }
  }
  if (proc === undefined || ports === undefined) {
    throw new StackStartError('otelcol', `address already in use after ${START_ATTEMPTS} attempts`, '');
  }

  const fixedPorts = ports;
  let current = proc;
  let stopped = false;
  return {
    otlpHttpUrl: `http://127.0.0.1:${fixedPorts.http}`,
    otlpGrpcPort: fixedPorts.grpc,
    healthUrl: `http://127.0.0.1:${fixedPorts.health}/`,
    telemetryUrl: `http://127.0.0.1:${fixedPorts.telemetry}/metrics`,
    get pid() {
      return current.pid;
    },
    logs: () => current.logs(),
    stop: async () => {
      stopped = true;
      await current.stop();
    },
    restart: async (options) => {
      if (stopped) throw new Error('otelcol: restart() after stop()');
      await current.stop();
      if (options?.downtimeMs) await sleep(options.downtimeMs);
      // Same ports, so clients keep their endpoint. A port grabbed by someone else in between fails loudly.
      const result = await launch(fixedPorts);
      if (result === 'address-in-use') {
        throw new StackStartError('otelcol', 'a port was taken while the collector restarted', '');
      }
      current = result;
    },
  };
}

export interface ValidateResult {
  ok: boolean;
  /** Combined stdout/stderr of `otelcol validate`. */
  output: string;
}

/** Runs `<binary> validate --config=<file>` (the collector's own config check). */
export function validateCollectorConfig(opts: { binary?: string; configFile?: string | readonly string[]; env?: Record<string, string> } = {}): Promise<ValidateResult> {
  const binary = opts.binary ?? requireBinary(collectorBinary());
  const configFile = opts.configFile ?? shippedCollectorConfig();
  return new Promise((resolvePromise) => {
    execFile(
      binary,
      ['validate', ...configArgs(configFile)],
      { env: { ...process.env, ...opts.env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolvePromise({ ok: error === null, output: `${stdout}${stderr}` });
      },
    );
  });
}
