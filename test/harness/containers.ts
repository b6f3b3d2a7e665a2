/**
 * A StackLauncher that runs Prometheus, Alertmanager and the collector as containers (testcontainers 11), from the
 * images pinned in images.ts, with the same contract as the Debian-binary launcher in local.ts:
 *
 * - every component listens on 127.0.0.1:<free port>, so scrape targets, Alertmanager URLs and remote-write URLs on
 *   127.0.0.1 mean what they mean for local processes: the containers use host networking;
 * - host paths (rule files, config files, data dirs) are bind-mounted at the same absolute path, so the generated
 *   configuration is identical to the local one and `reload()` sees edits on the host;
 * - containers run as the calling user, so what they write into a temp dir is removed on stop;
 * - stop() stops and removes the container and the temp dirs (idempotent); testcontainers' reaper (Ryuk) removes
 *   containers left behind when this Node process dies.
 *
 * Needs a Docker engine on this machine (host networking and bind mounts of local paths; Docker Desktop needs host
 * networking turned on). `binary` options are ignored: the image is the binary. Use {@link detectDockerEngine} to
 * find out whether one is reachable.
 */
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { GenericContainer, getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import { stringify } from 'yaml';
import { reloadPrometheus } from '../../src/stack/reload.js';
import { MINIMAL_ALERTMANAGER_CONFIG } from '../../src/stack/alertmanager.js';
import { shippedCollectorConfig } from './binaries.js';
import type { CollectorOptions, RunningCollector } from './collector.js';
import { StackStartError } from '../../src/stack/errors.js';
import { freePort } from '../../src/stack/free-port.js';
import { STACK_IMAGES } from './images.js';
import { registerExitCleanup } from '../../src/stack/process.js';
import { prometheusArgs, prometheusConfig } from '../../src/stack/prometheus.js';
import type {
  AlertmanagerOptions,
  PrometheusOptions,
  RunningAlertmanager,
  RunningPrometheus,
} from '../../src/stack/types.js';
import type { StackLauncher } from './launcher.js';

const START_ATTEMPTS = 3;
const LOG_LINES = 200;
const STOP_TIMEOUT_MS = 10_000;

export type DockerEngineStatus = { available: true; description: string } | { available: false; reason: string };

/**
 * Whether testcontainers finds a working container runtime (DOCKER_HOST, ~/.testcontainers.properties, the Docker
 * socket, rootless Docker, …: its own strategy list). Never throws.
 */
export async function detectDockerEngine(): Promise<DockerEngineStatus> {
  try {
    const client = await getContainerRuntimeClient();
    const rt = client.info.containerRuntime;
    return { available: true, description: `${rt.operatingSystem} (${rt.architecture}) at ${rt.host}, server version ${rt.serverVersion}` };
  } catch (err) {
    return {
      available: false,
      reason: `no reachable Docker engine: testcontainers says "${err instanceof Error ? err.message : String(err)}" (set DOCKER_HOST or start a Docker engine)`,
    };
  }
}

/** Images the launcher runs; default {@link STACK_IMAGES}. */
export interface ContainerStackOptions {
  images?: Partial<Pick<typeof STACK_IMAGES, 'prometheus' | 'alertmanager' | 'collector'>>;
}

/** testcontainers' bind mount shape (not exported by its index). */
interface BindMount {
  source: string;
  target: string;
  mode: 'ro' | 'rw';
}

interface ContainerSpec {
  component: string;
  image: string;
  command: string[];
  env?: Record<string, string>;
  bindMounts: BindMount[];
  readyUrl: string;
  readyTimeoutMs: number;
  onLogLine?: (line: string) => void;
}

interface RunningContainer {
  readonly id: string;
  pid: number;
  readonly logs: () => string;
  readonly stop: () => Promise<void>;
  readonly restart: () => Promise<void>;
}

/** Every container this module started, until it is stopped and removed (for leak checks in tests). */
const liveContainers = new Set<string>();

/** Ids of containers started by this launcher and not stopped yet. */
export function liveContainerIds(): string[] {
  return [...liveContainers];
}

function currentUser(): string | undefined {
  return typeof process.getuid === 'function' && typeof process.getgid === 'function'
    ? `${process.getuid()}:${process.getgid()}`
    : undefined;
}

/** One bind mount per target; a directory mounted at its own path. */
function sameNameMounts(paths: readonly { path: string; mode: 'ro' | 'rw' }[]): BindMount[] {
  const byTarget = new Map<string, BindMount>();
  for (const { path, mode } of paths) {
    const existing = byTarget.get(path);
    if (existing && existing.mode === 'rw') continue;
    byTarget.set(path, { source: path, target: path, mode });
  }
  return [...byTarget.values()];
}

function lineCollector(onLine?: (line: string) => void): { consume: (stream: Readable) => void; logs: () => string } {
  const lines: string[] = [];
  let partial = '';
  const push = (line: string): void => {
    lines.push(line);
    if (lines.length > LOG_LINES) lines.shift();
    onLine?.(line);
  };
  return {
    consume: (stream) => {
      stream.on('data', (chunk: Buffer | string) => {
        const text = partial + chunk.toString();
        const parts = text.split('\n');
        partial = parts.pop() ?? '';
        for (const p of parts) if (p !== '') push(p.replace(/\r$/, ''));
      });
    },
    logs: () => [...lines, ...(partial ? [partial] : [])].join('\n'),
  };
}

async function inspect(id: string): Promise<{ running: boolean; pid: number; exitCode: number }> {
  const client = await getContainerRuntimeClient();
  const info = await client.container.inspect(client.container.getById(id));
  return { running: info.State.Running, pid: info.State.Pid, exitCode: info.State.ExitCode };
}

type ReadyResult = { ok: true; pid: number } | { ok: false; addressInUse: boolean; why: string };

async function waitReady(id: string, url: string, timeoutMs: number, logs: () => string): Promise<ReadyResult> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    const state = await inspect(id);
    if (!state.running) {
      return { ok: false, addressInUse: /address already in use/i.test(logs()), why: `exited with code ${state.exitCode}` };
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return { ok: true, pid: state.pid };
      lastProblem = `${url} answered ${res.status}`;
    } catch (err) {
      lastProblem = `${url}: ${err instanceof Error ? err.message : String(err)}`;
    }
    await sleep(200);
  }
  return { ok: false, addressInUse: false, why: `not ready after ${timeoutMs} ms (${lastProblem})` };
}

