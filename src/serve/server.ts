/**
 * `agent-slo serve`: the HTTP edge. Everything it shows is computed by sli/observe.ts, status.ts and metrics.ts; this file
 * owns the sockets, the Prometheus client, the cache and the clock.
 *
 * Freshness rules: a status is served from the cache only while it is younger than `cacheSeconds`, and always
 * with its age (`_meta.ageSeconds`, `_meta.cached`). A refresh that fails drops the cache: the answer is a 503 with
 * the reason, never the previous numbers.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpuUsage, memoryUsage, uptime } from 'node:process';
import { createPrometheusClient, type PrometheusClient, type PrometheusClientOptions } from '../prometheus/client.js';
import { PrometheusClientError } from '../prometheus/errors.js';
import { expectVector } from '../prometheus/results.js';
import { WarningSet } from '../prometheus/warnings.js';
import type { Profile } from '../profile/model.js';
import { limitConcurrency, observeProfile, type QueryFn } from '../sli/observe.js';
import { createGuardedServer, type Route, sendJson } from './http.js';
import { exposition, EXPOSITION_CONTENT_TYPE } from './metrics.js';
import { SelfMetrics } from './self-metrics.js';
import type { LastGate } from '../audit/summary.js';
import { buildStatus, type StatusDocument } from './status.js';
import { gaugeUnit } from './units.js';
import { createUiRoutes } from './ui/routes.js';

export interface ServeOptions {
  readonly profiles: readonly Profile[];
  /** The connection (URL, credentials, TLS…); serve's defaults: 15 s per query, 1 retry after 100 ms. */
  readonly prometheus: PrometheusClientOptions;
  /** Default 5050 (document 002's runbook commands use it). 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** How long a computed status is reused (default 30). 0 computes on every request. */
  readonly cacheSeconds?: number;
  /** Parallel queries (default 8). */
  readonly concurrency?: number;
  /** Reads the last gate verdicts (per profile); called on every refresh. */
  readonly lastGate?: () => Promise<LastGate>;
  /** The audit log file, for the UI's gate view (history and dry run; never written). */
  readonly auditLog?: string;
  /** Its anchor (default `<audit-log>.anchor`) and HMAC key: without the key a keyed log shows as unverified. */
  readonly auditAnchor?: string;
  readonly auditKey?: Buffer;
  /** Version written into the UI's dry-run gate report. */
  readonly toolVersion?: string;
  /** Clock in milliseconds (tests). */
  readonly now?: () => number;
  readonly log?: (line: string) => void;
  /** More routes (e.g. a UI); the four endpoints above cannot be replaced. */
  readonly routes?: readonly Route[];
  /** Time to receive a request head (default 10 s). */
  readonly headersTimeoutMs?: number;
}

