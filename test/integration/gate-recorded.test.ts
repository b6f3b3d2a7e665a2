/**
 * The gate reading recorded series (issue 6: "reads the recorded series from the generated rules where they cover
 * the whole window; where they do not … it evaluates the equivalent raw expression for that window and says so").
 *
 * A real Prometheus 2.42 holds the named runtime-v1 scenario (8 days of raw samples) and the recorded series of the
 * generated rules, backfilled level by level with `promtool tsdb create-blocks-from rules` (src/backfill/
 * import-rules.ts) from 7d 6h before the end. At the end the recorded series cover every span: the gate reports
 * "recorded" and must give exactly the verdicts of `--raw` and values within the rules' promise (0.1 percentage
 * point for ratios). 12 hours earlier they cover only 162h (6d18h) of the 7d gate window: the gate window is evaluated raw
 * and the report says "raw (recorded series cover only …)", while the consecutive 24h windows still read recorded
 * series. The recorded value is the exact sum of the recorded rates; the rules' own agent_slo:sli{slo_window="7d"} (read
 * from the hourly roll-up) agrees with it within the same promise.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillRecordingRules, type RuleBackfillOptions, type RuleLevelResult } from '../../src/backfill/import-rules.js';
import { importHistory } from '../../src/backfill/import.js';
import { RECORD_SLI } from '../../src/conventions.js';
import { objectiveComponents } from '../../src/generate/components.js';
import { profileRuleGroups } from '../../src/generate/prometheus/rules.js';
import { sliExpr } from '../../src/generate/prometheus/recording.js';
import type { GateReport, ReportObjective } from '../../src/gate/report/model.js';
import { loadProfile } from '../../src/profile/load.js';
import type { Profile } from '../../src/profile/model.js';
import { ruleIntervalSeconds } from '../../src/sli/recorded.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { runCliInProcess, type InProcessRun } from '../harness/cli.js';

/**
 * Starts Prometheus on `dataDir` and backfills the profile's recording rules into it, restarting it after each level
 * so the next level reads the previous one. Returns the running server (stopped here if the backfill fails).
 */
async function backfilledPrometheus(
  dataDir: string,
  profile: Profile,
  opts: Pick<RuleBackfillOptions, 'startSeconds' | 'endSeconds' | 'higherLevels' | 'maxLevel'>,
): Promise<{ prom: RunningPrometheus; levels: RuleLevelResult[] }> {
  let prom = await startPrometheus({ dataDir });
  try {
    const levels = await backfillRecordingRules({
      ...opts,
      groups: profileRuleGroups(profile),
      prometheusUrl: () => prom.url,
      dataDir,
      reload: async () => {
        await prom.stop();
        prom = await startPrometheus({ dataDir });
      },
    });
    return { prom, levels };
  } catch (err) {
    await prom.stop();
    throw err;
  }
}

const DAY = 86_400;
const HOUR = 3_600;
/**
 * A day boundary at least a day ago: outside the head block, inside the launcher's 400d retention. Also a 2h block
 * boundary, where `promtool tsdb create-blocks-from rules` drops an evaluation in the last second before it unless
 * the rule-file path gives the group a phase outside that second (src/backfill/group-phase.ts): with a phase there,
 * no recorded sample would lie within the lookback at the end, and one evaluation per 2h would be missing inside the
 * history (coverage short: raw). Both failures were seen in CI before the backfill picked its paths.
 */
const END = Math.floor(Date.now() / 1000 / DAY) * DAY - DAY;
/** Recorded series start 7d 6h before the end (the raw history starts 8d before it). */
const RECORDED_FROM = END - 7 * DAY - 6 * HOUR;
/** The rules' accuracy promise for ratio SLIs: 0.1 percentage point. */
const RATIO_TOLERANCE = 0.001;

type CliRun = InProcessRun;
const cli = (args: string[]): Promise<CliRun> => runCliInProcess(args);

function obj(r: GateReport, name: string): ReportObjective {
  const o = r.objectives.find((x) => x.name === name);
  if (o === undefined) throw new Error(`no objective ${name} in the report`);
  return o;
}

/** Per-window values of an objective's consecutive check. */
function windowValues(o: ReportObjective): (number | string | null)[] {
  const c = o.checks.find((x) => x.check === 'consecutive');
  return (c?.windows ?? []).map((w) => w.value);
}

/**
 * Recorded vs raw for one objective's value: ratios within 0.1 percentage point; other units within 0.1 % of the
 * raw value (the same counts, so the same relative error as the ratio's parts); quantile display values (display
 * only: histogram_quantile interpolates inside one bucket) within 1 %; counts (zero tolerance) within 0.1 % of at least 1.
 */
