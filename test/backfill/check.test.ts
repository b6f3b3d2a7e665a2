/**
 * `agent-slo backfill import` + `backfill check` through the real CLI over real promtool blocks and a real Prometheus:
 * the check reports exactly the alerts each scenario was built to trigger (and no others), and the gate per day.
 * Pure parts (rule levels, firing spans, expansion) are checked directly.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeSpans, firingSpans } from '../../src/backfill/check-alerts.js';
import { createExpander } from '../../src/backfill/check-expand.js';
import type { CheckReport } from '../../src/backfill/check.js';
import { findScenario } from '../../src/backfill/import-scenarios.js';
import { recordingRuleLevels } from '../../src/backfill/import-rules.js';
import { COMPONENT_SEEN, LABEL_COMPONENT, RECORD_PREFIX } from '../../src/conventions.js';
import { escapeRegex } from '../../src/escape.js';
import { profileRuleGroups } from '../../src/generate/prometheus/rules.js';
import { isAlertingRule } from '../../src/generate/prometheus/rule-types.js';
import { loadProfile } from '../../src/profile/load.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import type { RunningPrometheus } from '../../src/stack/types.js';
import { REPO_ROOT, runAgentSloAsync } from '../harness/cli.js';

const DAY = 86_400;

describe('check-alerts (pure)', () => {
  it('fires only after `for`, per run of consecutive evaluations', () => {
    const step = 60;
    const times = [0, 60, 120, 180, 600, 660];
    expect(activeSpans(times, step)).toEqual([
      { start: 0, end: 180 },
      { start: 600, end: 660 },
    ]);
    expect(firingSpans(activeSpans(times, step), 120)).toEqual([{ start: 120, end: 180 }]);
    expect(firingSpans(activeSpans(times, step), 0)).toHaveLength(2);
  });
});

describe('rule levels and expansion (pure)', () => {
  it('puts every recording rule one level above what it reads, and expands alerts to raw PromQL', async () => {
    for (const name of ['runtime-v1', 'kokino']) {
      const profile = await loadProfile(join(REPO_ROOT, 'profiles', `${name}.yaml`), []);
      const groups = profileRuleGroups(profile);
      const levels = recordingRuleLevels(groups);
      expect(levels[0]?.records).toContain(`${RECORD_PREFIX}:component:rate5m`);
      const total = groups.flatMap((g) => g.rules).filter((r) => !isAlertingRule(r)).length;
      expect(levels.reduce((n, l) => n + l.rules, 0)).toBe(total);
      // No level reads a name produced only at its own or a higher level.
      for (const l of levels) {
        const later = new Set(levels.filter((x) => x.level >= l.level).flatMap((x) => x.records));
        const earlier = new Set(levels.filter((x) => x.level < l.level).flatMap((x) => x.records));
        for (const g of l.groups)
          for (const r of g.rules) {
            if (isAlertingRule(r)) continue;
            // The one rule that reads its own name reads its own earlier gap marker (sli/gap-marker.ts), nothing else.
            for (const n of later) if (!earlier.has(n) && n !== r.record) expect(r.expr.includes(`${n}{`), `${r.record} reads ${n}`).toBe(false);
            const own = [...r.expr.matchAll(new RegExp(`${escapeRegex(r.record)}\\{([^}]*)\\}`, 'g'))].map((m) => m[1]);
            for (const sel of own) expect(sel, `${r.record} reads itself`).toContain(`${LABEL_COMPONENT}="${COMPONENT_SEEN}"`);
          }
      }
      const expander = createExpander(profile, groups);
      for (const r of groups.flatMap((g) => g.rules).filter(isAlertingRule)) {
        if (expander.alertsRead(r.expr).length > 0) continue;
        expect(expander.expand(r.expr)).not.toMatch(new RegExp(`${RECORD_PREFIX}:[a-z_:0-9]+\\{`));
      }
    }
  });
});

describe('agent-slo backfill import + check (real promtool and Prometheus)', () => {
  let dir: string;
  const end = Math.floor(Date.now() / 1000 / 60) * 60 - 3 * 3600;
  const proms: RunningPrometheus[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-slo-check-test-'));
  });
  afterAll(async () => {
    for (const p of proms) await p.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function importAndCheck(scenario: string, profile: string, days: number, extra: string[] = []): Promise<{ report: CheckReport; importOut: string }> {
    const dataDir = join(dir, scenario);
    const imp = await runAgentSloAsync(['backfill', 'import', '--scenario', scenario, '--data-dir', dataDir, '--end', String(end)], { timeoutMs: 240_000 });
    expect(imp.code, imp.stderr).toBe(0);
    const prom = await startPrometheus({ dataDir });
    proms.push(prom);
    const r = await runAgentSloAsync(
      ['backfill', 'check', '--profile', profile, '--prometheus-url', prom.url, '--from', String(end - days * DAY), '--to', String(end), '--format', 'json', ...extra],
      { timeoutMs: 240_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    return { report: JSON.parse(r.stdout) as CheckReport, importOut: imp.stdout };
  }

  it('runtime-v1 warning streak: only SLOEscalationRateWarning fires; the gate turns to approval required on the last day', async () => {
    const def = findScenario('runtime-v1-warning-streak')!;
    const { report, importOut } = await importAndCheck(def.name, 'runtime-v1', 3);
    expect(importOut).toMatch(/imported \d+ samples/);
    expect(report.errors).toEqual([]);
    expect(report.fired).toEqual(def.build(end).expectedAlerts);
    const last = report.days[report.days.length - 1]!;
    expect(last.gate?.verdict).toBe('approval_required');
    expect(last.alerts.map((a) => a.alert)).toEqual(['SLOEscalationRateWarning']);
    // The streak started 3.5 days before the end: the day 3 days back already had 2 breaching windows → pass then.
    expect(report.days[1]?.gate?.verdict).toBe('pass');
  }, 300_000);

  it('runtime-v1 healthy: no alert, gate passes', async () => {
    const { report } = await importAndCheck('runtime-v1-healthy', 'runtime-v1', 1);
    expect(report.errors).toEqual([]);
    expect(report.fired).toEqual([]);
    expect(report.days.map((d) => d.gate?.verdict)).toEqual(['pass']);
  }, 300_000);

  it('kokino availability incident: exactly the availability alerts it was built to trigger, and the escalation after 30m', async () => {
    const def = findScenario('kokino-availability-incident')!;
    const { report } = await importAndCheck(def.name, 'kokino', 2, ['--step', '10m']);
    expect(report.errors).toEqual([]);
    expect([...report.fired].sort()).toEqual([...def.build(end).expectedAlerts].sort());
    const critical = report.alerts.find((a) => a.alert === 'SLOAvailabilityCritical')!;
    const escalation = report.alerts.find((a) => a.alert === 'SLOAvailabilityEscalation')!;
    expect(escalation.spans[0]!.start - critical.spans[0]!.start).toBe(30 * 60);
    expect(report.days[report.days.length - 1]?.gate?.verdict).toBe('blocked');
  }, 300_000);
});