/**
 * Starts one container with host networking and waits until `readyUrl` answers 200. Resolves 'address-in-use' when
 * the component exited because its port was taken (the caller retries with another port); throws StackStartError
 * (container removed) on any other failure.
 */
async function startContainer(spec: ContainerSpec): Promise<RunningContainer | 'address-in-use'> {
  const log = lineCollector(spec.onLogLine);
  let builder = new GenericContainer(spec.image)
    .withNetworkMode('host')
    .withCommand(spec.command)
    .withBindMounts(spec.bindMounts)
    .withEnvironment(spec.env ?? {})
    .withLabels({ 'org.agent-slo.component': spec.component })
    .withLogConsumer(log.consume);
  const user = currentUser();
  if (user !== undefined) builder = builder.withUser(user);

  let started: StartedTestContainer;
  try {
    started = await builder.start();
  } catch (err) {
    throw new StackStartError(spec.component, `container ${spec.image} did not start: ${String(err)}`, log.logs(), { cause: err });
  }
  const id = started.getId();
  liveContainers.add(id);
  const remove = async (): Promise<void> => {
    try {
      await started.stop({ timeout: STOP_TIMEOUT_MS, remove: true });
    } finally {
      liveContainers.delete(id);
    }
  };

  let ready: ReadyResult;
  try {
    ready = await waitReady(id, spec.readyUrl, spec.readyTimeoutMs, log.logs);
  } catch (err) {
    await remove();
    throw err;
  }
  if (!ready.ok) {
    const logs = log.logs();
    await remove();
    if (ready.addressInUse) return 'address-in-use';
    throw new StackStartError(spec.component, `${ready.why} before becoming ready`, logs);
  }

  let stopped: Promise<void> | undefined;
  const running: RunningContainer = {
    id,
    pid: ready.pid,
    logs: log.logs,
    stop: () => {
      stopped ??= remove();
      return stopped;
    },
    restart: async () => {
      if (stopped) throw new Error(`${spec.component}: restart() after stop()`);
      await started.restart({ timeout: STOP_TIMEOUT_MS });
      const again = await waitReady(id, spec.readyUrl, spec.readyTimeoutMs, log.logs);
      if (!again.ok) throw new StackStartError(spec.component, `${again.why} after restart`, log.logs());
      running.pid = again.pid;
    },
  };
  return running;
}

