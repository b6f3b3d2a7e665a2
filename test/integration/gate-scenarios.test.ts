/**
 * The release gate against a real Prometheus over backfilled scenario histories (one TSDB, one server; scenarios
 * are selected with `--selector scenario=…`). Each test asserts the exit code, the reasons, and that the observed
 * components equal what the counts return over the generated samples (computed here with prometheusCount,
 * an independent model of Prometheus' increase() extrapolation and of series born in the window, never with the gate's code). The gate runs half a minute off
 * the sample grid (scenarioAt), so Prometheus 2.x and 3.x select the same samples and must give the same values.
 *
 * The suite runs against every Prometheus users run (describe.each over test/harness/prometheus-servers.ts): Debian's
 * 2.42 in the main vitest project, 3.x built by collector-config/build-prometheus3.sh in the go-built project.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlocks } from '../../src/backfill/blocks.js';
import { writeOpenMetrics } from '../../src/backfill/openmetrics.js';
import type { GateReport, ReportCheck, ReportObjective } from '../../src/gate/report/model.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { histogramSeries } from '../../src/conventions.js';
import { counterSum, DAY, families, histogramSum, type HistogramSpec, inOutage, labelsFor, samplesOf, type ScenarioHistory, SIG } from '../gate/scenario-data.js';
import { kokinoScenario, type KokinoScenario, runtimeScenario, type RuntimeScenario, scenarioAt, scenarioEnd } from '../gate/scenarios.js';
import { runCliInProcess, type InProcessRun } from '../harness/cli.js';
import { prometheusServers } from '../harness/prometheus-servers.js';

const END = scenarioEnd();
/** The gate's evaluation instant: 30 s after the last sample, off the sample grid. */
const AT = scenarioAt(END);
const RUNTIME: RuntimeScenario[] = ['healthy', 'critical', 'warn3', 'warn2', 'warn3nc', 'recovery', 'reset', 'short', 'outage'];
const KOKINO: KokinoScenario[] = ['k-healthy', 'k-budget', 'k-critical', 'k-shadowoff'];
const histories = new Map<string, ScenarioHistory>();
for (const n of RUNTIME) histories.set(n, runtimeScenario(n, END));
for (const n of KOKINO) histories.set(n, kokinoScenario(n, END));

const servers = await prometheusServers('gate scenarios');

