/**
 * One definition of a recorded count (src/sli/recorded.ts): the gate's recorded queries are the very expressions the
 * generated rules record, for every objective, window and component of both shipped profiles; the error budget is
 * read from the components the rules record for it; and the source decision follows the recorded coverage
 * (evaluations × rule interval) per span, with raw probes only where the recorded series fall short.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPONENT_BUCKETS } from '../../src/conventions.js';
import { countAt, objectiveComponents } from '../../src/generate/components.js';
import { sliExpr } from '../../src/generate/prometheus/recording.js';
import { evaluatePlan } from '../../src/gate/evaluate.js';
import { planGate, recordedComponentExpr } from '../../src/gate/queries.js';
import type { PrometheusClient } from '../../src/prometheus/client.js';
import { RECORDED_GAP_AT_START, recordedCountsExpr, recordedCoverageSeconds, recordedRange, ruleIntervalSeconds } from '../../src/sli/recorded.js';
import type { ComponentName } from '../../src/sli/queries.js';
import { loadProfile } from '../../src/profile/load.js';
import type { Profile } from '../../src/profile/model.js';

const AT = 1_750_000_000;
let profiles: Profile[];

beforeAll(async () => {
  profiles = await Promise.all(['runtime-v1', 'kokino'].map((p) => loadProfile(new URL(`../../profiles/${p}.yaml`, import.meta.url).pathname)));
});

describe('recorded counts: one definition for the rules and the gate', () => {
  it('every recorded component query of the gate is the rules’ own count expression (countAt)', () => {
    let compared = 0;
    for (const profile of profiles) {
      const plan = planGate(profile, { at: AT });
      for (const o of plan.objectives) {
        const c = objectiveComponents(profile, o.objective);
        for (const w of [o.gate, ...o.consecutive]) {
          if (w.windowSeconds <= 300) {
            // The rules read windows up to their 5m short window from raw series; so does the gate.
            expect(w.recorded, o.objective.name).toBeUndefined();
            expect(countAt(c, c.total, w.windowSeconds)).not.toContain('agent_slo:');
            continue;
          }
          expect(w.recorded, o.objective.name).toBeDefined();
          for (const [name, q] of Object.entries(w.recorded ?? {})) {
            const what = `${profile.name}/${o.objective.name}/${name}/${w.windowSeconds}`;
            // The rules' count of this component …
            const rules = countAt(c, name, w.windowSeconds);
            expect(recordedComponentExpr(profile, o.objective, name as ComponentName, w.windowSeconds), what).toBe(rules);
            // … is read from the profile-wide query (one per interval, window and end) as its own series, over the
            // same range and times the same interval.
            expect(q?.expr, what).toBe(recordedCountsExpr(profile.name, ruleIntervalSeconds(o.objective), w.windowSeconds));
            expect(q?.pick, what).toEqual({ slo_objective: o.objective.name, slo_component: name });
            const range = `[${recordedRange(w.windowSeconds)}]`;
            const times = ` * ${String(ruleIntervalSeconds(o.objective))}`;
            for (const part of [range, times, 'sum_over_time(agent_slo:component:rate5m{slo_profile="' + profile.name + '"']) {
              expect(rules.replace(/,slo_objective="[^"]*",slo_component="[^"]*"/, ''), what).toContain(part);
              expect(q?.expr.replace(`,slo_component!="${COMPONENT_BUCKETS}"`, ''), what).toContain(part);
            }
            compared++;
          }
          if (o.objective.sli.kind === 'quantile') {
            // The display value from recorded buckets is the SLI the rules record for that window.
            expect(w.recordedDisplay?.expr).toBe(sliExpr(c, w.windowSeconds));
            expect(w.recordedDisplay?.expr).toContain(countAt(c, COMPONENT_BUCKETS, w.windowSeconds));
          } else {
            expect(w.recordedDisplay).toBeUndefined();
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(40);
  });

  it('the error budget is read from the components the rules record for it', () => {
    let budgets = 0;
    for (const profile of profiles) {
      for (const o of profile.objectives) {
        const rules = objectiveComponents(profile, o).budget;
        expect(rules === undefined, `${profile.name}/${o.name}`).toBe(o.errorBudget === undefined);
        if (rules === undefined) continue;
        budgets++;
        for (const name of [rules.bad, rules.good, rules.total]) if (name !== undefined) expect(objectiveComponents(profile, o).components.map((x) => x.name)).toContain(name);
        const plan = planGate(profile, { at: AT, objectives: [o.name] }).objectives[0]!;
        const c = objectiveComponents(profile, o);
        const w = o.errorBudget!.windowSeconds;
        expect(plan.budget?.recorded?.total.expr).toBe(countAt(c, rules.total, w));
        if (rules.bad !== undefined) expect(plan.budget?.recorded?.bad.expr).toBe(countAt(c, rules.bad, w));
        else expect(plan.budget?.recorded?.bad.expr).toContain(countAt(c, rules.good!, w));
      }
    }
    expect(budgets).toBeGreaterThan(0);
  });

  it('recorded ranges are W − 1s and coverage is evaluations × interval, capped at the window', () => {
    expect(recordedRange(7 * 86_400)).toBe('6d23h59m59s');
    expect(recordedRange(300)).toBe('4m59s');
    const o = profiles[0]!.objectives[0]!;
    expect(ruleIntervalSeconds(o)).toBe(300);
    expect(recordedCoverageSeconds(o, 2016, 7 * 86_400)).toBe(7 * 86_400);
    expect(recordedCoverageSeconds(o, 2017, 7 * 86_400)).toBe(7 * 86_400);
    expect(recordedCoverageSeconds(o, 1944, 7 * 86_400)).toBe(162 * 3600);
    expect(recordedCoverageSeconds(o, 0, 7 * 86_400)).toBe(0);
  });
});

describe('source decision per span (fake client: which queries are sent)', () => {
  /** Answers recorded sample counts from `recordedSamples(span)`, and 1 for everything else. */
  function client(recordedSamples: (expr: string) => number | undefined, sent: string[]): PrometheusClient {
    const objectives = profiles.flatMap((p) => p.objectives.map((o) => o.name));
    const instantQuery = (expr: string): Promise<unknown> => {
      sent.push(expr);
      if (!expr.startsWith('max by (slo_objective) (count_over_time(agent_slo:component:rate5m')) {
        return Promise.resolve({ resultType: 'vector', result: [{ labels: {}, timestamp: AT, value: 1 }], warnings: [], infos: [] });
      }
      const n = recordedSamples(expr);
      const result = n === undefined ? [] : objectives.map((o) => ({ labels: { slo_objective: o }, timestamp: AT, value: n }));
      return Promise.resolve({ resultType: 'vector', result, warnings: [], infos: [] });
    };
    return { url: 'http://fake', instantQuery } as unknown as PrometheusClient;
  }

  it('recorded series covering every span: no raw query at all, not even a coverage probe', async () => {
    const profile = profiles[0]!;
    const sent: string[] = [];
    const { observations } = await evaluatePlan(client(() => 5000, sent), planGate(profile, { at: AT }));
    for (const o of observations) {
      expect(o.source).toBe('recorded');
      expect(o.sourceNote).toBe('recorded series cover 7d, 3d');
      expect(o.coverage.every((c) => c.source === 'recorded')).toBe(true);
    }
    for (const q of sent) expect(q).toMatch(/agent_slo:component:rate5m/);
  });

  it('recorded series shorter than the gate window: that window and its coverage probe go raw, the rest stays recorded', async () => {
    const profile = profiles[0]!;
    const sent: string[] = [];
    // 3 days of recorded evaluations at 5m: the 3d consecutive span is covered, the 7d gate window is not.
    const { observations } = await evaluatePlan(client(() => 864, sent), planGate(profile, { at: AT }));
    for (const o of observations) {
      expect(o.source).toBe('raw');
      expect(o.sourceNote).toBe('gate window 7d: raw (recorded series cover only 3d of 7d); 3 consecutive 24h windows: recorded');
      expect(o.gate.source).toBe('raw');
      expect(o.consecutive.every((w) => w.source === 'recorded')).toBe(true);
      expect(o.coverage.map((c) => [c.plan.seconds, c.source])).toEqual([
        [3 * 86_400, 'recorded'],
        [7 * 86_400, 'raw'],
      ]);
    }
    expect(sent.some((q) => !q.includes('agent_slo:'))).toBe(true);
  });

  it('a gap marker at the start of the gate window: that window goes raw, and the report says why', async () => {
    const profile = profiles[0]!;
    const sent: string[] = [];
    // Full recorded history, but the 7d probe answers RECORDED_GAP_AT_START (a time:from older than the window start).
    const { observations } = await evaluatePlan(client((q) => (q.includes(`[${recordedRange(7 * 86_400)}]`) ? RECORDED_GAP_AT_START : 5000), sent), planGate(profile, { at: AT }));
    for (const o of observations) {
      expect(o.gate.source).toBe('raw');
      expect(o.consecutive.every((w) => w.source === 'recorded')).toBe(true);
      expect(o.sourceNote).toMatch(/^gate window 7d: raw \(recorded series could not be checked over 7d: a gap in the objective's data straddles the window start.*time:from\)\); 3 consecutive 24h windows: recorded$/);
    }
  });

  it('a budget window longer than the recorded history is read raw and said so; kokino budgets read recorded when covered', async () => {
    const kokino = profiles[1]!;
    const withBudget = kokino.objectives.filter((o) => o.errorBudget !== undefined).map((o) => o.name);
    expect(withBudget.length).toBeGreaterThan(0);
    const plan = planGate(kokino, { at: AT, objectives: withBudget });
    // 8 days of evaluations: 7d and 3×alert spans covered, 30d budget not.
    const short = await evaluatePlan(client((e) => (e.includes('[29d') ? undefined : 1e6), []), plan);
    for (const o of short.observations) {
      expect(o.source).toBe('recorded');
      expect(o.budget?.source).toBe('raw');
      expect(o.sourceNote).toMatch(/error budget 30d: raw \(no recorded series within 30d/);
    }
    const full = await evaluatePlan(client(() => 1e6, []), plan);
    for (const o of full.observations) {
      expect(o.budget?.source).toBe('recorded');
      expect(o.sourceNote).toMatch(/^recorded series cover 7d, (3h, |3d, )?30d(; 3 consecutive 5m windows read raw series, as the rules do)?$/);
    }
  });
});
