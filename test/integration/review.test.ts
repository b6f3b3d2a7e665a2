/**
 * `agent-slo review` against a real Prometheus over 15 backfilled days of runtime-v1 traffic. Numbers are compared
 * with values computed independently from the generated samples; the alert list is compared with the alert
 * history the scenario was built with. The alert history is backfilled as synthetic `ALERTS` series (promtool
 * cannot backfill alerting rules; `agent-slo backfill` will derive them from range queries), with the names and
 * labels the generated rules use.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlocks } from '../../src/backfill/blocks.js';
import { writeOpenMetrics } from '../../src/backfill/openmetrics.js';
import { runCli } from '../../src/cli/run.js';
import type { Io } from '../../src/cli/io.js';
import { appendAudit } from '../../src/audit/log.js';
import { freePort } from '../../src/stack/free-port.js';
import { isPidAlive } from '../../src/stack/process.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import type { ObjectiveReport, ReviewReport } from '../../src/review/report.js';
import { DAY, runtimeScenario, type RuntimeScenario } from '../harness/runtime-review-history.js';

let dir: string;
let prom: RunningPrometheus;
let scenario: RuntimeScenario;
let at: number;
let auditLog: string;

function io(): Io & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false, stdout: () => out.join('\n'), stderr: () => err.join('\n') };
}

function close(actual: unknown, expected: number | undefined, what: string): void {
  expect(expected, `${what}: expected is defined`).toBeDefined();
  expect(typeof actual, `${what}: ${String(actual)}`).toBe('number');
  const e = expected as number;
  const err = e === 0 ? Math.abs(actual as number) : Math.abs((actual as number) - e) / Math.abs(e);
  expect(err, `${what}: got ${String(actual)}, expected ${e}`).toBeLessThan(1e-9);
}

const iso = (t: number): string => new Date(t * 1000).toISOString();

beforeAll(async () => {
  at = Math.floor((Date.now() / 1000 - 4 * 3600) / DAY) * DAY;
  scenario = runtimeScenario(at);
  dir = await mkdtemp(join(tmpdir(), 'agent-slo-review-it-'));
  await createBlocks({ openMetrics: writeOpenMetrics(scenario.store.families()), dataDir: join(dir, 'data') });
  prom = await startPrometheus({ dataDir: join(dir, 'data') });
  auditLog = join(dir, 'audit.jsonl');
  const scope = (objectives: string[]): Record<string, unknown> => ({ profile: 'runtime-v1', objectives, selector: [] });
  await appendAudit({ log: auditLog }, 'approval', { actor: 'alice', reason: 'known flaky tool, fix deployed', ticket: 'OPS-1', effectiveFrom: iso(at - 3 * DAY), expiresAt: iso(at + DAY), scope: scope(['tool_success_rate']) });
  await appendAudit({ log: auditLog }, 'override', { actor: 'bob', reason: 'emergency rollout', ticket: 'INC-7', effectiveFrom: iso(at - 2 * DAY), expiresAt: iso(at - DAY), scope: scope(['*']) });
  // Expired before the review week: not listed.
  await appendAudit({ log: auditLog }, 'approval', { actor: 'carol', reason: 'old', ticket: 'OPS-0', effectiveFrom: iso(at - 12 * DAY), expiresAt: iso(at - 10 * DAY), scope: scope(['escalation_rate']) });
  await appendAudit({ log: auditLog }, 'evaluation', { profile: 'runtime-v1', at: iso(at - DAY), verdict: 'approval_required', objectives: [{ name: 'tool_success_rate', status: 'approval_required' }], reasons: ['warning streak'] });
});

afterAll(async () => {
  const pid = prom?.pid;
  await prom?.stop();
  if (pid) expect(isPidAlive(pid)).toBe(false);
  await rm(dir, { recursive: true, force: true });
});

describe('agent-slo review --period week over backfilled runtime-v1 history', () => {
  let report: ReviewReport;

  beforeAll(async () => {
    const c = io();
    const code = await runCli(['review', '--period', 'week', '--at', iso(at), '--format', 'json', '--profile', 'runtime-v1', '--prometheus-url', prom.url, '--audit-log', auditLog], c);
    expect(code, c.stderr()).toBe(0); // exit 0 although the week is bad
    const doc = JSON.parse(c.stdout());
    expect(doc.schema).toBe('agent-slo/review-report/v1');
    expect(doc.reports).toHaveLength(1);
    report = doc.reports[0];
  });

  const obj = (name: string): ObjectiveReport => report.objectives.find((o) => o.name === name)!;

  it('tool success rate per day, over the week and the previous week equal the values from the samples', () => {
    const s = scenario.store;
    const good = (t: number, w: number): number | undefined => s.count(`${scenario.toolMetric}_count`, (l) => l[scenario.errorLabel] === undefined, t, w);
    const total = (t: number, w: number): number | undefined => s.count(`${scenario.toolMetric}_count`, () => true, t, w);
    const o = obj('tool_success_rate');
    expect(o.slices).toHaveLength(7);
    const states: string[] = [];
    o.slices.forEach((slice, i) => {
      const end = at - 7 * DAY + (i + 1) * DAY;
      expect(slice.end).toBe(iso(end));
      const v = good(end, DAY)! / total(end, DAY)!;
      close(slice.value, v, `day ${i}`);
      close(slice.events, total(end, DAY), `day ${i} events`);
      const expected = v < 0.95 ? 'critical' : v < 0.97 ? 'warning' : v < 0.98 ? 'below_target' : 'ok';
      expect(slice.state, `day ${i}`).toBe(expected);
      states.push(slice.state);
    });
    // The scenario's bad days: two warning days and one critical day.
    expect(states.filter((x) => x === 'warning')).toHaveLength(2);
    expect(states.filter((x) => x === 'critical')).toHaveLength(1);
    close(o.period.value, good(at, 7 * DAY)! / total(at, 7 * DAY)!, 'week');
    close(o.previous.value, good(at - 7 * DAY, 7 * DAY)! / total(at - 7 * DAY, 7 * DAY)!, 'previous week');
    expect(o.trend).toBe('worse');
    expect(o.period.budgetConsumed).toBeNull(); // runtime-v1 has no error budgets
  });

  it('escalation rate, cost per successful task and p95 latency (ms) equal the values from the samples', () => {
    const s = scenario.store;
    const tasks = (f: (l: Record<string, string>) => boolean, t: number, w: number): number => s.count(scenario.tasksMetric, f, t, w)!;
    const outcome = (v: string) => (l: Record<string, string>) => l[scenario.outcomeLabel] === v;
    const all = (): boolean => true;
    close(obj('escalation_rate').period.value, tasks(outcome('escalated'), at, 7 * DAY) / tasks(all, at, 7 * DAY), 'escalation week');
    close(obj('escalation_rate').slices[3]!.value, tasks(outcome('escalated'), at - 3 * DAY, DAY) / tasks(all, at - 3 * DAY, DAY), 'escalation day 3');
    const cost = s.count('agent_task_cost_total', all, at, 7 * DAY)!;
    close(obj('cost_per_successful_task').period.value, cost / tasks(outcome('success'), at, 7 * DAY), 'cost per successful task');
    const p95 = s.quantile(0.95, 'gen_ai_invoke_agent_duration', all, at, 7 * DAY)!;
    close(obj('response_latency_p95').period.value, p95 * 1000, 'p95 ms');
    close(obj('model_fallback_rate').period.value, s.count('agent_model_fallbacks_total', all, at, 7 * DAY)! / s.count('gen_ai_client_operation_duration_count', all, at, 7 * DAY)!, 'fallback');
  });

  it('lists exactly the alerts the history was built to fire in the week', () => {
    const fired = report.objectives.flatMap((o) => o.alerts.map((a) => ({ alertname: a.alertname, objective: a.objective, severity: a.severity, firings: a.firings, firingSeconds: a.firingSeconds, firstFiring: a.firstFiring })));
    const expected = scenario.alerts
      .filter((a) => a.firings.some(([s]) => s > at - 7 * DAY))
      .map((a) => ({
        alertname: a.alertname,
        objective: a.objective,
        severity: a.severity,
        firings: a.firings.length,
        firingSeconds: a.firings.reduce((n, [s, e]) => n + (e - s) + 60, 0),
        firstFiring: iso(a.firings[0]![0]),
      }));
    expect(expected).toHaveLength(2);
    expect(fired).toEqual(expected);
    expect(obj('escalation_rate').alerts).toEqual([]);
    expect(report.otherAlerts).toEqual([]);
  });

  it('lists approvals/overrides in effect during the week and the gate runs, and says what needs attention', () => {
    expect(obj('tool_success_rate').decisions.map((d) => [d.kind, d.actor, d.ticket])).toEqual([
      ['approval', 'alice', 'OPS-1'],
      ['override', 'bob', 'INC-7'],
    ]);
    expect(obj('escalation_rate').decisions.map((d) => d.ticket)).toEqual(['INC-7']);
    expect(report.audit).toMatchObject({ file: auditLog, verified: true });
    expect(report.audit.gateRuns.map((g) => g.verdict)).toEqual(['approval_required']);
    const first = report.needsAttention[0]!;
    expect(first.objective).toBe('tool_success_rate');
    expect(first.reasons.join('; ')).toMatch(/1 of 7 days critical; 2 of 7 days at warning/);
    expect(first.reasons.join('; ')).toMatch(/3 alert firings \(SLOToolSuccessRateWarning, SLOToolSuccessRateCritical\)/);
    expect(first.reasons.join('; ')).toMatch(/worse than the previous week/);
  });

  it('renders the same review as Markdown', async () => {
    const c = io();
    expect(await runCli(['review', '--at', iso(at), '--profile', 'runtime-v1', '--prometheus-url', prom.url, '--audit-log', auditLog], c)).toBe(0);
    const md = c.stdout();
    expect(md).toContain('# Weekly reliability review: AI runtime reliability (v1) (`runtime-v1`)');
    expect(md).toMatch(/## Needs attention\n\n- \*\*tool_success_rate\*\*/);
    expect(md).toContain('## Per day');
    expect(md).toMatch(/\| SLOToolSuccessRateWarning \| tool_success_rate \| warning \| 2 \|/);
    expect(md).toMatch(/\| approval \| apr-[0-9a-f]+ \| alice \|/);
    expect(md).toContain('Release gate runs in the period: 1 (1 approval_required).');
    expect(md).not.toContain('Historical SLO Performance');
  });
});