/** The whole gate scenario suite against one server (started once in beforeAll, stopped in afterAll). */
describe.each(servers)('gate scenarios on $label', (server) => {
  let prom: RunningPrometheus;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'agent-slo-gate-'));
    const text = writeOpenMetrics(families([...histories.values()]));
    await createBlocks({ openMetrics: text, dataDir: join(work, 'tsdb'), promtool: server.promtool });
    prom = await startPrometheus({ dataDir: join(work, 'tsdb'), binary: server.prometheus });
  }, 300_000);

  afterAll(async () => {
    await prom?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  type CliRun = InProcessRun;
  const cli = (args: string[]): Promise<CliRun> => runCliInProcess(args);

  let auditN = 0;
  function auditLog(): string {
    auditN++;
    return join(work, `audit-${auditN}.jsonl`);
  }

  async function gate(profile: string, scenario: string, extra: string[] = [], audit = auditLog()): Promise<{ run: CliRun; report: GateReport }> {
    const run = await cli(['gate', '--profile', profile, '--prometheus-url', prom.url, '--selector', `scenario=${scenario}`, '--at', String(AT), '--format', 'json', '--audit-log', audit, ...extra]);
    let report: GateReport;
    try {
      report = JSON.parse(run.out) as GateReport;
    } catch {
      throw new Error(`no JSON report (exit ${run.code}): ${run.err}\n${run.out}`);
    }
    return { run, report };
  }

  function obj(r: GateReport, name: string): ReportObjective {
    const o = r.objectives.find((x) => x.name === name);
    if (o === undefined) throw new Error(`no objective ${name}`);
    return o;
  }

  function chk(o: ReportObjective, name: string): ReportCheck {
    const c = o.checks.find((x) => x.check === name);
    if (c === undefined) throw new Error(`${o.name}: no check ${name}`);
    return c;
  }

  const C = SIG.counter;
  const H = SIG.histogram;

  /** Expected 7d (or `window`) components at `end` of every runtime-v1 objective, from the generated samples. */
  function runtimeExpected(h: ScenarioHistory, end: number, window: number): Record<string, Record<string, number>> {
    const s = { scenario: h.name };
    const ok = histogramSum(h, H.tool_duration.metric, 'count', end, window) - failedTools(h, end, window);
    return {
      tool_success_rate: { good: ok, total: ok + failedTools(h, end, window) },
      model_fallback_rate: { bad: counterSum(h, C.model_fallbacks.metric, s, end, window), total: histogramSum(h, H.model_call_duration.metric, 'count', end, window) },
      response_latency_p95: {
        'le:8000': histogramSum(h, H.response_latency.metric, 8, end, window),
        'le:10000': histogramSum(h, H.response_latency.metric, 10, end, window),
        'le:15000': histogramSum(h, H.response_latency.metric, 15, end, window),
        count: histogramSum(h, H.response_latency.metric, 'count', end, window),
      },
      cost_per_successful_task: {
        value: counterSum(h, C.task_cost_usd.metric, s, end, window),
        events: counterSum(h, C.tasks_succeeded.metric, labelsFor(C.tasks_succeeded.matchers, s), end, window),
      },
      escalation_rate: { bad: counterSum(h, C.tasks_escalated.metric, labelsFor(C.tasks_escalated.matchers, s), end, window), total: counterSum(h, C.tasks.metric, s, end, window) },
    };
  }

  function failedTools(h: ScenarioHistory, end: number, window: number): number {
    return histogramSum(h, H.tool_duration.metric, 'count', end, window, labelsFor(C.tool_calls_failed.matchers, { scenario: h.name }));
  }

  function expectComponents(c: ReportCheck, expected: Record<string, number>): void {
    for (const [k, v] of Object.entries(expected)) {
      const got = c.components[k];
      expect(typeof got, `${k}`).toBe('number');
      expect(got as number, `${k}`).toBeCloseTo(v, 6);
    }
  }

  function expectRuntimeValues(r: GateReport, h: ScenarioHistory): void {
    const exp = runtimeExpected(h, AT, 7 * DAY);
    for (const [name, comps] of Object.entries(exp)) expectComponents(chk(obj(r, name), 'gate'), comps);
    const tool = exp.tool_success_rate as { good: number; total: number };
    expect(obj(r, 'tool_success_rate').value as number).toBeCloseTo(tool.good / tool.total, 12);
  }

  /** The tool success rate of each consecutive 24h window, from the generated samples. */
  function toolWindows(h: ScenarioHistory): number[] {
    return [0, 1, 2].map((k) => {
      const e = runtimeExpected(h, AT - k * DAY, DAY).tool_success_rate as { good: number; total: number };
      return e.good / e.total;
    });
  }

  describe('runtime-v1 (warning levels, no budget)', () => {
    it('healthy → pass (exit 0), values equal the generated counts', async () => {
      const { run, report } = await gate('runtime-v1', 'healthy');
      expect(run.code, run.err).toBe(0);
      expect(report.verdict).toBe('pass');
      expect(report.objectives.map((o) => o.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
      expectRuntimeValues(report, histories.get('healthy')!);
      expect(obj(report, 'tool_success_rate').source).toBe('raw');
      expect(obj(report, 'tool_success_rate').sourceNote).toMatch(/raw expressions/);
    });

    it('one critical breach over 7d → blocked (exit 1)', async () => {
      const { run, report } = await gate('runtime-v1', 'critical');
      expect(run.code).toBe(1);
      expect(report.verdict).toBe('blocked');
      const tool = obj(report, 'tool_success_rate');
      expect(tool.status).toBe('blocked');
      expect(tool.reasons.join('\n')).toMatch(/critical breached over 7d: observed 94\.00% < critical 95%/);
      expect(run.err).toMatch(/gate blocked: tool_success_rate: critical breached/);
      expectRuntimeValues(report, histories.get('critical')!);
      for (const o of report.objectives.filter((x) => x.name !== 'tool_success_rate')) expect(o.status).toBe('pass');
    });

    it('warning in 3 consecutive 24h windows → approval required (exit 2)', async () => {
      const { run, report } = await gate('runtime-v1', 'warn3');
      expect(run.code).toBe(2);
      expect(report.verdict).toBe('approval_required');
      const tool = obj(report, 'tool_success_rate');
      expect(chk(tool, 'gate').status).toBe('pass');
      const cons = chk(tool, 'consecutive');
      expect(cons.status).toBe('approval_required');
      expect(cons.reason).toMatch(/warning breached in 3 consecutive 24h windows \(more than 2\)/);
      expect(cons.windows?.map((w) => w.state)).toEqual(['breach', 'breach', 'breach']);
      const expected = toolWindows(histories.get('warn3')!);
      cons.windows?.forEach((w, i) => expect(w.value as number).toBeCloseTo(expected[i] ?? NaN, 12));
      expect(expected.every((v) => v < 0.97 && v >= 0.95)).toBe(true);
      expectRuntimeValues(report, histories.get('warn3')!);
    });

    it('warning in exactly 2 consecutive windows → pass', async () => {
      const { run, report } = await gate('runtime-v1', 'warn2');
      expect(run.code, run.err).toBe(0);
      const cons = chk(obj(report, 'tool_success_rate'), 'consecutive');
      expect(cons.windows?.map((w) => w.state)).toEqual(['breach', 'breach', 'ok']);
      expect(cons.reason).toMatch(/^2 consecutive 24h window\(s\) breach warning/);
      const expected = toolWindows(histories.get('warn2')!);
      cons.windows?.forEach((w, i) => expect(w.value as number).toBeCloseTo(expected[i] ?? NaN, 12));
    });

    it('3 warning windows that are not consecutive → pass', async () => {
      const { run, report } = await gate('runtime-v1', 'warn3nc');
      expect(run.code, run.err).toBe(0);
      const cons = chk(obj(report, 'tool_success_rate'), 'consecutive');
      expect(cons.windows?.map((w) => w.state)).toEqual(['breach', 'ok', 'breach']);
      expectRuntimeValues(report, histories.get('warn3nc')!);
    });

    it('recovery after an old breach → pass; the day outside 7d is not counted', async () => {
      const { run, report } = await gate('runtime-v1', 'recovery');
      expect(run.code, run.err).toBe(0);
      expectRuntimeValues(report, histories.get('recovery')!);
      // 7d ≈ day 6 (10%) and six days at 1% → ≈ 0.977; an 8d window would have been ≈ 0.9675. Exactly: at END + 30 s
      // the window's samples run from END − 7d + 5m to END, so increase() sees the 2015 whole 5-minute steps after
      // the first one of day 6 (287 at 50 failures, 1728 at 5, 500 calls each); extrapolation scales good and total
      // alike, so the ratio is that of the steps seen.
      expect(obj(report, 'tool_success_rate').value as number).toBeCloseTo(1 - (287 * 50 + 1728 * 5) / (2015 * 500), 12);
    });

    it('no data → cannot evaluate (exit 3) for every objective, never pass', async () => {
      const { run, report } = await gate('runtime-v1', 'nodata');
      expect(run.code).toBe(3);
      expect(report.verdict).toBe('cannot_evaluate');
      for (const o of report.objectives) {
        expect(o.status).toBe('cannot_evaluate');
        expect(o.reasons.join('\n')).toMatch(/too little history|no data/);
      }
    });

    it('only 3 days of history → cannot evaluate: too little history for 7d', async () => {
      const { run, report } = await gate('runtime-v1', 'short');
      expect(run.code).toBe(3);
      for (const o of report.objectives) {
        expect(o.status).toBe('cannot_evaluate');
        expect(chk(o, 'coverage').reason).toMatch(/too little history: no raw data within 1h after .* the start of the 7d window/);
      }
      // The consecutive windows (3 × 24h) are covered and evaluated.
      expect(chk(obj(report, 'tool_success_rate'), 'consecutive').status).toBe('pass');
    });

    it('a 2-hour scrape outage straddling at − 7d with a real 7d breach → cannot evaluate, with the reason (never pass on a lifetime count)', async () => {
      // 15 days of history, 6.2% tool failures over the last 7 days (true 7d success 0.938 < 0.95), 0.2% before. The
      // old count took each series as born in the window and counted its 15-day lifetime (0.966, pass). Every series
      // grew across a gap at the window start longer than the 1h presence lookback (its last sample 65 minutes before
      // the start): how many of the gap's events fell before the start is unknowable, so the strict count is NaN and
      // the gate cannot evaluate, saying why (docs/counting.md).
      const { run, report } = await gate('runtime-v1', 'outage');
      const tool = obj(report, 'tool_success_rate');
      expect(run.code, run.err).toBe(3);
      expect(report.verdict).toBe('cannot_evaluate');
      expect(tool.status).toBe('cannot_evaluate');
      expect(tool.reasons.join('\n')).toMatch(/is NaN: a series' count is unknowable — a scrape gap straddles the window start/);
      expect(1 - 31 / 500).toBeCloseTo(0.938, 12);
    });

    it('the outage\'s "cannot evaluate" reason names the series and the gap (UTC, duration) in every format; label values are redacted', async () => {
      // Expected from the generated history, not from the gate: the 7d window starts at AT − 7d; the gap runs from
      // the last sample before it to the first after it, across which the succeeded-tool series (good) grew.
      const h = histories.get('outage')!;
      const start = AT - 7 * DAY;
      const seen = h.times.filter((t) => !inOutage(h, t));
      const from = Math.max(...seen.filter((t) => t <= start));
      const to = Math.min(...seen.filter((t) => t > start));
      const utc = (t: number): string => new Date(t * 1000).toISOString().replace('T', ' ').replace('.000Z', ' UTC');
      const d = to - from;
      const duration = `${Math.floor(d / 3600)}h${(d % 3600) / 60}m`;
      const good = h.series[0] as HistogramSpec;
      const samples = samplesOf(h, good.perStep.map((p) => p.count));
      const at = (t: number): number => samples.find(([x]) => x === t)?.[1] ?? NaN;
      expect(at(to)).toBeGreaterThan(at(from));
      const series = `${histogramSeries(H.tool_duration.metric).count}{scenario="outage"}`;
      const why = `1 series unknowable at the window start ${utc(start)}: ${series}: grew across a scrape gap from ${utc(from)} to ${utc(to)} (${duration}), longer than the 1h presence lookback`;
      expect(duration).toBe('2h5m');

      // One run writes every format (json on stdout).
      const files = ['text', 'markdown', 'junit'].map((f) => [f, join(work, `outage-reason.${f}`)] as const);
      const run = await cli(['gate', '--profile', 'runtime-v1', '--prometheus-url', prom.url, '--selector', 'scenario=outage', '--at', String(AT),
        '--report', 'json=-', ...files.flatMap(([f, file]) => ['--report', `${f}=${file}`]), '--audit-log', auditLog()]);
      expect(run.code, run.err).toBe(3);
      const report = JSON.parse(run.out) as GateReport;
      const gateCheck = chk(obj(report, 'tool_success_rate'), 'gate');
      expect(gateCheck.status).toBe('cannot_evaluate');
      expect(gateCheck.reason).toContain(`component good is NaN: `);
      expect(gateCheck.reason).toContain(why);
      expect(report.reasons.join('\n')).toContain(why);
      const unescape = (x: string): string => x.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
      for (const [format, file] of files) expect(unescape(await readFile(file, 'utf8')), format).toContain(why);
      // Label values are server text: a credential sent to the server never comes back in a reason.
      const redacted = await gate('runtime-v1', 'outage', ['--header', 'X-Scope-OrgID: outage']);
      const text = chk(obj(redacted.report, 'tool_success_rate'), 'gate').reason;
      expect(text).toContain(`${histogramSeries(H.tool_duration.metric).count}{scenario="[REDACTED]"}: grew across a scrape gap`);
      expect(text).not.toContain('"outage"');
    }, 180_000);

    it('counter reset in the middle → values still equal the generated counts, pass', async () => {
      const { run, report } = await gate('runtime-v1', 'reset');
      expect(run.code, run.err).toBe(0);
      expectRuntimeValues(report, histories.get('reset')!);
      expect(obj(report, 'tool_success_rate').value as number).toBeCloseTo(0.99, 12);
    });

    it('approval: applies only within scope and before expiry', async () => {
      const audit = auditLog();
      const base = ['--profile', 'runtime-v1', '--selector', 'scenario=warn3', '--audit-log', audit, '--actor', 'alice', '--reason', 'known flaky tool', '--ticket', 'REL-1'];
      // Out of scope: other objective, other selector, already expired at --at.
      expect((await cli(['approve', ...base, '--objective', 'escalation_rate', '--at', String(END - 3600), '--expires', '24h'])).code).toBe(0);
      expect((await cli(['approve', '--profile', 'runtime-v1', '--selector', 'scenario=other', '--audit-log', audit, '--actor', 'a', '--reason', 'r', '--ticket', 't', '--objective', '*', '--at', String(END - 3600), '--expires', '24h'])).code).toBe(0);
      expect((await cli(['approve', ...base, '--objective', 'tool_success_rate', '--at', String(END - 7200), '--expires', '1h'])).code).toBe(0);
      const before = await gate('runtime-v1', 'warn3', [], audit);
      expect(before.run.code).toBe(2);
      // In scope and valid.
      const ok = await cli(['approve', ...base, '--objective', 'tool_success_rate', '--at', String(END - 60), '--expires', '2h']);
      expect(ok.code, ok.err).toBe(0);
      const id = /approval (apr-[0-9a-f]+) recorded/.exec(ok.out)?.[1];
      const after = await gate('runtime-v1', 'warn3', [], audit);
      expect(after.run.code, after.run.err).toBe(0);
      expect(after.report.verdict).toBe('pass');
      expect(after.report.underlyingVerdict).toBe('approval_required');
      const tool = obj(after.report, 'tool_success_rate');
      expect(tool.underlyingStatus).toBe('approval_required');
      expect(tool.decisions).toEqual([expect.objectContaining({ id, kind: 'approval', actor: 'alice', ticket: 'REL-1' })]);
      // Later than its expiry → no longer applies.
      const late = await cli(['gate', '--profile', 'runtime-v1', '--prometheus-url', prom.url, '--selector', 'scenario=warn3', '--at', String(END + 3 * 3600), '--format', 'json', '--audit-log', audit]);
      expect(late.code).not.toBe(0);
      // An approval never passes a block.
      const approveCrit = await cli(['approve', '--profile', 'runtime-v1', '--selector', 'scenario=critical', '--audit-log', audit, '--actor', 'a', '--reason', 'r', '--ticket', 't', '--objective', '*', '--at', String(END - 60), '--expires', '2h']);
      expect(approveCrit.code).toBe(0);
      expect((await gate('runtime-v1', 'critical', [], audit)).run.code).toBe(1);
      const verify = await cli(['audit', 'verify', '--audit-log', audit]);
      expect(verify.code, verify.err).toBe(0);
    });

    it('override: passes a block within scope; "cannot evaluate" only with its own flag', async () => {
      const audit = auditLog();
      const base = ['--profile', 'runtime-v1', '--audit-log', audit, '--actor', 'bob', '--reason', 'incident 42 fix', '--ticket', 'INC-42', '--objective', '*', '--at', String(END - 60), '--expires', '1h'];
      expect((await cli(['override', ...base, '--selector', 'scenario=critical', '--model', 'gpt-x'])).code).toBe(0);
      expect((await gate('runtime-v1', 'critical', [], audit)).run.code).toBe(1); // model out of scope
      // --model filters the model-scoped objective (model_fallback_rate): gpt-x has no traffic of its own → fails closed.
      const withModel = await gate('runtime-v1', 'critical', ['--model', 'gpt-x'], audit);
      expect(withModel.run.code).toBe(3);
      expect(obj(withModel.report, 'model_fallback_rate').status).toBe('cannot_evaluate');
      expect(chk(obj(withModel.report, 'model_fallback_rate'), 'gate').queries[0]?.expr).toContain('gen_ai_request_model="gpt-x"');
      expect(obj(withModel.report, 'tool_success_rate').status).toBe('pass');
      expect(obj(withModel.report, 'tool_success_rate').underlyingStatus).toBe('blocked');
      expect((await cli(['override', ...base, '--selector', 'scenario=critical'])).code).toBe(0);
      const inScope = await gate('runtime-v1', 'critical', [], audit);
      expect(inScope.run.code, inScope.run.err).toBe(0);
      expect(inScope.report.underlyingVerdict).toBe('blocked');
      expect((await cli(['override', ...base, '--selector', 'scenario=short'])).code).toBe(0);
      expect((await gate('runtime-v1', 'short', [], audit)).run.code).toBe(3);
      expect((await cli(['override', ...base, '--selector', 'scenario=short', '--allow-cannot-evaluate'])).code).toBe(0);
      const passed = await gate('runtime-v1', 'short', [], audit);
      expect(passed.run.code).toBe(0);
      expect(passed.report.underlyingVerdict).toBe('cannot_evaluate');
      const log = (await readFile(audit, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
      expect(log.map((r) => r.type)).toEqual(['override', 'evaluation', 'evaluation', 'override', 'evaluation', 'override', 'evaluation', 'override', 'evaluation']);
      expect(log[8]?.data).toMatchObject({ verdict: 'pass', underlyingVerdict: 'cannot_evaluate' });
    });
  });

  describe('kokino (budgets, single thresholds)', () => {
    function kokinoExpected(h: ScenarioHistory): { availability7d: { good: number; total: number }; budget30d: { bad: number; total: number } } {
      const s = { scenario: h.name };
      const good = counterSum(h, C.executions_completed.metric, labelsFor(C.executions_completed.matchers, s), AT, 7 * DAY);
      const total = counterSum(h, C.executions.metric, s, AT, 7 * DAY);
      const bad30 = counterSum(h, C.executions_failed.metric, labelsFor(C.executions_failed.matchers, s), AT, 30 * DAY);
      const total30 = counterSum(h, C.executions.metric, s, AT, 30 * DAY);
      return { availability7d: { good, total }, budget30d: { bad: bad30, total: total30 } };
    }

    it('healthy → pass; budgets partly consumed, values equal the generated counts', async () => {
      const { run, report } = await gate('kokino', 'k-healthy');
      expect(run.code, run.err).toBe(0);
      expect(report.objectives.map((o) => o.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
      const exp = kokinoExpected(histories.get('k-healthy')!);
      const av = obj(report, 'availability');
      expectComponents(chk(av, 'gate'), exp.availability7d);
      expectComponents(chk(av, 'budget'), exp.budget30d);
      expect(chk(av, 'budget').consumed as number).toBeCloseTo(exp.budget30d.bad / exp.budget30d.total / 0.005, 9);
      const mem = obj(report, 'memory_per_execution');
      expect(mem.value as number).toBeCloseTo(300, 9);
      expect(chk(mem, 'budget').consumed as number).toBeCloseTo(0.5, 9);
      expect(chk(obj(report, 'latency_p95'), 'budget').consumed as number).toBeCloseTo(0.3, 9);
      expect(chk(obj(report, 'shadow_correctness'), 'budget').consumed as number).toBeCloseTo(0.4, 9);
      expect(obj(report, 'data_integrity').value).toBe(0);
    });

    it('budget exhausted → blocked (freeze); --hotfix passes it and the audit log records it', async () => {
      const audit = auditLog();
      const { run, report } = await gate('kokino', 'k-budget', [], audit);
      expect(run.code).toBe(1);
      const av = obj(report, 'availability');
      expect(chk(av, 'gate').status).toBe('pass');
      const budget = chk(av, 'budget');
      expect(budget.status).toBe('blocked');
      expect(budget.freeze).toBe(true);
      expect(budget.reason).toMatch(/error budget exhausted over 30d: 120\.00% consumed .* deployments frozen: only a change marked --hotfix passes/);
      const exp = kokinoExpected(histories.get('k-budget')!);
      expectComponents(budget, exp.budget30d);
      expect(budget.consumed as number).toBeCloseTo(exp.budget30d.bad / exp.budget30d.total / 0.005, 9);
      // An override does not pass a freeze.
      expect((await cli(['override', '--profile', 'kokino', '--selector', 'scenario=k-budget', '--audit-log', audit, '--actor', 'x', '--reason', 'y', '--ticket', 'z', '--objective', '*', '--at', String(END - 60), '--expires', '1h'])).code).toBe(0);
      expect((await gate('kokino', 'k-budget', [], audit)).run.code).toBe(1);
      const hot = await gate('kokino', 'k-budget', ['--hotfix'], audit);
      expect(hot.run.code, hot.run.err).toBe(0);
      expect(hot.report.underlyingVerdict).toBe('blocked');
      expect(chk(obj(hot.report, 'availability'), 'budget').reason).toMatch(/freeze passed by --hotfix/);
      const last = JSON.parse((await readFile(audit, 'utf8')).trim().split('\n').pop() ?? '{}') as { type: string; data: Record<string, unknown> };
      expect(last.type).toBe('evaluation');
      expect(last.data).toMatchObject({ hotfix: true, hotfixUsed: true, verdict: 'pass', underlyingVerdict: 'blocked' });
    });

    it('critical → blocked, and --hotfix does not pass a critical breach', async () => {
      const { run, report } = await gate('kokino', 'k-critical', ['--hotfix']);
      expect(run.code).toBe(1);
      const av = obj(report, 'availability');
      expect(chk(av, 'gate').reason).toMatch(/critical breached over 7d: observed 98\.50% < critical 99%/);
      expectComponents(chk(av, 'gate'), kokinoExpected(histories.get('k-critical')!).availability7d);
      expect(chk(av, 'budget').status).toBe('pass');
    });

    it('no data → cannot evaluate (exit 3); the optional shadow objective is not active, the others fail closed', async () => {
      const { run, report } = await gate('kokino', 'k-nodata');
      expect(run.code).toBe(3);
      expect(obj(report, 'shadow_correctness').status).toBe('not_active');
      for (const o of report.objectives.filter((x) => x.name !== 'shadow_correctness')) expect(o.status).toBe('cannot_evaluate');
    });

    it('shadow mode off → shadow_correctness "not active" (visible line), the rest pass', async () => {
      const { run, report } = await gate('kokino', 'k-shadowoff');
      expect(run.code, run.err).toBe(0);
      const shadow = obj(report, 'shadow_correctness');
      expect(shadow.status).toBe('not_active');
      expect(shadow.reasons[0]).toMatch(/^not active: no total events over 7d/);
      const text = await cli(['gate', '--profile', 'kokino', '--prometheus-url', prom.url, '--selector', 'scenario=k-shadowoff', '--at', String(AT), '--audit-log', auditLog()]);
      expect(text.code).toBe(0);
      expect(text.out).toMatch(/- shadow_correctness: not active — not active: no total events over 7d/);
    });
  });
});
