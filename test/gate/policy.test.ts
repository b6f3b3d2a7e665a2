/**
 * Pure policy and decision rules on synthetic observations (no Prometheus): edge cases the scenario histories do
 * not reach, plus the report formats (JSON schema, JUnit parsing, Markdown snapshot).
 */
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { parse as parseJunit } from 'junit2json';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyDecisions, type Decision, whyNotApplicable } from '../../src/gate/decisions.js';
import type { ObjectiveObservation, QueryResult, WindowObservation } from '../../src/gate/observations.js';
import { decide, overall, worst } from '../../src/gate/policy.js';
import { planGate, type GatePlan, type WindowPlan } from '../../src/gate/queries.js';
import { renderJson } from '../../src/gate/report/json.js';
import { renderJunit } from '../../src/gate/report/junit.js';
import { renderMarkdown } from '../../src/gate/report/markdown.js';
import { GATE_REPORT_SCHEMA, type GateReport, reportObjective, VERDICT_EXIT } from '../../src/gate/report/model.js';
import { renderText } from '../../src/gate/report/text.js';
import type { ComponentName } from '../../src/sli/queries.js';
import { loadProfile } from '../../src/profile/load.js';
import type { Profile } from '../../src/profile/model.js';

const AT = 1_750_000_000;
let runtime: Profile;
let kokino: Profile;

beforeAll(async () => {
  runtime = await loadProfile(new URL('../../profiles/runtime-v1.yaml', import.meta.url).pathname);
  kokino = await loadProfile(new URL('../../profiles/kokino.yaml', import.meta.url).pathname);
});

type Values = (objective: string, w: WindowPlan, component: ComponentName) => QueryResult;

const ok = (value: number | undefined): QueryResult => ({ status: 'ok', value });

/** Healthy component counts for every runtime-v1/kokino objective. */
const healthy: Values = (_o, _w, c) => {
  const table: Partial<Record<string, number>> = { good: 990, bad: 2, total: 1000, value: 5, events: 100, count: 1000, sum: 3e11, 'le:8000': 990, 'le:10000': 995, 'le:15000': 999, 'le:30': 980, 'le:60': 999, population: 100 };
  return ok(c === 'bad' ? 0 : table[c]);
};

function observe(plan: GatePlan, values: Values, budget?: (o: string) => { bad: QueryResult; total: QueryResult }): ObjectiveObservation[] {
  return plan.objectives.map((o) => {
    const win = (w: WindowPlan): WindowObservation => ({
      plan: w,
      source: 'raw',
      components: Object.fromEntries(Object.keys(w.raw).map((c) => [c, values(o.objective.name, w, c as ComponentName)])),
    });
    return {
      plan: o,
      source: 'raw',
      sourceNote: 'raw expressions (test)',
      coverage: o.coverage.map((c) => ({ plan: c, source: 'raw' as const, query: c.raw!, result: ok(1) })),
      gate: win(o.gate),
      consecutive: o.consecutive.map(win),
      ...(o.budget !== undefined ? { budget: budget?.(o.objective.name) ?? { bad: ok(1), total: ok(1000) } } : {}),
    };
  });
}

function only(name: string, v: Values): Values {
  return (o, w, c) => (o === name ? v(o, w, c) : healthy(o, w, c));
}

