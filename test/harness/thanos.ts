/**
 * A real Thanos topology on loopback for tests: Prometheus replicas (external label `replica`), one Thanos sidecar
 * each, Thanos Query deduplicating on `replica`, and optionally Thanos Ruler evaluating rule files against Query
 * and sending alerts to an Alertmanager. Every process gets free ports and is stopped by `stop()` (last started
 * first). Topology and failure cases: docs/scale.md.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackStartError } from '../../src/stack/errors.js';
import { freePort } from '../../src/stack/free-port.js';
import { spawnManaged, type ManagedProcess } from '../../src/stack/process.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import { exitDescription, waitForReady } from '../../src/stack/ready.js';
import type { RunningPrometheus } from '../../src/stack/types.js';

/** The label that tells the replicas apart; Query deduplicates on it. */
export const REPLICA_LABEL = 'replica';

const START_ATTEMPTS = 3;

/** One Thanos process (sidecar, query or rule) with its HTTP and gRPC listen addresses. */
export interface ThanosProcess {
  readonly component: 'sidecar' | 'query' | 'rule';
  /** HTTP base URL including any route prefix, e.g. `http://127.0.0.1:41234` or `http://127.0.0.1:41234/tenant-a`. */
  readonly url: string;
  /** gRPC (StoreAPI) address, host:port. */
  readonly grpcAddress: string;
  logs(): string;
  stop(): Promise<void>;
}

export interface ThanosReplica {
  /** Value of the replica label, e.g. "a". */
  readonly label: string;
  readonly prometheus: RunningPrometheus;
  readonly sidecar: ThanosProcess;
}

/** A store as Query's `/api/v1/stores` lists it. */
export interface QueryStore {
  readonly type: string;
  readonly name: string;
  readonly lastError: string | null;
  readonly labelSets: readonly Record<string, string>[];
}

export interface ThanosTopologyOptions {
  /** The thanos binary (collector-config/build-thanos.sh). */
  readonly binary: string;
  /** One entry per replica: its label value and an optional TSDB directory (never removed here). */
  readonly replicas: readonly { readonly label: string; readonly dataDir?: string }[];
  /** Scrape configs shared by every replica (they scrape the same targets). */
  readonly scrapeConfigs?: object[];
  readonly scrapeInterval?: string;
  /** External labels of every replica besides the replica label (e.g. a tenant label). */
  readonly externalLabels?: Readonly<Record<string, string>>;
  /** Extra flags for Query (e.g. tenancy, `--web.route-prefix`). */
  readonly queryArgs?: readonly string[];
  /** Query's `--web.route-prefix`, when it has one (its API lives under it). */
  readonly queryRoutePrefix?: string;
  /** Thanos Ruler: rule files evaluated against Query, alerts sent to `alertmanagerUrl`. */
  readonly ruler?: { readonly ruleFiles: readonly string[]; readonly alertmanagerUrl?: string; readonly evalInterval?: string };
  readonly onLogLine?: (line: string) => void;
}

export interface ThanosTopology {
  readonly replicas: readonly ThanosReplica[];
  readonly query: ThanosProcess;
  readonly ruler: ThanosProcess | undefined;
  /** Query's view of its stores. */
  stores(): Promise<QueryStore[]>;
  /** Polls `stores()` until `ok` holds (throws with the last view after `timeoutMs`). */
  waitForStores(ok: (stores: QueryStore[]) => boolean, timeoutMs?: number): Promise<QueryStore[]>;
  stop(): Promise<void>;
}

async function startThanos(
  binary: string,
  component: ThanosProcess['component'],
  args: (http: string, grpc: string) => string[],
  opts: { grpcPort?: number; routePrefix?: string; onLogLine?: (line: string) => void } = {},
): Promise<ThanosProcess> {
  for (let attempt = 1; ; attempt++) {
    const http = `127.0.0.1:${await freePort()}`;
    const grpc = `127.0.0.1:${opts.grpcPort ?? (await freePort())}`;
    const proc: ManagedProcess = await spawnManaged({
      name: `thanos ${component}`,
      command: binary,
      args: [component, `--http-address=${http}`, `--grpc-address=${grpc}`, '--log.level=info', ...args(http, grpc)],
      ...(opts.onLogLine ? { onLine: opts.onLogLine } : {}),
    });
    // Probes stay at the root; the API moves under the route prefix.
    const outcome = await waitForReady(proc, `http://${http}/-/ready`, 60_000);
    const base = `http://${http}${opts.routePrefix ?? ''}`;
    if (!outcome.ok) {
      if (outcome.addressInUse && attempt < START_ATTEMPTS && opts.grpcPort === undefined) continue;
      throw new StackStartError(`thanos ${component}`, `${exitDescription(proc)} before becoming ready`, proc.logs());
    }
    let stopped: Promise<void> | undefined;
    return {
      component,
      url: base,
      grpcAddress: grpc,
      logs: () => proc.logs(),
      stop: () => (stopped ??= proc.stop()),
    };
  }
}

