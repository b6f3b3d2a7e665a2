import { describe, expect, it } from 'vitest';
import {
  ANNOTATION_DESCRIPTION,
  ANNOTATION_METRIC,
  ANNOTATION_OBSERVED,
  ANNOTATION_RUNBOOK_URL,
  ANNOTATION_SUMMARY,
  ANNOTATION_THRESHOLD,
  ANNOTATION_WINDOW,
  LABEL_ALERT_KIND,
  LABEL_CHANNEL,
  LABEL_OBJECTIVE,
  LABEL_OWNER,
  LABEL_PROFILE,
  LABEL_SEVERITY,
  LABEL_TEAM,
  RECORD_SLI,
} from '../../src/conventions.js';
import { shippedProfilePath } from '../../src/profile/shipped.js';
import { generateBucketsFile } from '../../src/generate/buckets.js';
import { formatValue } from '../../src/generate/humanize.js';
import { isAlertingRule, recordedSeries } from '../../src/generate/prometheus/rule-types.js';
import { profileRuleGroups } from '../../src/generate/prometheus/rules.js';
import { loadProfile } from '../../src/profile/load.js';
import type { Profile } from '../../src/profile/model.js';

const load = (name: string): Promise<Profile> => loadProfile(shippedProfilePath(name), []);

describe('rule generation', () => {
  it('every alert carries the routing labels and the payload annotations', async () => {
    for (const name of ['runtime-v1', 'kokino']) {
      const p = await load(name);
      for (const g of profileRuleGroups(p)) {
        for (const r of g.rules.filter(isAlertingRule)) {
          for (const l of [LABEL_SEVERITY, LABEL_PROFILE, LABEL_OBJECTIVE, LABEL_OWNER, LABEL_TEAM, LABEL_CHANNEL, LABEL_ALERT_KIND]) expect(r.labels[l], `${r.alert} ${l}`).toBeTruthy();
          for (const a of [ANNOTATION_SUMMARY, ANNOTATION_DESCRIPTION, ANNOTATION_METRIC, ANNOTATION_OBSERVED, ANNOTATION_THRESHOLD, ANNOTATION_WINDOW, ANNOTATION_RUNBOOK_URL]) {
            expect(r.annotations[a], `${r.alert} ${a}`).toBeTruthy();
          }
        }
      }
    }
  });

  it('long windows never average ratios: they divide sums of recorded counts (7d: the hourly roll-up + the last hour of 5m rates)', async () => {
    const p = await load('runtime-v1');
    const sli = profileRuleGroups(p)
      .flatMap((g) => recordedSeries(g.rules))
      .filter((r) => r.record === RECORD_SLI && r.labels?.slo_window === '7d');
    expect(sli).toHaveLength(5);
    for (const r of sli) {
      expect(r.expr).not.toMatch(/avg_over_time/);
      if (r.labels?.slo_objective !== 'response_latency_p95') {
        expect(r.expr).toMatch(/sum_over_time\(agent_slo:component:increase1h\{[^}]*\}\[6d22h59m59s\]\)/);
        expect(r.expr).toMatch(/sum_over_time\(agent_slo:component:rate5m\{[^}]*\}\[59m59s\]\) \* 300/);
      }
    }
  });

  it('optional (shadow-mode) objectives get no no-data alert; the others do', async () => {
    const p = await load('kokino');
    const alerts = profileRuleGroups(p).flatMap((g) => g.rules.filter(isAlertingRule));
    const noData = alerts.filter((a) => a.labels[LABEL_ALERT_KIND] === 'no_data').map((a) => a.labels[LABEL_OBJECTIVE]);
    expect(noData.sort()).toEqual(['availability', 'data_integrity', 'latency_p95', 'memory_per_execution']);
  });

  it('burn-rate alerts that can never fire are left out and explained in a comment', async () => {
    const p = await load('kokino');
    const groups = profileRuleGroups(p);
    const burn = groups.flatMap((g) => g.rules.filter(isAlertingRule)).filter((a) => a.labels[LABEL_ALERT_KIND] === 'burn_rate').map((a) => a.alert);
    expect(burn.sort()).toEqual(['SLOAvailabilityFastBurn', 'SLOAvailabilitySlowBurn', 'SLOLatencyP95SlowBurn', 'SLOMemoryPerExecutionSlowBurn', 'SLOShadowCorrectnessSlowBurn']);
    const latency = groups.find((g) => g.name.endsWith(':latency_p95'))!;
    expect(latency.comments?.join('\n')).toMatch(/SLOLatencyP95FastBurn is not generated: burn rate 72.00 × allowed 10% = 720% bad events/);
  });

  it('quantile thresholds are decided from bucket fractions, with every le spelling', async () => {
    const p = await load('kokino');
    const crit = profileRuleGroups(p)
      .flatMap((g) => g.rules.filter(isAlertingRule))
      .find((a) => a.alert === 'SLOLatencyP95Critical')!;
    expect(crit.expr).toMatch(/^agent_slo:fraction_le\{.*slo_threshold="60"\} < 0\.95/);
    const fr = profileRuleGroups(p)
      .flatMap((g) => recordedSeries(g.rules))
      .find((r) => r.record === 'agent_slo:component:rate5m' && r.labels?.slo_component === 'le:60');
    expect(fr?.expr).toContain('le=~"60|60\\\\.0"');
  });

  it('the generated buckets contain every histogram threshold of both profiles as an exact boundary', async () => {
    const profiles = [await load('runtime-v1'), await load('kokino')];
    const buckets = JSON.parse(generateBucketsFile(profiles).content) as Record<string, number[]>;
    for (const name of ['gen_ai.invoke_agent.duration', 'agent.execution.duration']) for (const v of [8, 10, 15, 30, 60]) expect(buckets[name]).toContain(v);
    for (const v of [500_000_000, 1_000_000_000]) expect(buckets['agent.execution.memory']).toContain(v);
  });

  it('humanizes values like the Go templates', () => {
    expect(formatValue('ratio', 0.969)).toBe('96.9%');
    expect(formatValue('ms', 10100)).toBe('10100 ms');
    expect(formatValue('USD', Number.POSITIVE_INFINITY)).toBe('+Inf USD');
  });
});