describe('gate policy (pure)', () => {
  it('orders verdicts blocked > cannot evaluate > approval required > pass', () => {
    expect(worst(['pass', 'approval_required'])).toBe('approval_required');
    expect(worst(['approval_required', 'cannot_evaluate'])).toBe('cannot_evaluate');
    expect(worst(['cannot_evaluate', 'blocked', 'pass'])).toBe('blocked');
    expect(overall([]).verdict).toBe('cannot_evaluate');
  });

  it('healthy observations pass', () => {
    const r = decide({ profile: runtime, hotfix: false }, observe(planGate(runtime, { at: AT }), healthy));
    expect(r.verdict).toBe('pass');
  });

  it('cost > 0 with zero successful tasks is +Inf: a critical breach (blocked), not "cannot evaluate"', () => {
    const values = only('cost_per_successful_task', (_o, _w, c) => ok(c === 'value' ? 12 : undefined));
    const r = decide({ profile: runtime, hotfix: false }, observe(planGate(runtime, { at: AT }), values));
    const cost = r.objectives.find((o) => o.name === 'cost_per_successful_task')!;
    expect(cost.status).toBe('blocked');
    expect(cost.value).toBe(Infinity);
    expect(cost.reasons[0]).toMatch(/observed \+Inf > critical 0\.2/);
  });

  it('a missing bad series counts as 0 while its total exists; zero total is no data', () => {
    const missingBad = only('escalation_rate', (_o, _w, c) => ok(c === 'total' ? 500 : undefined));
    const a = decide({ profile: runtime, hotfix: false }, observe(planGate(runtime, { at: AT }), missingBad));
    expect(a.objectives.find((o) => o.name === 'escalation_rate')?.value).toBe(0);
    expect(a.verdict).toBe('pass');
    const zero = only('escalation_rate', (_o, _w, c) => ok(c === 'total' ? 0 : 0));
    const b = decide({ profile: runtime, hotfix: false }, observe(planGate(runtime, { at: AT }), zero));
    expect(b.verdict).toBe('cannot_evaluate');
    expect(b.reasons.join('\n')).toMatch(/escalation_rate: no data over the 7d gate window: zero events/);
  });

  it('NaN or ±Inf components and query errors fail closed', () => {
    for (const bad of [ok(Number.NaN), ok(Infinity), ok(-Infinity), { status: 'error', reason: 'boom' } as QueryResult]) {
      const values = only('tool_success_rate', (_o, _w, c) => (c === 'total' ? bad : ok(990)));
      const r = decide({ profile: runtime, hotfix: false }, observe(planGate(runtime, { at: AT }), values));
      expect(r.verdict).toBe('cannot_evaluate');
    }
  });

  it('quantile thresholds are decided from bucket fractions at the boundary (p95 > T ⇔ le(T)/count < 0.95)', () => {
    const at = (le10: number): Values =>
      only('response_latency_p95', (_o, _w, c) => ok(({ 'le:8000': 900, 'le:10000': le10, 'le:15000': 999, count: 1000 } as Record<string, number>)[c]));
    const exactly = decide({ profile: runtime, hotfix: false }, observe(planGate(runtime, { at: AT }), at(950)));
    const cons = exactly.objectives.find((o) => o.name === 'response_latency_p95')!.checks.find((c) => c.check === 'consecutive')!;
    expect(cons.windows?.every((w) => w.state === 'ok')).toBe(true); // 950/1000 = 0.95: p95 ≤ 10 s, not a warning
    const below = decide({ profile: runtime, hotfix: false }, observe(planGate(runtime, { at: AT }), at(949)));
    expect(below.objectives.find((o) => o.name === 'response_latency_p95')?.status).toBe('approval_required');
  });

  it('consecutive: a window without data that could extend a breach streak fails closed; after an ok window it does not matter', () => {
    const streak = (states: ('breach' | 'ok' | 'none')[]): Values =>
      only('tool_success_rate', (_o, w, c) => {
        if (w.check !== 'consecutive') return ok(c === 'good' ? 990 : 1000);
        const s = states[w.index];
        if (s === 'none') return ok(undefined);
        return ok(c === 'good' ? (s === 'breach' ? 960 : 990) : 1000);
      });
    const run = (states: ('breach' | 'ok' | 'none')[]) =>
      decide({ profile: runtime, hotfix: false }, observe(planGate(runtime, { at: AT }), streak(states))).objectives.find((o) => o.name === 'tool_success_rate')!;
    expect(run(['breach', 'breach', 'none']).status).toBe('cannot_evaluate');
    expect(run(['breach', 'breach', 'none']).reasons[0]).toMatch(/no data in the 24h window .* after 2 breaching window\(s\)/);
    expect(run(['ok', 'none', 'none']).status).toBe('pass');
    expect(run(['breach', 'breach', 'breach']).status).toBe('approval_required');
  });

  it('consecutive windows end at at − k × alert window', () => {
    const plan = planGate(runtime, { at: AT });
    expect(plan.objectives[0]?.consecutive.map((w) => [w.end, w.windowSeconds])).toEqual([
      [AT, 86_400],
      [AT - 86_400, 86_400],
      [AT - 2 * 86_400, 86_400],
    ]);
  });

  it('a histogram budget without the bucket at its threshold cannot be evaluated (named), never all bad; raw and recorded', () => {
    const plan = planGate(kokino, { at: AT });
    const latency = plan.objectives.find((o) => o.objective.name === 'latency_p95')!;
    expect(latency.budget?.bucket?.threshold).toBe(30);
    expect(latency.budget?.bucket?.good.expr).toContain('le=~');
    expect(latency.budget?.recorded?.good?.expr).toContain('slo_component="le:30"');
    for (const source of ['raw', 'recorded'] as const) {
      const run = (good: number | undefined) => {
        // bad = total − (good or 0): all 1000 events bad when the bucket is missing.
        const obs = observe(plan, healthy).map((o) =>
          o.plan.objective.name === 'latency_p95' ? { ...o, budget: { bad: ok(1000 - (good ?? 0)), total: ok(1000), good: ok(good), source } } : o,
        );
        return decide({ profile: kokino, hotfix: false }, obs).objectives.find((o) => o.name === 'latency_p95')!.checks.find((c) => c.check === 'budget')!;
      };
      const missing = run(undefined);
      expect(missing.status, source).toBe('cannot_evaluate');
      expect(missing.reason).toMatch(/^cannot evaluate the 30d error budget: missing histogram bucket: \S+ has no bucket at the threshold 30 s \(le="30"\)/);
      expect(missing.queries.map((q) => q.expr)).toContain(source === 'raw' ? latency.budget!.bucket!.good.expr : latency.budget!.recorded!.good!.expr);
      expect(run(990).status, source).toBe('pass');
    }
  });

  it('kokino: a critical breach in 3 consecutive alert windows counts as warning (no warning level); budget freeze and hotfix', () => {
    const plan = planGate(kokino, { at: AT });
    const exhausted = (o: string) => (o === 'availability' ? { bad: ok(60), total: ok(10_000) } : { bad: ok(1), total: ok(10_000) });
    const blocked = decide({ profile: kokino, hotfix: false }, observe(plan, healthy, exhausted));
    const av = blocked.objectives.find((o) => o.name === 'availability')!;
    expect(av.status).toBe('blocked');
    expect(av.checks.find((c) => c.check === 'budget')?.freeze).toBe(true);
    const hot = decide({ profile: kokino, hotfix: true }, observe(plan, healthy, exhausted));
    expect(hot.objectives.find((o) => o.name === 'availability')?.status).toBe('pass');
    expect(hot.objectives.find((o) => o.name === 'availability')?.underlyingStatus).toBe('blocked');
    const integrity = decide(
      { profile: kokino, hotfix: false },
      observe(plan, only('data_integrity', (_o, w, c) => ok(c === 'bad' ? (w.check === 'consecutive' ? 1 : 3) : 100))),
    ).objectives.find((o) => o.name === 'data_integrity')!;
    expect(integrity.checks.find((c) => c.check === 'consecutive')?.status).toBe('approval_required');
    expect(integrity.status).toBe('blocked');
  });
});

