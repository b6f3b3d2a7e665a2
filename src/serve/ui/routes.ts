/**
 * The UI's HTTP routes inside `agent-slo serve` (read-only, GET/HEAD): the page and its assets, and the JSON the
 * page reads besides `/api/slo/status`:
 *   /api/ui/series?key=K    chart series of one objective (key as in /api/slo/status)
 *   /api/ui/alerts          firing and pending alerts of the served profiles
 *   /api/ui/gate?profile=P  decision history from the audit log + the gate's dry run now (never recorded)
 * Each answer is cached like the status (`cacheSeconds`, per key) and says how old it is; a failed refresh drops
 * the cached answer and answers 503 with the reason, never the old data. Layout and what each view answers: docs/ui.md.
 */
import type { ServerResponse } from 'node:http';
import { runGate } from '../../gate/gate.js';
import type { PrometheusClient } from '../../prometheus/client.js';
import { expectVector } from '../../prometheus/results.js';
import type { AuditLocation } from '../../audit/log.js';
import { readAudit } from '../../audit/summary.js';
import type { Objective, Profile } from '../../profile/model.js';
import { limitConcurrency } from '../../sli/observe.js';
import { objectiveKeys } from '../status.js';
import { ALERTS_FOR_STATE_QUERY, ALERTS_QUERY, currentAlerts } from './alerts.js';
import { type Asset, loadAssets, SECURITY_HEADERS } from './assets.js';
import { dryRunOf, gateHistory, type GateView } from './gate-view.js';
import { objectiveSeries, type RangeFn } from './series.js';

export interface UiRoutesOptions {
  readonly profiles: readonly Profile[];
  readonly client: PrometheusClient;
  /** Clock in milliseconds (the status' clock). */
  readonly now: () => number;
  readonly cacheMs: number;
  /** The release gate's audit log (anchor, HMAC key), when serve has one. */
  readonly audit?: AuditLocation;
  readonly toolVersion: string;
  /** The 503 body for a failed refresh (the status' shape: error, reason, kind, lastSuccessfulEvaluation …). */
  readonly errorBody: (err: unknown) => Record<string, unknown>;
  readonly concurrency?: number;
}

export interface UiRoutes {
  /** Answers `path` when it is a UI route (returns the status code), otherwise undefined. */
  handle(path: string, query: URLSearchParams, res: ServerResponse, head: boolean): Promise<number | undefined>;
}

/** A series with more than one label set where the chart needs one value per step. */
export class SeriesShapeError extends Error {
  override readonly name = 'SeriesShapeError';
}

/** Carries a gate view whose dry run failed past the cache (it is answered, not kept). */
class UncachedView extends Error {
  constructor(readonly view: GateView) {
    super('dry run failed');
  }
}

interface Entry<T> {
  readonly value: T;
  readonly atMs: number;
}

/** Per-key answers reused for `ttlMs`; concurrent requests share one refresh; a failure drops the entry. */
function cache<T>(now: () => number, ttlMs: number): (key: string, compute: () => Promise<T>) => Promise<{ value: T; ageSeconds: number; cached: boolean }> {
  const done = new Map<string, Entry<T>>();
  const inflight = new Map<string, Promise<Entry<T>>>();
  return async (key, compute) => {
    const hit = done.get(key);
    if (hit !== undefined && now() - hit.atMs < ttlMs) return { value: hit.value, ageSeconds: (now() - hit.atMs) / 1000, cached: true };
    let p = inflight.get(key);
    if (p === undefined) {
      const atMs = now();
      p = compute()
        .then((value) => ({ value, atMs }))
        .finally(() => inflight.delete(key));
      inflight.set(key, p);
    }
    try {
      const e = await p;
      done.set(key, e);
      return { value: e.value, ageSeconds: Math.max(0, (now() - e.atMs) / 1000), cached: false };
    } catch (err) {
      done.delete(key);
      throw err;
    }
  };
}