export interface RunningServe {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A component query that returned several series: the spec's PromQL must aggregate to one value. */
export class ComponentShapeError extends Error {
  override readonly name = 'ComponentShapeError';
  constructor(
    readonly expr: string,
    readonly series: number,
  ) {
    super(`query returned ${series} series where one label-free value was expected (aggregate it, e.g. sum(...)): ${expr}`);
  }
}

/** QueryFn over a client: no series → undefined; exactly one → its value. Counts and times every query. */
export function clientQueryFn(client: PrometheusClient, metrics?: SelfMetrics, warnings?: () => WarningSet): QueryFn {
  return async (expr, time) => {
    const started = performance.now();
    let kind: string | undefined;
    try {
      const answer = await client.instantQuery(expr, time);
      warnings?.().add(answer);
      const samples = expectVector(answer, client.url);
      if (samples.length > 1) {
        kind = 'shape';
        throw new ComponentShapeError(expr, samples.length);
      }
      return samples[0]?.value;
    } catch (err) {
      kind ??= err instanceof PrometheusClientError ? err.kind : 'other';
      throw err;
    } finally {
      metrics?.query((performance.now() - started) / 1000, kind);
    }
  };
}

interface Cached {
  readonly doc: StatusDocument;
  readonly evaluatedAtMs: number;
}

type StatusAnswer = { ok: true; doc: StatusDocument; cached: boolean; ageSeconds: number } | { ok: false; error: unknown };

/** The 503 body for a failed refresh: what failed, where, and when data was last good. */
export function unavailableBody(err: unknown, prometheusUrl: string, lastSuccessMs: number | undefined, nowMs: number, warnings: readonly string[] = []): Record<string, unknown> {
  const base = {
    error: 'prometheus_unavailable',
    prometheus: prometheusUrl,
    at: new Date(nowMs).toISOString(),
    lastSuccessfulEvaluation: lastSuccessMs === undefined ? null : new Date(lastSuccessMs).toISOString(),
    note: 'no status is served while Prometheus cannot answer; cached values are never shown as current',
    ...(warnings.length === 0 ? {} : { warnings }),
  };
  if (err instanceof PrometheusClientError) return { ...base, reason: err.reason, kind: err.kind, endpoint: err.endpoint };
  if (err instanceof ComponentShapeError) return { ...base, error: 'query_shape', reason: err.message };
  return { ...base, error: 'status_failed', reason: err instanceof Error ? err.message : String(err) };
}

export async function startServe(opts: ServeOptions): Promise<RunningServe> {
  // A status metric whose name states a unit the objective cannot be converted to is refused before listening.
  for (const p of opts.profiles) for (const o of p.objectives) if (o.statusMetric !== undefined) gaugeUnit(o.statusMetric, o.unit);
  const now = opts.now ?? (() => Date.now());
  const cacheMs = Math.max(0, (opts.cacheSeconds ?? 30) * 1000);
  const client = createPrometheusClient({ timeoutMs: 15_000, retries: 1, retryBaseDelayMs: 100, ...opts.prometheus });
  const metrics = new SelfMetrics();
  // The warnings of the refresh in progress (one at a time), shown with its result or its failure.
  let warnings = new WarningSet();
  let lastWarnings: readonly string[] = [];
  const query = limitConcurrency(clientQueryFn(client, metrics, () => warnings), opts.concurrency ?? 8);
  const profiles = opts.profiles;
  let cache: Cached | undefined;
  let inflight: Promise<Cached> | undefined;
  let lastSuccessMs: number | undefined;
  const ui = createUiRoutes({
    profiles,
    client,
    now,
    cacheMs,
    ...(opts.auditLog === undefined
      ? {}
      : { audit: { log: opts.auditLog, ...(opts.auditAnchor === undefined ? {} : { anchor: opts.auditAnchor }), ...(opts.auditKey === undefined ? {} : { key: opts.auditKey }) } }),
    toolVersion: opts.toolVersion ?? '0.0.0',
    errorBody: (err) => unavailableBody(err, client.url, lastSuccessMs, now(), lastWarnings),
  });

  async function refresh(): Promise<Cached> {
    const atMs = Math.round(now());
    const at = atMs / 1000;
    warnings = new WarningSet();
    // Fail fast: after the first failed query, the rest of this refresh does not hit Prometheus again.
    let failed: { error: unknown } | undefined;
    const q: QueryFn = async (expr, time) => {
      if (failed !== undefined) throw failed.error;
      try {
        return await query(expr, time);
      } catch (error) {
        failed ??= { error };
        throw error;
      }
    };
    try {
      const observations = (await Promise.all(profiles.map((p) => observeProfile(q, p, at)))).flat();
      const gate = opts.lastGate === undefined ? undefined : await opts.lastGate();
      const doc = buildStatus({
        observations,
        profiles: profiles.map((p) => p.name),
        evaluatedAt: at,
        prometheusUrl: client.url,
        warnings: noteWarnings(),
        ...(gate === undefined ? {} : { lastGate: gate.byProfile, lastGateObjectives: gate.objectives }),
      });
      metrics.refresh(true);
      lastSuccessMs = atMs;
      return { doc, evaluatedAtMs: atMs };
    } catch (err) {
      noteWarnings();
      metrics.refresh(false);
      throw err;
    }
  }

  /** The refresh's warnings; the first few logged when they differ from the previous refresh's (not on every refresh). */
  function noteWarnings(): readonly string[] {
    const list = warnings.list();
    if (list.join('\n') !== lastWarnings.join('\n')) {
      for (const w of list.slice(0, 3)) opts.log?.(`Prometheus warning: ${w}`);
      if (list.length > 3) opts.log?.(`… ${String(list.length - 3)} more Prometheus warning(s) in /api/slo/status (_meta.warnings)`);
    }
    lastWarnings = list;
    return list;
  }

  async function status(): Promise<StatusAnswer> {
    const t = now();
    if (cache !== undefined && t - cache.evaluatedAtMs < cacheMs) {
      return { ok: true, doc: cache.doc, cached: true, ageSeconds: (t - cache.evaluatedAtMs) / 1000 };
    }
    inflight ??= refresh().finally(() => {
      inflight = undefined;
    });
    try {
      const fresh = await inflight;
      cache = fresh;
      return { ok: true, doc: fresh.doc, cached: false, ageSeconds: Math.max(0, (now() - fresh.evaluatedAtMs) / 1000) };
    } catch (error) {
      cache = undefined; // never serve the old numbers after a failed refresh
      opts.log?.(`status refresh failed: ${error instanceof PrometheusClientError ? error.reason : String(error)}`);
      return { ok: false, error };
    }
  }

  const routes: Route[] = [
    {
      path: '/healthz',
      handle: (req, res) => {
        sendJson(res, 200, { status: 'alive', uptimeSeconds: uptime() }, req.method === 'HEAD');
        return 200;
      },
    },
    {
      path: '/readyz',
      handle: async (req, res) => {
        const head = req.method === 'HEAD';
        try {
          const ready = await client.ready({ timeoutMs: 3000 });
          if (ready) {
            sendJson(res, 200, { ready: true, prometheus: client.url }, head);
            return 200;
          }
          sendJson(res, 503, { ready: false, prometheus: client.url, reason: 'Prometheus answered /-/ready with 503 (still starting)' }, head);
          return 503;
        } catch (err) {
          const reason = err instanceof PrometheusClientError ? err.reason : String(err);
          sendJson(res, 503, { ready: false, prometheus: client.url, reason }, head);
          return 503;
        }
      },
    },
    {
      path: '/api/slo/status',
      handle: async (req, res) => {
        const head = req.method === 'HEAD';
        const answer = await status();
        if (!answer.ok) {
          sendJson(res, 503, unavailableBody(answer.error, client.url, lastSuccessMs, now(), lastWarnings), head);
          return 503;
        }
        const meta = { ...answer.doc._meta, ageSeconds: answer.ageSeconds, cached: answer.cached, cacheSeconds: cacheMs / 1000 };
        sendJson(res, 200, { ...answer.doc, _meta: meta }, head);
        return 200;
      },
    },
    {
      path: '/metrics',
      handle: async (req, res) => {
        const answer = await status();
        const cpu = cpuUsage();
        const mem = memoryUsage();
        const body = exposition({
          ...(answer.ok ? { status: answer.doc, ageSeconds: answer.ageSeconds } : {}),
          self: metrics.snapshot(),
          process: {
            cpuUserSeconds: cpu.user / 1e6,
            cpuSystemSeconds: cpu.system / 1e6,
            residentBytes: mem.rss,
            startTimeSeconds: Math.round(Date.now() / 1000 - uptime()),
            heapUsedBytes: mem.heapUsed,
            heapTotalBytes: mem.heapTotal,
          },
        });
        res.writeHead(200, { 'content-type': EXPOSITION_CONTENT_TYPE, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
        return 200;
      },
    },
    ...(opts.routes ?? []),
    // The UI: its page, assets and /api/ui/* (serve/ui/routes.ts); counted under one label, declines what it does not serve.
    {
      path: '/*',
      label: 'ui',
      handle: (req, res, target) => ui.handle(target.pathname, new URLSearchParams(target.query), res, req.method === 'HEAD'),
    },
  ];

  const server: Server = createGuardedServer({
    routes,
    endpoints: ['/', '/api/slo/status', '/metrics', '/healthz', '/readyz'],
    onRequest: (label, code) => metrics.request(label, code),
    onError: (err) => opts.log?.(`request failed: ${err instanceof Error ? err.message : String(err)}`),
    ...(opts.headersTimeoutMs === undefined ? {} : { headersTimeoutMs: opts.headersTimeoutMs }),
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 5050, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => client.close());
      return closed;
    },
  };
}