describe('decisions (pure)', () => {
  const base: Decision = {
    kind: 'approval',
    id: 'apr-1',
    actor: 'alice',
    reason: 'r',
    ticket: 'T-1',
    effectiveFrom: new Date((AT - 60) * 1000).toISOString(),
    expiresAt: new Date((AT + 60) * 1000).toISOString(),
    scope: { profile: 'runtime-v1', objectives: ['tool_success_rate'], selector: ['env=prod'] },
  };
  const ctx = { profile: 'runtime-v1', selector: ['env=prod'], at: AT };

  it('applies only in scope and within [effectiveFrom, expiresAt)', () => {
    expect(whyNotApplicable(base, 'tool_success_rate', ctx)).toBeUndefined();
    expect(whyNotApplicable(base, 'escalation_rate', ctx)).toMatch(/scoped to objectives/);
    expect(whyNotApplicable(base, 'tool_success_rate', { ...ctx, profile: 'kokino' })).toMatch(/profile/);
    expect(whyNotApplicable(base, 'tool_success_rate', { ...ctx, model: 'm' })).toMatch(/model/);
    expect(whyNotApplicable(base, 'tool_success_rate', { ...ctx, selector: [] })).toMatch(/selector/);
    expect(whyNotApplicable(base, 'tool_success_rate', { ...ctx, at: AT + 60 })).toMatch(/expired/);
    expect(whyNotApplicable(base, 'tool_success_rate', { ...ctx, at: AT - 61 })).toMatch(/not yet effective/);
    expect(whyNotApplicable({ ...base, scope: { ...base.scope, objectives: ['*'] } }, 'escalation_rate', ctx)).toBeUndefined();
  });

  it('approval passes approval-required only; override passes blocked; cannot-evaluate needs allowCannotEvaluate', () => {
    const plan = planGate(runtime, { at: AT });
    const warn: Values = only('tool_success_rate', (_o, w, c) => ok(c === 'good' ? (w.check === 'consecutive' ? 960 : 990) : 1000));
    const crit: Values = only('tool_success_rate', (_o, _w, c) => ok(c === 'good' ? 900 : 1000));
    const none: Values = only('tool_success_rate', () => ok(undefined));
    const status = (v: Values, d: Decision): string => {
      const r = decide({ profile: runtime, hotfix: false }, observe(plan, v));
      return applyDecisions(r.objectives, [d], ctx).find((o) => o.name === 'tool_success_rate')!.status;
    };
    expect(status(warn, base)).toBe('pass');
    expect(status(crit, base)).toBe('blocked');
    const override: Decision = { ...base, kind: 'override', id: 'ovr-1' };
    expect(status(crit, override)).toBe('pass');
    expect(status(none, override)).toBe('cannot_evaluate');
    expect(status(none, { ...override, allowCannotEvaluate: true })).toBe('pass');
  });
});