function expectAgree(profile: Profile, name: string, recorded: number | string | null, raw: number | string | null, what: string): void {
  const o = profile.objectives.find((x) => x.name === name)!;
  expect(typeof recorded, `${what}: recorded ${String(recorded)}`).toBe('number');
  expect(typeof raw, `${what}: raw ${String(raw)}`).toBe('number');
  const a = recorded as number;
  const b = raw as number;
  if (o.unit === 'ratio') expect(Math.abs(a - b), `${what}: recorded ${a} vs raw ${b}`).toBeLessThanOrEqual(RATIO_TOLERANCE);
  else if (o.sli.kind === 'quantile') expect(Math.abs(a - b) / Math.abs(b), `${what}: recorded ${a} vs raw ${b}`).toBeLessThanOrEqual(0.01);
  // Counts (zero tolerance) may be 0: relative to at least one event.
  else expect(Math.abs(a - b) / Math.max(Math.abs(b), 1), `${what}: recorded ${a} vs raw ${b}`).toBeLessThanOrEqual(0.001);
}

describe('gate from recorded series (runtime-v1 on Prometheus 2.42, rules backfilled level by level)', () => {
  let work: string;
  let dataDir: string;
  let prom: RunningPrometheus | undefined;
  let profile: Profile;
  let levels: RuleLevelResult[];
  let auditN = 0;

  async function gate(at: number, extra: string[] = [], format = 'json'): Promise<{ run: CliRun; report?: GateReport }> {
    auditN++;
    const run = await cli(['gate', '--profile', 'runtime-v1', '--prometheus-url', prom!.url, '--at', String(at), '--format', format, '--audit-log', join(work, `audit-${auditN}.jsonl`), ...extra]);
    if (format !== 'json') return { run };
    return { run, report: JSON.parse(run.out) as GateReport };
  }

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'agent-slo-gate-recorded-'));
    dataDir = join(work, 'tsdb');
    profile = await loadProfile(new URL('../../profiles/runtime-v1.yaml', import.meta.url).pathname);
    const imported = await importHistory({ source: { scenario: 'runtime-v1-warning-streak', endSeconds: END }, dataDir });
    expect(imported.scenario?.startSeconds).toBe(END - 8 * DAY);
    ({ prom, levels } = await backfilledPrometheus(dataDir, profile, {
      startSeconds: RECORDED_FROM,
      endSeconds: END,
      // Levels 2+ (windowed counts, SLIs, state) only over the last hour: they are read here only at the end.
      higherLevels: { startSeconds: END - HOUR },
    }));
  }, 600_000);

  afterAll(async () => {
    await prom?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('backfilled the recorded component rates (level 1) and the windows built from them (level 2+)', () => {
    expect(levels.length).toBeGreaterThanOrEqual(2);
    expect(levels[0]!.records).toEqual(['agent_slo:component:rate5m']);
    expect(levels[0]!.startSeconds).toBe(RECORDED_FROM);
    for (const l of levels) expect(l.blocks, `level ${l.level}`).toBeGreaterThan(0);
    for (const o of profile.objectives) expect(ruleIntervalSeconds(o)).toBe(300); // 24h alert windows: 5m groups
  });

  it('at the end the recorded series cover every window: source "recorded", same verdicts as --raw, values within 0.1 pp', async () => {
    const [rec, raw] = await Promise.all([gate(END), gate(END, ['--raw'])]);
    const r = rec.report!;
    const w = raw.report!;
    // The scenario's own expectation: 3 consecutive 24h warning windows of the escalation rate.
    expect(w.verdict).toBe('approval_required');
    expect(rec.run.code, rec.run.err).toBe(2);
    expect(r.verdict).toBe(w.verdict);
    expect(r.underlyingVerdict).toBe(w.underlyingVerdict);
    for (const o of r.objectives) {
      const x = obj(w, o.name);
      expect(o.source, `${o.name}: ${o.sourceNote}`).toBe('recorded');
      expect(o.sourceNote).toMatch(/^recorded series cover 7d, 3d$/);
      expect(x.source).toBe('raw');
      expect(o.status, o.name).toBe(x.status);
      expect(o.checks.map((c) => [c.check, c.status]), o.name).toEqual(x.checks.map((c) => [c.check, c.status]));
      expectAgree(profile, o.name, o.value, x.value, `${o.name} 7d`);
      const rw = windowValues(o);
      const xw = windowValues(x);
      expect(rw).toHaveLength(3);
      rw.forEach((v, i) => expectAgree(profile, o.name, v, xw[i] ?? null, `${o.name} 24h window ${i}`));
      // The recorded path reads recorded series only: no raw metric name appears in its queries.
      for (const c of o.checks) for (const q of c.queries) expect(q.expr, `${o.name} ${c.check}`).toMatch(/agent_slo:component:rate5m/);
    }
    // The figures, for the record (BENCHMARKS.md / reports): value recorded vs raw per objective.
    console.info(r.objectives.map((o) => `${o.name}: recorded ${String(o.value)} vs raw ${String(obj(w, o.name).value)}; 24h windows ${windowValues(o).join(', ')} vs ${windowValues(obj(w, o.name)).join(', ')}`).join('\n'));
    const esc = obj(r, 'escalation_rate');
    expect(esc.status).toBe('approval_required');
    expect(esc.reasons.join('\n')).toMatch(/warning breached in 3 consecutive 24h windows/);
  });

  it('the gate value from recorded series is the exact sum of the recorded rates; the rules\' 7d (hourly roll-up) agrees within their promise', async () => {
    const query = async (expr: string, time: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
      const res = await fetch(`${prom!.url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: expr, time: String(time) }) });
      const body = (await res.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      expect(body.status).toBe('success');
      return body.data.result;
    };
    const sel = (o: string) => `${RECORD_SLI}{slo_profile="runtime-v1",slo_objective="${o}",slo_window="7d"}`;
    for (const o of profile.objectives) {
      // The last evaluation of the objective's rule group at or before the end (each group has its own phase).
      const stamps = await query(`timestamp(${sel(o.name)})`, END);
      expect(stamps, o.name).toHaveLength(1);
      const t = Number(stamps[0]!.value[1]);
      expect(t).toBeLessThanOrEqual(END);
      expect(t).toBeGreaterThan(END - ruleIntervalSeconds(o));
      const { report } = await gate(t);
      const got = obj(report!, o.name);
      expect(got.source).toBe('recorded');
      // The gate's value is the SLI over the exact sum of the recorded rates in the window (countAt; quantiles:
      // histogram_quantile over the recorded bucket rates, the gate's display value from recorded series) …
      const exact = await query(sliExpr(objectiveComponents(profile, o), 7 * DAY), t);
      expect(exact, `${o.name}: the exact recorded SLI at ${t}`).toHaveLength(1);
      expect(got.value as number, o.name).toBeCloseTo(Number(exact[0]!.value[1]), 9);
      // … while the rules count 7d from the hourly roll-up, which swaps at most an hour's slice at the window start
      // for the same slice of the last hour (docs/counting.md "Hourly roll-up"): within the rules' promise.
      const res = await query(sel(o.name), t);
      expect(res, `${o.name}: the rule evaluation at ${t}`).toHaveLength(1);
      expectAgree(profile, o.name, Number(res[0]!.value[1]), got.value, `${o.name} rules 7d (roll-up) vs gate`);
    }
  });

  it('12 hours earlier the recorded series cover only 162h (6d18h) of the 7d gate window: raw there, and the report says so', async () => {
    const at = END - 12 * HOUR;
    const [rec, raw] = await Promise.all([gate(at), gate(at, ['--raw'])]);
    const r = rec.report!;
    const w = raw.report!;
    expect(r.verdict).toBe(w.verdict);
    expect(rec.run.code).toBe(raw.run.code);
    for (const o of r.objectives) {
      const x = obj(w, o.name);
      expect(o.source, o.name).toBe('raw');
      expect(o.sourceNote, o.name).toMatch(/^gate window 7d: raw \(recorded series cover only 162h of 7d\); 3 consecutive 24h windows: recorded$/);
      expect(o.status, o.name).toBe(x.status);
      // The gate window ran the raw expression: its value is the raw one exactly.
      expect(o.value, o.name).toEqual(x.value);
      const gateCheck = o.checks.find((c) => c.check === 'gate')!;
      for (const q of gateCheck.queries) expect(q.expr).not.toMatch(/agent_slo:/);
      const rw = windowValues(o);
      const xw = windowValues(x);
      rw.forEach((v, i) => expectAgree(profile, o.name, v, xw[i] ?? null, `${o.name} 24h window ${i}`));
      const consecutive = o.checks.find((c) => c.check === 'consecutive')!;
      for (const q of consecutive.queries) expect(q.expr).toMatch(/agent_slo:component:rate5m/);
      // Coverage of the gate window was checked on raw history (the recorded series fall short there).
      const coverage = o.checks.find((c) => c.check === 'coverage')!;
      expect(coverage.status).toBe('pass');
    }
    const text = await gate(at, [], 'text');
    expect(text.run.out).toMatch(/tool_success_rate: source gate window 7d: raw \(recorded series cover only 162h of 7d\)/);
  });

  it('before the rules existed there is no recorded series at all: raw, never a pass on partial coverage', async () => {
    // 7d 6h before the end is where the recorded history begins; a day earlier nothing was recorded, and the raw
    // history (8 days) does not reach back a full 7d either: the gate cannot evaluate, it never passes.
    const at = RECORDED_FROM - 12 * HOUR;
    const { run, report } = await gate(at);
    expect(run.code).toBe(3);
    for (const o of report!.objectives) {
      expect(o.source).toBe('raw');
      expect(o.sourceNote).toMatch(/^raw \(no recorded series within 7d: rules added recently or history not backfilled\)$/);
      expect(o.status).toBe('cannot_evaluate');
    }
  });
});

describe('gate from recorded series (kokino on Prometheus 2.42: 1m and 5m groups, budgets longer than the recorded history)', () => {
  /** The rules were added 8 days before the end: gate (7d) and consecutive spans are covered, the 30d budget is not. */
  const FROM = END - 8 * DAY;
  let work: string;
  let prom: RunningPrometheus | undefined;
  let profile: Profile;
  let auditN = 0;

  async function gate(at: number, extra: string[] = []): Promise<{ run: CliRun; report: GateReport }> {
    auditN++;
    const run = await cli(['gate', '--profile', 'kokino', '--prometheus-url', prom!.url, '--at', String(at), '--format', 'json', '--audit-log', join(work, `audit-${auditN}.jsonl`), ...extra]);
    return { run, report: JSON.parse(run.out) as GateReport };
  }

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'agent-slo-gate-recorded-kokino-'));
    const dataDir = join(work, 'tsdb');
    profile = await loadProfile(new URL('../../profiles/kokino.yaml', import.meta.url).pathname);
    await importHistory({ source: { scenario: 'kokino-availability-incident', endSeconds: END }, dataDir });
    ({ prom } = await backfilledPrometheus(dataDir, profile, {
      startSeconds: FROM,
      endSeconds: END,
      maxLevel: 1, // the gate reads the component rates only
    }));
  }, 600_000);

  afterAll(async () => {
    await prom?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('at the end (blocked): same verdicts as --raw; recorded SLI windows, budgets raw and said so; values within 0.1 pp', async () => {
    const [rec, raw] = await Promise.all([gate(END), gate(END, ['--raw'])]);
    const r = rec.report;
    const w = raw.report;
    expect(w.verdict).toBe('blocked');
    expect(rec.run.code).toBe(1);
    expect(r.verdict).toBe(w.verdict);
    expect(r.underlyingVerdict).toBe(w.underlyingVerdict);
    const recorded: string[] = [];
    for (const o of r.objectives) {
      const x = obj(w, o.name);
      const spec = profile.objectives.find((s) => s.name === o.name)!;
      expect(o.status, o.name).toBe(x.status);
      expect(o.checks.map((c) => [c.check, c.status]), o.name).toEqual(x.checks.map((c) => [c.check, c.status]));
      if (o.status === 'not_active') continue;
      // The backfill keeps every evaluation (src/backfill/group-phase.ts), so the recorded series cover every span
      // the rules existed for: no objective may fall back to raw for its gate window.
      expect(o.source, `${o.name}: ${o.sourceNote}`).toBe('recorded');
      recorded.push(o.name);
      if (spec.errorBudget !== undefined) expect(o.sourceNote, o.name).toMatch(/error budget 30d: raw \(recorded series cover only 8d(1m|5m)? of 30d\)/);
      if (spec.windows.alert <= 300) expect(o.sourceNote, o.name).toMatch(/3 consecutive 5m windows read raw series, as the rules do/);
      if (o.value !== null && x.value !== null) expectAgree(profile, o.name, o.value, x.value, `${o.name} 7d`);
      else expect(o.value).toEqual(x.value);
      const budget = o.checks.find((c) => c.check === 'budget');
      // The budget ran the raw expressions: the same value as --raw, exactly.
      if (budget !== undefined) expect(budget.value, o.name).toEqual(x.checks.find((c) => c.check === 'budget')?.value);
    }
    expect(recorded).toEqual(expect.arrayContaining(['availability', 'latency_p95']));
    expect(recorded).toEqual(r.objectives.filter((o) => o.status !== 'not_active').map((o) => o.name));
    expect(obj(r, 'availability').status).toBe('blocked');
  });
});