/** Starts the replicas, their sidecars, Query and (optionally) Ruler; stops what it started if any step fails. */
export async function startThanosTopology(opts: ThanosTopologyOptions): Promise<ThanosTopology> {
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async (): Promise<void> => {
    for (const s of started.reverse()) await s.stop();
    started.length = 0;
  };
  const ruleDir = opts.ruler ? await mkdtemp(join(tmpdir(), 'agent-slo-thanos-rule-')) : undefined;
  try {
    const replicas: ThanosReplica[] = [];
    for (const r of opts.replicas) {
      const prometheus = await startPrometheus({
        ...(r.dataDir !== undefined ? { dataDir: r.dataDir } : {}),
        externalLabels: { ...opts.externalLabels, [REPLICA_LABEL]: r.label },
        ...(opts.scrapeConfigs ? { scrapeConfigs: opts.scrapeConfigs } : {}),
        ...(opts.scrapeInterval ? { scrapeInterval: opts.scrapeInterval } : {}),
      });
      started.push(prometheus);
      const sidecar = await startThanos(opts.binary, 'sidecar', () => [`--prometheus.url=${prometheus.url}`, `--tsdb.path=${prometheus.dataDir}`], { ...(opts.onLogLine ? { onLogLine: opts.onLogLine } : {}) });
      started.push(sidecar);
      replicas.push({ label: r.label, prometheus, sidecar });
    }
    // The ruler's StoreAPI is a Query endpoint too (recorded series of one level feed the next), so its port is
    // chosen before Query starts; Query lists it as failing until the ruler is up.
    const rulerGrpcPort = opts.ruler ? await freePort() : undefined;
    const endpoints = [...replicas.map((r) => r.sidecar.grpcAddress), ...(rulerGrpcPort !== undefined ? [`127.0.0.1:${rulerGrpcPort}`] : [])];
    const query = await startThanos(opts.binary, 'query', () => [
      ...endpoints.map((e) => `--endpoint=${e}`),
      `--query.replica-label=${REPLICA_LABEL}`,
      ...(opts.queryArgs ?? []),
      ...(opts.queryRoutePrefix !== undefined ? [`--web.route-prefix=${opts.queryRoutePrefix}`] : []),
    ], { ...(opts.queryRoutePrefix !== undefined ? { routePrefix: opts.queryRoutePrefix } : {}), ...(opts.onLogLine ? { onLogLine: opts.onLogLine } : {}) });
    started.push(query);
    let ruler: ThanosProcess | undefined;
    if (opts.ruler && ruleDir !== undefined && rulerGrpcPort !== undefined) {
      const rc = opts.ruler;
      ruler = await startThanos(opts.binary, 'rule', () => [
        `--data-dir=${ruleDir}`,
        ...rc.ruleFiles.map((f) => `--rule-file=${f}`),
        `--query=${query.url}`,
        `--eval-interval=${rc.evalInterval ?? '1m'}`,
        '--label=ruler="thanos-rule"',
        ...(rc.alertmanagerUrl !== undefined ? [`--alertmanagers.url=${rc.alertmanagerUrl}`, '--resend-delay=2s'] : []),
        '--for-grace-period=0s',
      ], { grpcPort: rulerGrpcPort, ...(opts.onLogLine ? { onLogLine: opts.onLogLine } : {}) });
      started.push(ruler);
    }
    const stores = async (): Promise<QueryStore[]> => {
      const res = await fetch(`${query.url}/api/v1/stores`, { signal: AbortSignal.timeout(5_000) });
      const body = (await res.json()) as { data?: Record<string, { name: string; lastError: string | null; labelSets?: Record<string, string>[] }[]> };
      return Object.entries(body.data ?? {}).flatMap(([type, list]) => list.map((s) => ({ type, name: s.name, lastError: s.lastError, labelSets: s.labelSets ?? [] })));
    };
    const waitForStores = async (ok: (s: QueryStore[]) => boolean, timeoutMs = 60_000): Promise<QueryStore[]> => {
      const deadline = Date.now() + timeoutMs;
      let last: QueryStore[] = [];
      while (Date.now() < deadline) {
        last = await stores();
        if (ok(last)) return last;
        await sleep(250);
      }
      throw new Error(`Thanos Query's stores did not reach the expected state within ${timeoutMs} ms: ${JSON.stringify(last)}`);
    };
    // Ready = every sidecar (and the ruler) listed without error.
    await waitForStores((s) => endpoints.every((e) => s.some((x) => x.name === e && x.lastError === null)));
    return {
      replicas,
      query,
      ruler,
      stores,
      waitForStores,
      stop: async () => {
        await stopAll();
        if (ruleDir !== undefined) await rm(ruleDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stopAll();
    if (ruleDir !== undefined) await rm(ruleDir, { recursive: true, force: true });
    throw err;
  }
}