describe('agent-slo review with a keyed audit log (the option set gate and serve use)', () => {
  const KEY = '0123456789abcdef0123456789abcdef';
  let keyedLog: string;
  let anchor: string;
  let keyFile: string;

  beforeAll(async () => {
    keyedLog = join(dir, 'keyed.jsonl');
    await mkdir(join(dir, 'release-job'));
    anchor = join(dir, 'release-job', 'audit.anchor');
    keyFile = join(dir, 'audit.key');
    await writeFile(keyFile, `${KEY}\n`);
    const where = { log: keyedLog, anchor, key: Buffer.from(KEY) };
    await appendAudit(where, 'evaluation', { profile: 'runtime-v1', at: iso(at - DAY), verdict: 'blocked', objectives: [{ name: 'tool_success_rate', status: 'blocked' }], reasons: ['critical'] });
  });

  async function review(args: string[]): Promise<{ code: number; report: ReviewReport; stderr: string }> {
    const c = io();
    const code = await runCli(['review', '--at', iso(at), '--format', 'json', '--profile', 'runtime-v1', '--prometheus-url', prom.url, ...args], c);
    return { code, report: (JSON.parse(c.stdout()) as { reports: ReviewReport[] }).reports[0]!, stderr: c.stderr() };
  }

  it('with the key and the anchor apart: verified, its gate run listed, nothing to note', async () => {
    const r = await review(['--audit-log', keyedLog, '--audit-anchor', anchor, '--audit-key-file', keyFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.report.audit).toMatchObject({ file: keyedLog, verified: true, notes: [] });
    expect(r.report.audit.keyRequired).toBeUndefined();
    expect(r.report.audit.gateRuns.map((g) => g.verdict)).toEqual(['blocked']);
    expect(r.stderr).toBe('');
  });

  it('without the key: listed but unverified (keyed), and the missing key is noted', async () => {
    const r = await review(['--audit-log', keyedLog, '--audit-anchor', anchor]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.report.audit).toMatchObject({ verified: false, keyRequired: true });
    expect(r.report.audit.gateRuns.map((g) => g.verdict)).toEqual(['blocked']);
    expect(r.report.audit.notes.join('\n')).toMatch(/verified without a key/);
    expect(r.stderr).toMatch(/note: the log is verified without a key/);
  });

  it('an edited keyed record fails verification with the key: not listed', async () => {
    const forged = join(dir, 'forged.jsonl');
    const lines = (await readFile(keyedLog, 'utf8')).replace('"blocked"', '"pass"');
    await writeFile(forged, lines);
    await copyFile(anchor, join(dir, 'release-job', 'forged.anchor'));
    const r = await review(['--audit-log', forged, '--audit-anchor', join(dir, 'release-job', 'forged.anchor'), '--audit-key-file', keyFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.report.audit.verified).toBe(false);
    expect(r.report.audit.problem).toMatch(/record seq 1 \(line 1\)/);
    expect(r.report.audit.gateRuns).toEqual([]);
  });

  it('says when the anchor sits beside the log (Markdown and stderr)', async () => {
    const c = io();
    expect(await runCli(['review', '--at', iso(at), '--profile', 'runtime-v1', '--prometheus-url', prom.url, '--audit-log', auditLog, '--audit-key-file', keyFile], c)).toBe(0);
    expect(c.stdout()).toMatch(/Note: the anchor .*audit\.jsonl\.anchor sits beside the log: whoever can write .* can truncate the log and re-anchor it undetected/);
    expect(c.stderr()).toMatch(/note: the anchor .* sits beside the log/);
  });
});

describe('agent-slo review --period month', () => {
  it('reviews the calendar month with weekly values and the history table', async () => {
    const c = io();
    expect(await runCli(['review', '--period', 'month', '--at', iso(at), '--format', 'json', '--profile', 'runtime-v1', '--prometheus-url', prom.url], c)).toBe(0);
    const r = (JSON.parse(c.stdout()) as { reports: ReviewReport[] }).reports[0]!;
    const d = new Date((at - 1) * 1000);
    const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
    expect(r.period.start).toBe(iso(monthStart));
    expect(r.period.end).toBe(iso(at));
    const tool = r.objectives.find((o) => o.name === 'tool_success_rate')!;
    const w = at - monthStart;
    const good = scenario.store.count(`${scenario.toolMetric}_count`, (l) => l[scenario.errorLabel] === undefined, at, w);
    const total = scenario.store.count(`${scenario.toolMetric}_count`, () => true, at, w);
    close(tool.period.value, good! / total!, 'month');
    expect(tool.slices.length).toBe(Math.ceil(w / (7 * DAY)));
    close(tool.slices[tool.slices.length - 1]!.value, (() => {
      const s = monthStart + (tool.slices.length - 1) * 7 * DAY;
      return scenario.store.count(`${scenario.toolMetric}_count`, (l) => l[scenario.errorLabel] === undefined, at, at - s)! / scenario.store.count(`${scenario.toolMetric}_count`, () => true, at, at - s)!;
    })(), 'last week of the month');
    expect(tool.history).toHaveLength(3);
    expect(tool.history[2]!.value).toBe(tool.period.value);

    const m = io();
    expect(await runCli(['review', '--period', 'month', '--at', iso(at), '--profile', 'runtime-v1', '--prometheus-url', prom.url], m)).toBe(0);
    const md = m.stdout();
    expect(md).toContain('## Historical SLO Performance');
    expect(md).toContain('| Month | Tool success rate | Model fallback rate | P95 response latency | Cost per successful task | Escalation rate | Budget Consumed |');
    expect(md).toContain('## Per week');
  });
});

describe('agent-slo review when the data cannot be read', () => {
  it('exits 3 with the reason', async () => {
    const port = await freePort();
    const c = io();
    expect(await runCli(['review', '--at', iso(at), '--profile', 'runtime-v1', '--prometheus-url', `http://127.0.0.1:${port}`], c)).toBe(3);
    expect(c.stderr()).toMatch(/cannot read the data from Prometheus: connection refused/);
  });
});
