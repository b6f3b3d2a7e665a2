/**
 * Lean rules (issue 14 item 3): at most 13 rules for kokino availability — thresholds, burn rates, budget, no-data
 * and state all kept. A rule in another group that serves several objectives (a shared roll-up) counts once for every
 * objective it serves. Also the series the rules record are the same as before the rules were joined: every reader
 * (alerts, dashboards, serve, the gate) selects the same labels.
 */
import { describe, expect, it } from 'vitest';
import { LABEL_ALERT_KIND, LABEL_OBJECTIVE, LABEL_WINDOW, RECORD_BUDGET_REMAINING, RECORD_BURN_RATE, RECORD_COMPONENT_RATE, RECORD_EVENTS, RECORD_SLI, RECORD_STATE } from '../../src/conventions.js';
import { profileRuleGroups } from '../../src/generate/prometheus/rules.js';
import { isAlertingRule, recordedSeries, type Rule, type RuleGroup } from '../../src/generate/prometheus/rule-types.js';
import { burnWindows, objectiveWindows } from '../../src/generate/windows.js';
import { promDuration } from '../../src/format.js';
import { loadProfile } from '../../src/profile/load.js';
import { shippedProfilePath } from '../../src/profile/shipped.js';

/** The rules serving `objective`: its own group's, and every rule of another group that reads or writes its series. */
function rulesServing(groups: readonly RuleGroup[], objective: string): Rule[] {
  const own = groups.find((g) => g.name.endsWith(`:${objective}`));
  if (own === undefined) throw new Error(`no group for ${objective}`);
  const mentions = (r: Rule) => r.labels?.[LABEL_OBJECTIVE] === objective || new RegExp(`${LABEL_OBJECTIVE}=~?"[^"]*\\b${objective}\\b`).test(r.expr);
  return [...own.rules, ...groups.filter((g) => g !== own).flatMap((g) => g.rules.filter(mentions))];
}

describe('lean rules', () => {
  it('kokino availability: at most 13 rules, with thresholds, burn rates, budget, no-data and state', async () => {
    const kokino = await loadProfile(shippedProfilePath('kokino'), []);
    const groups = profileRuleGroups(kokino);
    const rules = rulesServing(groups, 'availability');
    const counts = Object.fromEntries(kokino.objectives.map((o) => [o.name, rulesServing(groups, o.name).length]));
    console.log(`rules per objective (shared rules once per objective they serve): ${JSON.stringify(counts)}`);
    expect(rules.length).toBeLessThanOrEqual(13);
    const kinds = rules.filter(isAlertingRule).map((a) => a.labels[LABEL_ALERT_KIND]);
    expect(new Set(kinds)).toEqual(new Set(['threshold', 'burn_rate', 'budget_exhausted', 'no_data', 'escalation']));
    expect(kinds.filter((k) => k === 'burn_rate')).toHaveLength(2);
    const records = new Set(recordedSeries(rules).map((r) => r.record));
    for (const r of [RECORD_COMPONENT_RATE, RECORD_EVENTS, RECORD_SLI, RECORD_BURN_RATE, RECORD_BUDGET_REMAINING, RECORD_STATE]) expect(records, r).toContain(r);
  });

  it('every objective still records its events and SLI over every window and its burn rate over every burn window', async () => {
    for (const name of ['kokino', 'runtime-v1']) {
      const p = await loadProfile(shippedProfilePath(name), []);
      const series = profileRuleGroups(p).flatMap((g) => recordedSeries(g.rules));
      for (const o of p.objectives) {
        const windows = (record: string) =>
          series.filter((s) => s.record === record && s.labels?.[LABEL_OBJECTIVE] === o.name).map((s) => s.labels?.[LABEL_WINDOW] ?? '').sort();
        const all = objectiveWindows(o).map(promDuration).sort();
        expect(windows(RECORD_EVENTS), `${name}/${o.name}`).toEqual(all);
        expect(windows(RECORD_SLI), `${name}/${o.name}`).toEqual(all);
        expect(windows(RECORD_BURN_RATE), `${name}/${o.name}`).toEqual(burnWindows(o).map(promDuration).sort());
      }
    }
  });
});
