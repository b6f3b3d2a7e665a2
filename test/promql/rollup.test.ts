/**
 * The hourly roll-up of the generated rules (docs/counting.md "Hourly roll-up"): kokino availability's roll-up and
 * events rules, as generated, evaluated by promtool over 7 days and 3 hours of recorded 1m rates given as input (the
 * rate rule is not loaded: the roll-up is checked against its definition, not against increase()). Expected values
 * come from an independent model of the definition: Σ hourly samples in (t − W + 1h, t] + the rolling last hour.
 * Also: no event from before the window, at most one hour's events swapped against the exact sum, and a missed
 * evaluation at an hour boundary (the roll-up sample missing) is seen in the roll-up coverage.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { RECORD_COMPONENT_ROLLUP, RECORD_EVENTS } from '../../src/conventions.js';
import { renderRuleFile } from '../../src/generate/prometheus/rules-file.js';
import { profileRuleGroups } from '../../src/generate/prometheus/rules.js';
import { isAlertingRule, type RuleGroup } from '../../src/generate/prometheus/rule-types.js';
import { loadProfile } from '../../src/profile/load.js';
import { shippedProfilePath } from '../../src/profile/shipped.js';
import { rollupCoverageExpr } from '../../src/sli/recorded.js';
import { prometheusServers } from '../harness/prometheus-servers.js';
import { runPromtool } from '../harness/promtool.js';

const WEEK = 7 * 24 * 60; // minutes
const MONTH = 30 * 24 * 60;
const MINUTES = WEEK + 180;
const SEL = '{slo_profile="kokino",slo_objective="availability",slo_component="total"}';
const EVENTS = (w: string) => `${RECORD_EVENTS}{slo_profile="kokino",slo_objective="availability",slo_window="${w}"}`;

/** Recorded total rate (events per second) at minute i: a burst of 100/s in the first hour, then 1–5/s by hour. */
const rate = (i: number): number => (i < 60 ? 100 : 1 + (Math.floor(i / 60) % 5));
/** Events the rules count for the 1m sample at minute i (Σ rate × interval). */
const events = (i: number): number => (i >= 0 && i <= MINUTES ? rate(i) * 60 : 0);
const sum = (from: number, to: number, f: (i: number) => number): number => {
  let s = 0;
  for (let i = Math.max(0, from); i <= to; i++) s += f(i);
  return s;
};
/** The roll-up sample at minute h (a whole hour): the rates in (h − 60, h]. */
const hourly = (h: number): number => sum(h - 59, h, events);

/**
 * The definition, as the minutes whose rate samples are counted (a minute twice when counted twice): the hourly
 * samples h in (t − W + 60, t] (those present), each the minutes (h − 60, h], and the rolling last hour (t − 60, t].
 */
function countedMinutes(t: number, w: number, missing: ReadonlySet<number> = new Set()): number[] {
  const out: number[] = [];
  const span = (from: number, to: number) => {
    for (let i = Math.max(0, from); i <= Math.min(to, MINUTES); i++) out.push(i);
  };
  span(t - 59, t);
  for (let h = Math.floor(t / 60) * 60; h > t - w + 60 && h >= 0; h -= 60) if (!missing.has(h)) span(h - 59, h);
  return out;
}
const model = (t: number, w: number, missing?: ReadonlySet<number>): number => countedMinutes(t, w, missing).reduce((a, i) => a + events(i), 0);
/** The exact sum of the recorded rates over (t − W, t] (what the gate reads). */
const exact = (t: number, w: number): number => sum(t - w + 1, t, events);