function fixtureReport(): GateReport {
  const plan = planGate(runtime, { at: AT, selector: [{ label: 'env', op: '=', value: 'prod' }] });
  const values: Values = (o, w, c) => {
    if (o === 'tool_success_rate') return ok(c === 'good' ? (w.check === 'consecutive' ? 960 : 985) : 1000);
    if (o === 'cost_per_successful_task') return ok(c === 'value' ? 3 : undefined);
    if (o === 'escalation_rate') return { status: 'error', reason: 'the query timed out on the server (timeout): query timed out in expression evaluation' };
    return healthy(o, w, c);
  };
  const r = decide({ profile: runtime, hotfix: false }, observe(plan, values));
  const decisions: Decision[] = [
    {
      kind: 'approval',
      id: 'apr-0a1b2c3d',
      actor: 'alice <alice@example.com>',
      reason: 'tool flakiness understood | tracked',
      ticket: 'REL-7',
      effectiveFrom: '2025-06-15T00:00:00.000Z',
      expiresAt: '2025-06-16T00:00:00.000Z',
      scope: { profile: 'runtime-v1', objectives: ['tool_success_rate'], selector: ['env=prod'] },
    },
  ];
  const decided = applyDecisions(r.objectives, decisions, { profile: 'runtime-v1', selector: ['env=prod'], at: AT });
  const { verdict, reasons } = overall(decided);
  return {
    schema: GATE_REPORT_SCHEMA,
    tool: { name: 'agent-slo', version: '0.1.0' },
    profile: { name: runtime.name, title: runtime.title, files: ['profiles/runtime-v1.yaml'] },
    prometheus: { url: 'http://prometheus:9090' },
    at: new Date(AT * 1000).toISOString(),
    atUnix: AT,
    selector: ['env=prod'],
    model: null,
    hotfix: false,
    verdict,
    underlyingVerdict: overall(decided.map((o) => ({ ...o, status: o.underlyingStatus }))).verdict,
    exitCode: VERDICT_EXIT[verdict],
    reasons,
    objectives: decided.map(reportObjective),
    audit: { log: '.agent-slo/audit.jsonl', recordId: 'evl-12345678', seq: 9, note: null },
    stats: { queries: 42, durationMs: 123 },
  };
}

describe('gate report formats', () => {
  it('JSON validates against docs/gate-report.schema.json (and non-finite values use Prometheus spellings)', async () => {
    const schema = JSON.parse(await readFile(new URL('../../docs/gate-report.schema.json', import.meta.url), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: true });
    ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    const validate = ajv.compile(schema);
    const report = JSON.parse(renderJson(fixtureReport())) as GateReport;
    expect(validate(report), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(report.verdict).toBe('blocked');
    expect(report.objectives.find((o) => o.name === 'cost_per_successful_task')?.value).toBe('+Inf');
    // The schema is strict: unknown fields and wrong verdicts are rejected.
    expect(validate({ ...report, extra: 1 })).toBe(false);
    expect(validate({ ...report, verdict: 'ok' })).toBe(false);
  });

  it('JUnit parses with a JUnit parser: one test case per objective and check, failures/errors/skips counted', async () => {
    const report = fixtureReport();
    const parsed = await parseJunit(renderJunit(report));
    const suites = parsed as { testsuite?: { tests?: number; failures?: number; errors?: number; testcase?: { name?: string; failure?: unknown[]; error?: unknown[] }[] }[] };
    const suite = suites.testsuite?.[0];
    const cases = suite?.testcase ?? [];
    expect(cases.length).toBe(report.objectives.reduce((n, o) => n + o.checks.length, 0));
    expect(suite?.tests).toBe(cases.length);
    expect(cases.map((c) => c.name)).toContain('tool_success_rate consecutive 24h');
    expect(suite?.failures).toBe(cases.filter((c) => c.failure !== undefined).length);
    expect(suite?.errors).toBe(cases.filter((c) => c.error !== undefined).length);
    expect(cases.find((c) => c.name === 'cost_per_successful_task gate 7d')?.failure).toHaveLength(1);
    expect(cases.find((c) => c.name === 'escalation_rate gate 7d')?.error).toHaveLength(1);
  });

  it('Markdown and text match their snapshots', async () => {
    const report = fixtureReport();
    await expect(renderMarkdown(report)).toMatchFileSnapshot('./__snapshots__/gate-report.md');
    await expect(renderText(report)).toMatchFileSnapshot('./__snapshots__/gate-report.txt');
  });
});