/** Temp dirs removed on stop and when the process exits. */
async function tempDirs(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const unregister = registerExitCleanup(() => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }));
  return {
    dir,
    cleanup: async () => {
      unregister();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function startPrometheusContainer(image: string, opts: PrometheusOptions): Promise<RunningPrometheus> {
  const config = await tempDirs('agent-slo-prom-config-');
  const ownDataDir = opts.dataDir === undefined;
  const data = ownDataDir ? await tempDirs('agent-slo-prom-data-') : undefined;
  const dataDir = opts.dataDir ?? data!.dir;
  const configFile = join(config.dir, 'prometheus.yml');
  const cleanup = async (): Promise<void> => {
    await config.cleanup();
    await data?.cleanup();
  };
  try {
    const mounts = sameNameMounts([
      { path: config.dir, mode: 'ro' },
      { path: dataDir, mode: 'rw' },
      ...(opts.ruleFiles ?? []).map((f) => ({ path: dirname(f), mode: 'ro' as const })),
    ]);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const listen = `127.0.0.1:${port}`;
      const url = `http://${listen}`;
      await writeFile(configFile, stringify(prometheusConfig(opts, listen)), 'utf8');
      const container = await startContainer({
        component: 'prometheus',
        image,
        command: prometheusArgs(opts, configFile, dataDir, listen),
        bindMounts: mounts,
        readyUrl: `${url}/-/ready`,
        readyTimeoutMs: opts.readyTimeoutMs ?? 60_000,
        ...(opts.onLogLine ? { onLogLine: opts.onLogLine } : {}),
      });
      if (container === 'address-in-use') {
        if (attempt < START_ATTEMPTS) continue;
        throw new StackStartError('prometheus', `address already in use after ${START_ATTEMPTS} attempts`, '');
      }
      let stopped: Promise<void> | undefined;
      return {
        url,
        port,
        dataDir,
        configFile,
        get pid() {
          return container.pid;
        },
        logs: () => container.logs(),
        stop: () => {
          stopped ??= container.stop().then(cleanup);
          return stopped;
        },
        reload: () => reloadPrometheus(url, () => container.logs()),
      };
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function startAlertmanagerContainer(image: string, opts: AlertmanagerOptions): Promise<RunningAlertmanager> {
  const temp = await tempDirs('agent-slo-am-');
  try {
    let configFile = opts.configFile;
    if (configFile === undefined) {
      configFile = join(temp.dir, 'alertmanager.yml');
      await writeFile(configFile, opts.configYaml ?? MINIMAL_ALERTMANAGER_CONFIG, 'utf8');
    }
    const storage = join(temp.dir, 'data');
    await mkdir(storage);
    const mounts = sameNameMounts([
      { path: temp.dir, mode: 'rw' },
      { path: dirname(configFile), mode: 'ro' },
    ]);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const listen = `127.0.0.1:${port}`;
      const url = `http://${listen}`;
      const container = await startContainer({
        component: 'alertmanager',
        image,
        command: [
          `--config.file=${configFile}`,
          `--storage.path=${storage}`,
          `--web.listen-address=${listen}`,
          '--cluster.listen-address=',
          ...(opts.extraArgs ?? []),
        ],
        bindMounts: mounts,
        readyUrl: `${url}/-/ready`,
        readyTimeoutMs: opts.readyTimeoutMs ?? 30_000,
        ...(opts.onLogLine ? { onLogLine: opts.onLogLine } : {}),
      });
      if (container === 'address-in-use') {
        if (attempt < START_ATTEMPTS) continue;
        throw new StackStartError('alertmanager', `address already in use after ${START_ATTEMPTS} attempts`, '');
      }
      let stopped: Promise<void> | undefined;
      const file = configFile;
      return {
        url,
        port,
        get pid() {
          return container.pid;
        },
        configFile: file,
        logs: () => container.logs(),
        stop: () => {
          stopped ??= container.stop().then(temp.cleanup);
          return stopped;
        },
      };
    }
  } catch (err) {
    await temp.cleanup();
    throw err;
  }
}

async function startCollectorContainer(image: string, opts: CollectorOptions): Promise<RunningCollector> {
  const configOption = opts.configFile ?? shippedCollectorConfig();
  const configFiles = typeof configOption === 'string' ? [configOption] : configOption;
  const given = opts.env ?? {};
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const ports = {
      grpc: await freePort(),
      http: await freePort(),
      health: await freePort(),
      telemetry: await freePort(),
    };
    const env: Record<string, string> = {
      AGENT_SLO_OTLP_GRPC_ENDPOINT: `127.0.0.1:${ports.grpc}`,
      AGENT_SLO_OTLP_HTTP_ENDPOINT: `127.0.0.1:${ports.http}`,
      AGENT_SLO_HEALTH_ENDPOINT: `127.0.0.1:${ports.health}`,
      AGENT_SLO_TELEMETRY_PORT: String(ports.telemetry),
      ...given,
      ...(opts.remoteWriteUrl !== undefined ? { AGENT_SLO_REMOTE_WRITE_URL: opts.remoteWriteUrl } : {}),
    };
    const health = env.AGENT_SLO_HEALTH_ENDPOINT!;
    const httpEndpoint = env.AGENT_SLO_OTLP_HTTP_ENDPOINT!;
    const container = await startContainer({
      component: 'otelcol',
      image,
      command: configFiles.map((f) => `--config=${f}`),
      env,
      bindMounts: sameNameMounts([...new Set(configFiles.map((f) => dirname(f)))].map((path) => ({ path, mode: 'ro' as const }))),
      readyUrl: `http://${health}/`,
      readyTimeoutMs: opts.readyTimeoutMs ?? 60_000,
      ...(opts.onLogLine ? { onLogLine: opts.onLogLine } : {}),
    });
    if (container === 'address-in-use') continue;
    const grpcPort = Number(env.AGENT_SLO_OTLP_GRPC_ENDPOINT!.split(':').pop());
    return {
      otlpHttpUrl: `http://${httpEndpoint}`,
      otlpGrpcPort: grpcPort,
      healthUrl: `http://${health}/`,
      telemetryUrl: `http://127.0.0.1:${env.AGENT_SLO_TELEMETRY_PORT}/metrics`,
      get pid() {
        return container.pid;
      },
      logs: () => container.logs(),
      stop: () => container.stop(),
      restart: () => container.restart(),
    };
  }
  throw new StackStartError('otelcol', `address already in use after ${START_ATTEMPTS} attempts`, '');
}

/** A launcher running the pinned images (or the ones given) as containers. */
export function createContainerStackLauncher(options: ContainerStackOptions = {}): StackLauncher {
  const images = { ...STACK_IMAGES, ...options.images };
  return {
    kind: 'containers',
    startPrometheus: (opts) => startPrometheusContainer(images.prometheus, opts),
    startAlertmanager: (opts) => startAlertmanagerContainer(images.alertmanager, opts),
    startCollector: (opts) => startCollectorContainer(images.collector, opts),
  };
}

/** The container launcher with the images pinned in images.ts. */
export const containerStackLauncher: StackLauncher = createContainerStackLauncher();
