/**
 * `agent-slo serve` against a real Prometheus over backfilled kokino history. Every number the service shows is
 * compared with the value computed independently from the generated samples (SeriesStore: per-series counts, increase()
 * with Prometheus' extrapolation or the last value of a series born in the window, a plain histogram_quantile) at the evaluation time the service reports.
 * The service's clock is shifted to just after the backfilled data (the last 3 hours are never backfilled), so
 * the 5m and 1h windows have data too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from '../harness/cli.js';
import { createBlocks } from '../../src/backfill/blocks.js';
import { appendAudit } from '../../src/audit/log.js';
import { readLastGate } from '../../src/audit/summary.js';
import { writeOpenMetrics } from '../../src/backfill/openmetrics.js';
import { shippedProfilePath } from '../../src/profile/shipped.js';
import { type RunningServe, startServe } from '../../src/serve/server.js';
import type { ObjectiveStatus } from '../../src/serve/status.js';
import { loadProfile } from '../../src/profile/load.js';
import type { Profile } from '../../src/profile/model.js';
import { isPidAlive } from '../../src/stack/process.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { kokinoScenario, type KokinoScenario } from '../harness/kokino-two-day-history.js';

const HOUR = 3600;
let dataDir: string;
let prom: RunningPrometheus;
let kokino: Profile;
let scenario: KokinoScenario;
let offsetMs: number;
const servers: RunningServe[] = [];

async function get(url: string): Promise<{ status: number; body: string; type: string | null }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
}

function close(actual: unknown, expected: number | undefined, what: string): void {
  expect(expected, `${what}: expected value is defined`).toBeDefined();
  expect(typeof actual, `${what}: ${String(actual)}`).toBe('number');
  const a = actual as number;
  const e = expected as number;
  const err = e === 0 ? Math.abs(a) : Math.abs(a - e) / Math.abs(e);
  expect(err, `${what}: got ${a}, expected ${e}`).toBeLessThan(1e-9);
}

function metricValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  kokino = await loadProfile(shippedProfilePath('kokino'));
  const end = Math.floor((Date.now() / 1000 - 3.5 * HOUR) / 60) * 60;
  scenario = kokinoScenario(end);
  dataDir = await mkdtemp(join(tmpdir(), 'agent-slo-serve-it-'));
  await createBlocks({ openMetrics: writeOpenMetrics(scenario.store.families()), dataDir });
  prom = await startPrometheus({ dataDir });
  // The service believes it is 60 s after the last backfilled sample.
  offsetMs = Date.now() - (end + 60) * 1000;
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  const pid = prom?.pid;
  await prom?.stop();
  if (pid) expect(isPidAlive(pid)).toBe(false);
  await rm(dataDir, { recursive: true, force: true });
});

async function serve(cacheSeconds: number): Promise<RunningServe> {
  const s = await startServe({ profiles: [kokino], prometheus: { url: prom.url }, port: 0, cacheSeconds, now: () => Date.now() - offsetMs });
  servers.push(s);
  return s;
}

describe('agent-slo serve over backfilled kokino history', () => {
  let statusDoc: Record<string, ObjectiveStatus> & { _meta: Record<string, unknown> };
  let t: number;
  let server: RunningServe;

  beforeAll(async () => {
    server = await serve(600);
    const res = await get(`${server.url}/api/slo/status`);
    expect(res.status, res.body).toBe(200);
    expect(res.type).toContain('application/json');
    statusDoc = JSON.parse(res.body);
    t = Date.parse(statusDoc._meta.evaluatedAt as string) / 1000;
  });

  it('answers with objectives as top-level keys and _meta (jq .availability works)', () => {
    expect(Object.keys(statusDoc).sort()).toEqual(['_meta', 'availability', 'data_integrity', 'latency_p95', 'memory_per_execution', 'shadow_correctness']);
    expect(statusDoc._meta).toMatchObject({ profiles: ['kokino'], source: { prometheus: prom.url }, cached: false, cacheSeconds: 600 });
    expect(t).toBeGreaterThan(scenario.end);
    expect(t).toBeLessThan(scenario.end + 300);
  });

  it('availability over every window, its budget and burn rates equal the values from the samples', () => {
    const s = scenario.store;
    const ex = scenario.names.executions;
    const good = (w: number): number | undefined => s.count(ex, (l) => l[scenario.names.outcomeLabel] === 'completed', t, w);
    const total = (w: number): number | undefined => s.count(ex, () => true, t, w);
    const a = statusDoc.availability!;
    for (const [role, w] of [['alert', HOUR], ['gate', 7 * 86_400], ['target', 30 * 86_400], ['budget', 30 * 86_400]] as const) {
      close(a.windows[role]?.value, good(w)! / total(w)!, `availability ${role}`);
      close(a.windows[role]?.events, total(w), `availability ${role} events`);
    }
    const hour = good(HOUR)! / total(HOUR)!;
    expect(hour).toBeLessThan(0.99); // the scenario's bad half hour
    expect(a.state).toBe('critical');
    expect(a.value).toBe(a.windows.alert?.value);
    const consumed = (w: number): number => (1 - good(w)! / total(w)!) / 0.005;
    close(a.errorBudget?.consumed, consumed(30 * 86_400), 'availability budget consumed');
    close(a.errorBudget?.remaining, 1 - consumed(30 * 86_400), 'availability budget remaining');
    for (const [label, w] of [['5m', 300], ['1h', HOUR], ['6h', 6 * HOUR], ['7d', 7 * 86_400]] as const) {
      close(a.errorBudget?.burnRates[label], consumed(w), `availability burn rate ${label}`);
    }
  });

  it('latency p95 values are histogram_quantile of the samples; states come from bucket fractions', () => {
    const s = scenario.store;
    const completed = (l: Record<string, string>): boolean => l[scenario.names.outcomeLabel] === 'completed';
    const l = statusDoc.latency_p95!;
    for (const [role, w] of [['alert', 300], ['gate', 7 * 86_400], ['target', 86_400]] as const) {
      close(l.windows[role]?.value, s.quantile(0.95, scenario.names.duration, completed, t, w), `latency ${role}`);
      const bucket = (le: string): number => s.count(`${scenario.names.duration}_bucket`, (x) => completed(x) && x.le === le, t, w)!;
      const count = s.count(`${scenario.names.duration}_count`, completed, t, w)!;
      const expected = bucket('60') / count < 0.95 ? 'critical' : bucket('30') / count < 0.95 ? 'below_target' : 'ok';
      expect(l.windows[role]?.state, `latency ${role}`).toBe(expected);
    }
    expect(l.state).toBe('critical');
    expect(l.windows.target?.state).toBe('ok');
    // Budget: executions over 30 s of all completed executions, against 10%.
    const count = s.count(`${scenario.names.duration}_count`, completed, t, 30 * 86_400)!;
    const le30 = s.count(`${scenario.names.duration}_bucket`, (x) => completed(x) && x.le === '30', t, 30 * 86_400)!;
    close(l.errorBudget?.consumed, (count - le30) / count / 0.1, 'latency budget consumed');
  });

  it('memory average, integrity failures and the inactive shadow objective', () => {
    const s = scenario.store;
    const m = statusDoc.memory_per_execution!;
    for (const [role, w] of [['alert', HOUR], ['gate', 7 * 86_400]] as const) {
      const sum = s.count(`${scenario.names.memory}_sum`, () => true, t, w)!;
      const count = s.count(`${scenario.names.memory}_count`, () => true, t, w)!;
      close(m.windows[role]?.value, sum / count / 1e6, `memory ${role}`);
    }
    const d = statusDoc.data_integrity!;
    close(d.value, s.count(scenario.names.integrity, () => true, t, 300), 'integrity failures 5m');
    expect(d.state).toBe('critical');
    close(d.windows.gate?.events, s.count(scenario.names.conversations, () => true, t, 7 * 86_400), 'conversations 7d');
    expect(d.errorBudget).toMatchObject({ allowed: 0, consumed: '+Inf', exhausted: true });
    const sh = statusDoc.shadow_correctness!;
    expect(sh.state).toBe('not_active');
    expect(sh.value).toBeNull();
    expect(statusDoc._meta.overall).toBe('critical');
  });

  it('serves the cached status with its age and without new queries; /metrics carries the values (latency in ms)', async () => {
    const before = await get(`${server.url}/metrics`);
    const queries = metricValue(before.body, 'agent_slo_serve_prometheus_queries_total');
    expect(queries).toBeGreaterThan(20);
    const again = JSON.parse((await get(`${server.url}/api/slo/status`)).body);
    expect(again._meta.cached).toBe(true);
    expect(again._meta.evaluatedAt).toBe(statusDoc._meta.evaluatedAt);
    expect(again._meta.ageSeconds).toBeGreaterThan(0);
    const after = await get(`${server.url}/metrics`);
    expect(after.type).toContain('text/plain; version=0.0.4');
    expect(metricValue(after.body, 'agent_slo_serve_prometheus_queries_total')).toBe(queries);
    const sel = (o: string): string => `{slo_profile="kokino",slo_objective="${o}"}`;
    const p95 = scenario.store.quantile(0.95, scenario.names.duration, (l) => l[scenario.names.outcomeLabel] === 'completed', t, 300)!;
    expect(p95).toBeGreaterThan(60); // seconds
    close(metricValue(after.body, `headless_latency_p95_ms${sel('latency_p95')}`), p95 * 1000, 'headless_latency_p95_ms');
    close(metricValue(after.body, `headless_availability_ratio${sel('availability')}`), statusDoc.availability!.value as number, 'availability gauge');
    close(metricValue(after.body, `headless_memory_avg_mb${sel('memory_per_execution')}`), statusDoc.memory_per_execution!.value as number, 'memory gauge');
    expect(metricValue(after.body, `agent_slo_objective_state${sel('latency_p95')}`)).toBe(3);
    expect(metricValue(after.body, 'agent_slo_serve_up')).toBe(1);
    expect(metricValue(after.body, 'agent_slo_serve_http_requests_total{path="/api/slo/status",code="200"}')).toBe(2);
    expect(metricValue(after.body, 'process_resident_memory_bytes')).toBeGreaterThan(1e6);
  });

  it('shows the last gate verdict of the profile from the audit log (--audit-log)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-slo-serve-audit-'));
    try {
      const log = join(dir, 'audit.jsonl');
      const gateRun = (verdict: string, availability: string): Record<string, unknown> => ({
        profile: 'kokino',
        at: new Date(scenario.end * 1000).toISOString(),
        verdict,
        model: 'model-a',
        objectives: [{ name: 'availability', status: availability }, { name: 'latency_p95', status: 'pass' }],
        reasons: [`availability ${availability}`],
      });
      await appendAudit({ log }, 'evaluation', gateRun('pass', 'pass'));
      await appendAudit({ log }, 'evaluation', gateRun('blocked', 'blocked'));
      const s = await startServe({ profiles: [kokino], prometheus: { url: prom.url }, port: 0, cacheSeconds: 60, now: () => Date.now() - offsetMs, lastGate: () => readLastGate(log) });
      servers.push(s);
      const doc = JSON.parse((await get(`${s.url}/api/slo/status`)).body);
      expect(doc.availability.lastGateVerdict).toEqual({ at: new Date(scenario.end * 1000).toISOString(), profile: 'kokino', verdict: 'blocked', objectiveVerdict: 'blocked', model: 'model-a', reasons: ['availability blocked'] });
      expect(doc.latency_p95.lastGateVerdict).toMatchObject({ verdict: 'blocked', objectiveVerdict: 'pass' });
      expect(doc.memory_per_execution.lastGateVerdict).toMatchObject({ verdict: 'blocked' });
      expect(doc.memory_per_execution.lastGateVerdict).not.toHaveProperty('objectiveVerdict');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the real CLI process serves on the wall clock (short windows without data say so) and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--profile', 'kokino', '--port', '0', '--prometheus-url', prom.url, '--cache-seconds', '0'], { cwd: REPO_ROOT });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!/http:\/\/127\.0\.0\.1:\d+\/api\/slo\/status/.test(stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const url = /(http:\/\/127\.0\.0\.1:\d+)\/api\/slo\/status/.exec(stdout)?.[1];
      expect(url, stdout).toBeDefined();
      const res = await get(`${url!}/api/slo/status`);
      expect(res.status, res.body).toBe(200);
      const doc = JSON.parse(res.body);
      // The backfilled data ended 3.5 h ago: the 1h alert window has no data and says so; the 30d window has data.
      expect(doc.availability.state).toBe('no_data');
      expect(doc.availability.windows.alert.noDataReason).toMatch(/no total events|zero events/);
      expect(typeof doc.availability.windows.target.value).toBe('number');
      expect(doc._meta.cached).toBe(false);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stdout).toContain('SIGTERM, stopping');
  });

  it('/healthz and /readyz answer while Prometheus is up; unknown paths are 404', async () => {
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
    const ready = await get(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ ready: true });
    expect((await get(`${server.url}/nope`)).status).toBe(404);
  });
});

describe('agent-slo serve when Prometheus stops mid-test', () => {
  it('answers 503 with the reason, /readyz fails, /healthz stays up, /metrics drops the objective gauges', async () => {
    const server = await serve(1);
    const ok = await get(`${server.url}/api/slo/status`);
    expect(ok.status).toBe(200);
    const metricsUp = await get(`${server.url}/metrics`);
    expect(metricValue(metricsUp.body, 'agent_slo_serve_up')).toBe(1);

    await prom.stop();
    await new Promise((r) => setTimeout(r, 1100)); // past the cache interval

    const down = await get(`${server.url}/api/slo/status`);
    expect(down.status).toBe(503);
    const body = JSON.parse(down.body);
    expect(body.error).toBe('prometheus_unavailable');
    expect(body.kind).toBe('transport');
    expect(body.reason).toMatch(/connection refused/);
    expect(body.prometheus).toBe(prom.url);
    // The last good evaluation is reported (the /metrics call above may have refreshed once more under load).
    expect(Date.parse(body.lastSuccessfulEvaluation)).toBeGreaterThanOrEqual(Date.parse(JSON.parse(ok.body)._meta.evaluatedAt));
    expect(body).not.toHaveProperty('availability');

    const ready = await get(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body).reason).toMatch(/connection refused/);
    expect((await get(`${server.url}/healthz`)).status).toBe(200);

    const metrics = await get(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metricValue(metrics.body, 'agent_slo_serve_up')).toBe(0);
    expect(metrics.body).not.toMatch(/^headless_/m);
    expect(metrics.body).not.toMatch(/^agent_slo_objective_/m);
    expect(metricValue(metrics.body, 'agent_slo_serve_refresh_errors_total')).toBeGreaterThanOrEqual(1);
    expect(metricValue(metrics.body, 'agent_slo_serve_prometheus_query_errors_total{reason="transport"}')).toBeGreaterThanOrEqual(1);

    // Still down on the next request: no cached numbers come back.
    expect((await get(`${server.url}/api/slo/status`)).status).toBe(503);
  });
});