function send(res: ServerResponse, code: number, type: string, body: string | Buffer, head: boolean, cacheControl = 'no-store'): void {
  res.writeHead(code, { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': cacheControl, 'content-length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

function sendJson(res: ServerResponse, code: number, body: unknown, head: boolean): number {
  send(res, code, 'application/json; charset=utf-8', `${JSON.stringify(body)}\n`, head);
  return code;
}

export function createUiRoutes(opts: UiRoutesOptions): UiRoutes {
  const assets: ReadonlyMap<string, Asset> = loadAssets();
  const { client, profiles, now } = opts;
  const names = profiles.map((p) => p.name);
  const flat = profiles.flatMap((p) => p.objectives.map((o) => ({ profile: p, objective: o })));
  const byKey = new Map<string, { profile: Profile; objective: Objective }>();
  objectiveKeys(flat.map((f) => ({ profile: f.profile.name, objective: f.objective.name }))).forEach((k, i) => byKey.set(k, flat[i] as { profile: Profile; objective: Objective }));

  const range: RangeFn = limitConcurrency(async (expr: string, start: number, end: number, step: number) => {
    const res = await client.rangeQuery(expr, start, end, step);
    if (res.result.length > 1) throw new SeriesShapeError(`query returned ${res.result.length} series where one label-free value was expected (aggregate it, e.g. sum(...)): ${expr}`);
    const s = res.result[0];
    return s === undefined ? undefined : new Map(s.samples.map((p) => [Math.round(p.timestamp * 1000) / 1000, p.value]));
  }, opts.concurrency ?? 8);

  const seriesCache = cache<unknown>(now, opts.cacheMs);
  const alertsCache = cache<unknown>(now, opts.cacheMs);
  const gateCache = cache<GateView>(now, opts.cacheMs);

  async function alertsNow(): Promise<unknown> {
    const [alerts, forState] = await Promise.all([client.instantQuery(ALERTS_QUERY(names)), client.instantQuery(ALERTS_FOR_STATE_QUERY(names))]);
    return { alerts: currentAlerts(expectVector(alerts, client.url), expectVector(forState, client.url), profiles), evaluatedAt: new Date().toISOString(), source: 'prometheus' };
  }

  async function gateNow(profile: Profile): Promise<GateView> {
    const atMs = now();
    let history;
    try {
      history = gateHistory(profile.name, opts.audit === undefined ? undefined : await readAudit(opts.audit), atMs);
    } catch (err) {
      // An unreadable log is shown as such; the dry run below then fails closed (cannot_evaluate) for the same reason.
      history = { file: opts.audit?.log ?? null, trust: 'failed' as const, problem: err instanceof Error ? err.message : String(err), runsTotal: 0, runs: [], decisions: [] };
    }
    try {
      const report = await runGate({
        profile,
        client,
        at: Math.floor(atMs / 1000),
        selector: [],
        selectorText: [],
        hotfix: false,
        audit: opts.audit ?? null,
        record: false,
        toolVersion: opts.toolVersion,
      });
      return { profile: profile.name, history, dryRun: { ok: true, report: dryRunOf(report) } };
    } catch (err) {
      return { profile: profile.name, history, dryRun: { ok: false, error: opts.errorBody(err) } };
    }
  }

  async function answer<T>(res: ServerResponse, head: boolean, run: () => Promise<{ value: T; ageSeconds: number; cached: boolean }>): Promise<number> {
    try {
      const r = await run();
      return sendJson(res, 200, { ...(r.value as object), _meta: { ageSeconds: r.ageSeconds, cached: r.cached, cacheSeconds: opts.cacheMs / 1000 } }, head);
    } catch (err) {
      return sendJson(res, 503, opts.errorBody(err), head);
    }
  }

  return {
    async handle(path, query, res, head) {
      const asset = assets.get(path);
      if (asset !== undefined) {
        send(res, 200, asset.type, asset.body, head, path === '/' || path === '/index.html' ? 'no-store' : 'max-age=300');
        return 200;
      }
      switch (path) {
        case '/api/ui/series': {
          const key = query.get('key') ?? '';
          const found = byKey.get(key);
          if (found === undefined) return sendJson(res, 404, { error: 'not_found', reason: `no objective with key ${JSON.stringify(key.slice(0, 200))}; keys are those of /api/slo/status` }, head);
          return answer(res, head, () => seriesCache(key, () => objectiveSeries(range, found.profile, found.objective, Math.floor(now() / 1000))));
        }
        case '/api/ui/alerts':
          return answer(res, head, () => alertsCache('all', alertsNow));
        case '/api/ui/gate': {
          const name = query.get('profile') ?? '';
          const profile = profiles.find((p) => p.name === name);
          if (profile === undefined) return sendJson(res, 404, { error: 'not_found', reason: `no profile ${JSON.stringify(name.slice(0, 200))} is served; profiles: ${names.join(', ')}` }, head);
          // A dry run that could not evaluate (Prometheus down …) is answered but not cached: the next request retries.
          return answer(res, head, () =>
            gateCache(name, async () => {
              const view = await gateNow(profile);
              if (!view.dryRun.ok || view.dryRun.report.verdict === 'cannot_evaluate') throw new UncachedView(view);
              return view;
            }).catch((err: unknown) => {
              if (err instanceof UncachedView) return { value: err.view, ageSeconds: 0, cached: false };
              throw err;
            }),
          );
        }
        default:
          return undefined;
      }
    },
  };
}
