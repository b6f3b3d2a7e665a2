/**
 * The status page's server side without a browser: chart series from range answers (computed as the status
 * computes), the gate view's history and trust (keyed log without the key → unverified), current alerts, the HTML
 * review's SVG charts, and the routes' headers and failures. Browser tests: test/ui/browser.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/audit/log.js';
import { readAudit } from '../../src/audit/summary.js';
import { loadProfile } from '../../src/profile/load.js';
import type { Profile } from '../../src/profile/model.js';
import { shippedProfilePath } from '../../src/profile/shipped.js';
import { svgChart } from '../../src/review/svg-chart.js';
import { type RunningServe, startServe } from '../../src/serve/server.js';
import { currentAlerts } from '../../src/serve/ui/alerts.js';
import { CONTENT_SECURITY_POLICY } from '../../src/serve/ui/assets.js';
import { gateHistory } from '../../src/serve/ui/gate-view.js';
import { grid, objectiveSeries, type RangeFn } from '../../src/serve/ui/series.js';
import { parseDuration } from '../../src/format.js';
import { budgetQueries, scopeFor, sliQueries } from '../../src/sli/queries.js';
import { objective } from '../harness/serve-observations.js';

let kokino: Profile;
let dir: string;

beforeAll(async () => {
  kokino = await loadProfile(shippedProfilePath('kokino'));
  dir = await mkdtemp(join(tmpdir(), 'agent-slo-ui-unit-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('chart series', () => {
  it('SLI points are good/total per step; the burn-down starts at 1 and falls by bad ÷ (allowed × all events)', async () => {
    const o = objective(kokino, 'availability');
    const at = 1_750_000_000;
    // Every step: 1000 events; good = 990 (1% bad) — the availability budget (0.5%) burns at 2×.
    // Which component a query is, found by generating the same queries for the window it reads.
    const scope = scopeFor(kokino, o);
    const kindOf = (expr: string): 'good' | 'bad' | 'total' => {
      const w = parseDuration(/\[(\w+)\]/.exec(expr)![1]!)!;
      const b = budgetQueries(o, w, scope)!;
      if (expr === b.bad) return 'bad';
      if (expr === b.good || sliQueries(o, w, scope).components.find((c) => c.name === 'good')?.expr === expr) return 'good';
      return 'total';
    };
    const range: RangeFn = (expr, start, end, step) => {
      const out = new Map<number, number>();
      const v = { good: 990, bad: 10, total: 1000 }[kindOf(expr)];
      for (const t of grid(start, end, step)) out.set(t, v);
      return Promise.resolve(out);
    };
    const s = await objectiveSeries(range, kokino, o, at);
    expect(s.sli.window).toBe('1h');
    expect(s.sli.points.length).toBeGreaterThan(200);
    expect(s.sli.points.every(([, v]) => v === 0.99)).toBe(true);
    expect(new Set(s.sli.states)).toEqual(new Set(['below_target'])); // 99% ≥ critical 99%, < target 99.5%
    const b = s.budget!;
    expect(b.window).toBe('30d');
    expect(b.points[0]).toEqual([b.start, 1]);
    const steps = b.points.length - 1;
    expect(b.totalEvents).toBe(1000 * steps);
    // After k steps: 1 − 10k ÷ (0.005 × 1000 × steps); at the end 1 − 2 (twice the budget spent).
    expect(b.points[steps]![1]).toBeCloseTo(1 - (10 * steps) / (0.005 * 1000 * steps), 12);
    expect(b.points[steps]![0]).toBe(at);
    expect(Object.keys(s.burn!.windows).sort()).toEqual(['1h', '5m', '6h', '7d']);
    expect(s.burn!.windows['1h']!.every(([, v]) => Math.abs((v as number) - 2) < 1e-12)).toBe(true);
  });

  it('a histogram budget without the bucket at its target: null budget and burn points (unknowable), never all bad', async () => {
    const o = objective(kokino, 'latency_p95');
    // 1000 executions per step; without the le="30" bucket its queries answer nothing.
    const range = (withBucket: boolean): RangeFn => (expr, start, end, step) => {
      if (expr.includes('le=~') && !withBucket) return Promise.resolve(undefined);
      const out = new Map<number, number>();
      // bad = total − (good or 0): 30 with the bucket, all 1000 without it.
      const bad = expr.startsWith('(') && expr.includes(' - (');
      for (const t of grid(start, end, step)) out.set(t, bad ? (withBucket ? 30 : 1000) : expr.includes('le=~') ? 970 : 1000);
      return Promise.resolve(out);
    };
    const missing = await objectiveSeries(range(false), kokino, o, 1_750_000_000);
    expect(missing.budget!.points.every(([, v]) => v === null)).toBe(true);
    expect(Object.values(missing.burn!.windows).every((points) => points.every(([, v]) => v === null))).toBe(true);
    const present = await objectiveSeries(range(true), kokino, o, 1_750_000_000);
    expect(present.budget!.points[0]![1]).toBe(1);
    expect(Object.values(present.burn!.windows).every((points) => points.every(([, v]) => v !== null))).toBe(true);
  });

  it('no series → null points and no-data states, never zeros', async () => {
    const s = await objectiveSeries(() => Promise.resolve(undefined), kokino, objective(kokino, 'availability'), 1_750_000_000);
    expect(s.sli.points.every(([, v]) => v === null)).toBe(true);
    expect(new Set(s.sli.states)).toEqual(new Set(['no_data']));
    expect(s.budget!.points.every(([, v]) => v === null)).toBe(true);
  });
});

describe('gate view history', () => {
  const decision = (id: string, from: string, until: string): Record<string, unknown> => ({
    actor: `actor-${id}`,
    reason: 'r',
    ticket: `T-${id}`,
    effectiveFrom: from,
    expiresAt: until,
    scope: { profile: 'kokino', objectives: ['*'], selector: [] },
  });

  it('newest first, decisions in effect marked, other profiles left out; verified', async () => {
    const log = join(dir, 'plain.jsonl');
    await appendAudit({ log }, 'evaluation', { profile: 'kokino', verdict: 'pass', at: '2026-01-01T00:00:00Z', reasons: [] });
    await appendAudit({ log }, 'approval', decision('a', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'));
    await appendAudit({ log }, 'evaluation', { profile: 'runtime-v1', verdict: 'blocked', at: '2026-01-01T01:00:00Z', reasons: [] });
    await appendAudit({ log }, 'evaluation', { profile: 'kokino', verdict: 'blocked', at: '2026-01-01T02:00:00Z', reasons: ['x'], hotfix: true, hotfixUsed: true });
    const h = gateHistory('kokino', await readAudit(log), Date.parse('2026-01-01T12:00:00Z'));
    expect(h.trust).toBe('verified');
    expect(h.runs.map((r) => r.verdict)).toEqual(['blocked', 'pass']);
    expect(h.runs[0]!.hotfixUsed).toBe(true);
    expect(h.decisions.map((d) => [d.ticket, d.active])).toEqual([['T-a', true]]);
    expect(gateHistory('kokino', await readAudit(log), Date.parse('2026-01-03T00:00:00Z')).decisions[0]!.active).toBe(false);
    expect(gateHistory('kokino', undefined, 0).trust).toBe('none');
  });

  it('a keyed log read without the key is unverified, its records still listed', async () => {
    const log = join(dir, 'keyed.jsonl');
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    await appendAudit({ log }, 'evaluation', { profile: 'kokino', verdict: 'pass', at: '2026-01-01T00:00:00Z', reasons: [] });
    await appendAudit({ log, key }, 'evaluation', { profile: 'kokino', verdict: 'blocked', at: '2026-01-01T01:00:00Z', reasons: [] });
    const summary = await readAudit(log);
    expect(summary.keyRequired).toBe(true);
    const h = gateHistory('kokino', summary, Date.parse('2026-01-01T12:00:00Z'));
    expect(h.trust).toBe('unverified');
    expect(h.runs.map((r) => r.verdict)).toEqual(['blocked', 'pass']);
    // With the key (serve --audit-key-file) the same log verifies.
    const keyed = gateHistory('kokino', await readAudit({ log, key }), Date.parse('2026-01-01T12:00:00Z'));
    expect(keyed.trust).toBe('verified');
    expect(keyed.runs).toHaveLength(2);
  });
});

describe('current alerts', () => {
  it('firing before pending, active since from ALERTS_FOR_STATE, runbook and owner from the spec', () => {
    const labels = (name: string, state: string): Record<string, string> => ({ __name__: 'ALERTS', alertname: name, alertstate: state, slo_profile: 'kokino', slo_objective: 'availability', severity: 'P1' });
    const rows = currentAlerts(
      [{ labels: labels('SLOAvailabilityCritical', 'pending') }, { labels: labels('SLOAvailabilityFastBurn', 'firing') }],
      [{ labels: { ...labels('SLOAvailabilityFastBurn', 'firing'), __name__: 'ALERTS_FOR_STATE' }, value: 1_750_000_000 }],
      [kokino],
    );
    expect(rows.map((r) => `${r.alertname}:${r.state}`)).toEqual(['SLOAvailabilityFastBurn:firing', 'SLOAvailabilityCritical:pending']);
    expect(rows[0]!.activeAt).toBe('2025-06-15T15:06:40.000Z');
    expect(rows[1]!.activeAt).toBeNull();
    expect(rows[0]!.runbook).toBe(objective(kokino, 'availability').runbookUrl);
    expect(rows[0]!.owner).toBe('@backend-team');
  });
});

describe('review SVG chart', () => {
  it('escapes every text and leaves gaps for missing values', () => {
    const svg = svgChart({
      title: '<script>alert(1)</script>',
      xLabels: ['a&b', '<c>', 'd'],
      series: [{ label: '"x"', values: [1, null, 3], color: '#0b57b0' }],
      lines: [{ label: '<t>', value: 2, color: '#1a7f37' }],
      format: (v) => `${v}<`,
    });
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('a&amp;b');
    expect(svg.match(/<circle/g)).toHaveLength(2);
    expect(svg).not.toContain('<polyline'); // two points with a gap between them: no line
  });
});

describe('routes', () => {
  let s: RunningServe;
  beforeAll(async () => {
    // Nothing listens on port 9 (discard) on loopback: every Prometheus request fails at once.
    s = await startServe({ profiles: [kokino], prometheus: { url: 'http://127.0.0.1:9' }, port: 0, cacheSeconds: 30, toolVersion: 'test' });
  });
  afterAll(async () => {
    await s.close();
  });

  it('serves the page and its assets with the CSP; no inline script in the page', async () => {
    const res = await fetch(`${s.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect([...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].every((m) => /\bsrc=/.test(m[1]!) && m[2]!.trim() === '')).toBe(true);
    for (const asset of ['/ui/app.js', '/ui/app.css', '/ui/uplot.js', '/ui/uplot.css']) {
      const a = await fetch(`${s.url}${asset}`);
      expect(a.status, asset).toBe(200);
      expect((await a.arrayBuffer()).byteLength, asset).toBeGreaterThan(1000);
    }
  });

  it('answers 404 for unknown objectives and profiles, 503 with the reason when Prometheus cannot answer, 405 for writes', async () => {
    const unknown = await fetch(`${s.url}/api/ui/series?key=${encodeURIComponent('<nope>')}`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { reason: string }).reason).toContain('no objective with key');
    expect((await fetch(`${s.url}/api/ui/gate?profile=nope`)).status).toBe(404);
    const down = await fetch(`${s.url}/api/ui/series?key=availability`);
    expect(down.status).toBe(503);
    const body = (await down.json()) as { error: string; reason: string };
    expect(body.error).toBe('prometheus_unavailable');
    expect(body.reason).toMatch(/127\.0\.0\.1:9/);
    expect((await fetch(`${s.url}/api/ui/alerts`)).status).toBe(503);
    // The gate fails closed: its dry run says it cannot evaluate, and why; not cached (_meta.cached stays false).
    for (let i = 0; i < 2; i++) {
      const gate = (await (await fetch(`${s.url}/api/ui/gate?profile=kokino`)).json()) as {
        dryRun: { ok: boolean; report: { verdict: string; reasons: string[] } };
        history: { trust: string };
        _meta: { cached: boolean };
      };
      expect(gate.history.trust).toBe('none');
      expect(gate.dryRun.ok).toBe(true);
      expect(gate.dryRun.report.verdict).toBe('cannot_evaluate');
      expect(gate.dryRun.report.reasons.join(' ')).toMatch(/127\.0\.0\.1:9/);
      expect(gate._meta.cached).toBe(false);
    }
    expect((await fetch(`${s.url}/`, { method: 'POST' })).status).toBe(405);
  });
});