let groups: RuleGroup;
let dir: string;
beforeAll(async () => {
  const kokino = await loadProfile(shippedProfilePath('kokino'), []);
  groups = profileRuleGroups(kokino).find((g) => g.name.endsWith(':availability'))!;
  dir = await mkdtemp(join(tmpdir(), 'agent-slo-rollup-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Eval times (minutes): on the roll-up hour, mid-hour, the minute before the next; the burst hour leaving the window. */
const TIMES = [WEEK + 30, WEEK + 60, WEEK + 90, WEEK + 119, WEEK + 150];

describe('the model of the roll-up count', () => {
  it('counts only minutes of the window, the last hour\'s slice at most twice, and swaps at most one hour of events against the exact sum', () => {
    const maxHour = Math.max(...Array.from({ length: MINUTES / 60 }, (_, k) => hourly(60 * (k + 1))));
    for (const t of TIMES) {
      const minutes = countedMinutes(t, WEEK);
      const seen = new Map<number, number>();
      for (const i of minutes) seen.set(i, (seen.get(i) ?? 0) + 1);
      for (const [i, n] of seen) {
        expect(i, `minute ${String(i)} at t = ${String(t)}`).toBeGreaterThan(t - WEEK);
        expect(i).toBeLessThanOrEqual(t);
        if (n > 1) expect(i, `minute ${String(i)} counted twice at t = ${String(t)}`).toBeGreaterThan(t - 60);
        expect(n).toBeLessThanOrEqual(2);
      }
      // The same number of samples as the exact window: the first slice is replaced by as long a slice of the last hour.
      expect(minutes).toHaveLength(WEEK);
      expect(Math.abs(model(t, WEEK) - exact(t, WEEK))).toBeLessThanOrEqual(maxHour);
    }
    // The burst (minutes 0–59) is inside the window at t = W + 30 but replaced by half of the last hour.
    expect(model(WEEK + 30, WEEK)).toBeLessThan(exact(WEEK + 30, WEEK));
    // On a roll-up hour the last hour is counted twice in place of the window's first hour.
    expect(model(WEEK + 60, WEEK) - exact(WEEK + 60, WEEK)).toBe(hourly(WEEK + 60) - hourly(120));
  });
});

const servers = await prometheusServers('the hourly roll-up evaluated by promtool');

describe.each(servers)('the hourly roll-up of the generated rules, promtool of $label', (server) => {
  async function promtoolTest(name: string, rules: RuleGroup, inputs: { series: string; values: string }[], tests: object[]): Promise<{ code: number; out: string }> {
    const ruleFile = join(dir, `${name}-${String(server.major)}.rules.yaml`);
    await writeFile(ruleFile, renderRuleFile([`${name} (test copy)`], [rules]));
    const file = join(dir, `${name}-${String(server.major)}.test.yaml`);
    await writeFile(file, stringify({ rule_files: [ruleFile], evaluation_interval: '1m', tests: [{ interval: '1m', input_series: inputs, promql_expr_test: tests }] }, { lineWidth: 0 }));
    return runPromtool(['test', 'rules', file], dir, server.promtool);
  }
  const rates = { series: `agent_slo:component:rate5m${SEL}`, values: Array.from({ length: MINUTES + 1 }, (_, i) => String(rate(i))).join(' ') };
  const only = (records: readonly string[]): RuleGroup => ({ ...groups, rules: groups.rules.filter((r) => !isAlertingRule(r) && records.includes(r.record)) });

  it('records one sample an hour and counts 7d and 30d as the definition says', async () => {
    const tests = TIMES.flatMap((t) => [
      { expr: EVENTS('7d'), eval_time: `${String(t)}m`, exp_samples: [{ labels: `${RECORD_EVENTS}{slo_profile="kokino",slo_objective="availability",slo_window="7d"}`, value: model(t, WEEK) }] },
      { expr: EVENTS('30d'), eval_time: `${String(t)}m`, exp_samples: [{ labels: `${RECORD_EVENTS}{slo_profile="kokino",slo_objective="availability",slo_window="30d"}`, value: model(t, MONTH) }] },
      { expr: `count_over_time(${RECORD_COMPONENT_ROLLUP}${SEL}[1h59m30s])`, eval_time: `${String(t)}m`, exp_samples: [{ labels: `${SEL}`, value: 2 }] },
    ]);
    const r = await promtoolTest('rollup', only([RECORD_COMPONENT_ROLLUP, RECORD_EVENTS]), [rates], tests);
    expect(r.out).toContain('SUCCESS');
    expect(r.code, r.out).toBe(0);
  });

  it('a roll-up sample missed at an hour boundary: that hour is left out of the count, and the coverage says so', async () => {
    const missed = WEEK / 2; // minute 5040, a whole hour
    const t = WEEK + 90;
    const hours = {
      series: `${RECORD_COMPONENT_ROLLUP}${SEL}`,
      values: Array.from({ length: MINUTES + 1 }, (_, i) => (i % 60 === 0 && i !== missed ? String(hourly(i)) : '_')).join(' '),
    };
    const coverage = rollupCoverageExpr('kokino', 'availability', WEEK * 60);
    const tests = [
      { expr: EVENTS('7d'), eval_time: `${String(t)}m`, exp_samples: [{ labels: `${RECORD_EVENTS}{slo_profile="kokino",slo_objective="availability",slo_window="7d"}`, value: model(t, WEEK, new Set([missed])) }] },
      { expr: coverage, eval_time: `${String(t)}m`, exp_samples: [{ labels: '{}', value: WEEK / 60 - 2 }] },
      { expr: coverage, eval_time: `${String(missed + 30)}m`, exp_samples: [{ labels: '{}', value: missed / 60 }] },
    ];
    const r = await promtoolTest('rollup-missed', only([RECORD_EVENTS]), [rates, hours], tests);
    expect(r.out).toContain('SUCCESS');
    expect(r.code, r.out).toBe(0);
  });
});
