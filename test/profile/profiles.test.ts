import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/profile/load.js';
import type { Objective, Profile } from '../../src/profile/model.js';

const runtime = await loadProfile('profiles/runtime-v1.yaml');
const kokino = await loadProfile('profiles/kokino.yaml');

function objective(p: Profile, name: string): Objective {
  const o = p.objectives.find((x) => x.name === name);
  if (o === undefined) throw new Error(`no objective ${name} in ${p.name}`);
  return o;
}

const H = 3600;
const D = 86_400;

// Document 000, "SLO threshold definitions (v1)": one row per threshold.
describe('runtime-v1 matches document 000', () => {
  it.each([
    ['tool_success_rate', 'higher_is_better', 'ratio', 0.98, 0.97, 0.95],
    ['model_fallback_rate', 'lower_is_better', 'ratio', 0.03, 0.05, 0.08],
    ['response_latency_p95', 'lower_is_better', 'ms', 8000, 10000, 15000],
    ['cost_per_successful_task', 'lower_is_better', 'USD', 0.08, 0.12, 0.2],
    ['escalation_rate', 'lower_is_better', 'ratio', 0.04, 0.06, 0.1],
  ] as const)('%s: %s, %s, target %d, warning %d, critical %d', (name, direction, unit, target, warning, critical) => {
    const o = objective(runtime, name);
    expect(o.direction).toBe(direction);
    expect(o.unit).toBe(unit);
    expect(o.target).toBe(target);
    expect(o.warning?.value).toBe(warning);
    expect(o.critical.value).toBe(critical);
    // "Use a rolling 24h window for alerts and a rolling 7d window for release-gate decisions."
    expect(o.windows.alert).toBe(24 * H);
    expect(o.windows.gate).toBe(7 * D);
    expect(o.errorBudget).toBeUndefined();
  });

  it('has exactly the five SLOs of the target state', () => {
    expect(runtime.objectives.map((o) => o.name)).toEqual([
      'tool_success_rate',
      'model_fallback_rate',
      'response_latency_p95',
      'cost_per_successful_task',
      'escalation_rate',
    ]);
  });

  it('gate policy: block on critical, approval after more than 2 consecutive warning windows', () => {
    expect(runtime.gate.blockOnCritical).toBe(true);
    expect(runtime.gate.approvalAfterConsecutiveWarnings).toBe(2);
  });

  it('SLI kinds: ratio, ratio, p95 quantile, cost per successful task, ratio', () => {
    expect(objective(runtime, 'tool_success_rate').sli).toMatchObject({ kind: 'ratio', numerator: 'good' });
    expect(objective(runtime, 'model_fallback_rate').sli).toMatchObject({ kind: 'ratio', numerator: 'bad' });
    expect(objective(runtime, 'response_latency_p95').sli).toMatchObject({ kind: 'quantile', quantile: 0.95, histogram: { metric: 'gen_ai_invoke_agent_duration', unit: 's' } });
    expect(objective(runtime, 'cost_per_successful_task').sli).toMatchObject({
      kind: 'perEvent',
      value: { kind: 'series', metric: 'agent_task_cost_total' },
      events: { kind: 'series', metric: 'agent_tasks_total', matchers: [{ label: 'agent_task_outcome', op: '=', value: 'success' }] },
    });
    expect(objective(runtime, 'escalation_rate').sli).toMatchObject({ kind: 'ratio', numerator: 'bad' });
  });
});

// Document 002, one row per SLI: target, alert threshold, alert window, severity, budget, owner, escalation, channel.
describe('kokino matches document 002', () => {
  it.each([
    ['availability', 'higher_is_better', 0.995, 0.99, 1 * H, 'P1', 0.005, '@backend-team', '@platform-lead', '#headless-alerts'],
    ['latency_p95', 'lower_is_better', 30, 60, 300, 'P2', 0.1, '@backend-team', '@platform-lead', '#headless-alerts'],
    ['shadow_correctness', 'higher_is_better', 0.95, 0.9, 24 * H, 'P2', 0.05, '@qa-team', '@qa-lead', '#shadow-mode-alerts'],
    ['data_integrity', 'lower_is_better', 0, 0, 300, 'P1', 0, '@data-team', '@data-lead', '#critical-alerts'],
    ['memory_per_execution', 'lower_is_better', 500, 1000, 1 * H, 'P2', 0.2, '@ops-team', '@ops-lead', '#ops-alerts'],
  ] as const)('%s: %s target %d, alert at %d over %is, %s, budget %d, %s → %s in %s', (name, direction, target, critical, alertWindow, severity, allowed, owner, lead, channel) => {
    const o = objective(kokino, name);
    expect(o.direction).toBe(direction);
    expect(o.target).toBe(target);
    expect(o.warning).toBeUndefined();
    expect(o.critical.value).toBe(critical);
    expect(o.critical.severity).toBe(severity);
    expect(o.windows.alert).toBe(alertWindow);
    expect(o.errorBudget?.allowed).toBe(allowed);
    expect(o.errorBudget?.windowSeconds).toBe(30 * D);
    expect(o.owner).toBe(owner);
    expect(o.escalation?.to).toBe(lead);
    expect(o.channel).toBe(channel);
    expect(o.runbookUrl).toBe(`docs/runbooks/kokino/${name}.md`);
  });

  it('availability is measured over 30 days, latency p95 over 24 hours', () => {
    expect(objective(kokino, 'availability').windows.target).toBe(30 * D);
    expect(objective(kokino, 'latency_p95').windows.target).toBe(24 * H);
  });

  it('fast burn: >10% of the 30d budget in 1h (P1); slow burn: >50% in 7d (P2)', () => {
    const alerts = objective(kokino, 'availability').errorBudget?.burnRateAlerts ?? [];
    const fast = alerts.find((a) => a.name === 'fast_burn');
    const slow = alerts.find((a) => a.name === 'slow_burn');
    expect(fast).toMatchObject({ consumed: 0.1, withinSeconds: H, severity: 'P1' });
    expect(fast?.burnRate).toBeCloseTo(72, 10); // 10% × 720h / 1h
    expect(slow).toMatchObject({ consumed: 0.5, withinSeconds: 7 * D, severity: 'P2' });
    expect(slow?.burnRate).toBeCloseTo((0.5 * 30) / 7, 10);
  });

  it('budget exhausted freezes deployments; P1 pages the owner', () => {
    for (const o of kokino.objectives) expect(o.errorBudget?.onExhausted).toBe('freeze');
    expect(kokino.gate.freezeOnBudgetExhausted).toBe(true);
    expect(kokino.notifications.pageSeverities).toEqual(['P1']);
  });

  it('escalations: 30 minutes unresolved, >50 mismatches in 24h, immediate page', () => {
    expect(objective(kokino, 'availability').escalation).toMatchObject({ kind: 'delay', afterSeconds: 1800 });
    expect(objective(kokino, 'shadow_correctness').escalation).toMatchObject({ kind: 'condition', above: 50, windowSeconds: 24 * H });
    expect(objective(kokino, 'data_integrity').escalation).toMatchObject({ kind: 'immediate' });
  });

  it('latency and memory budgets count events above the target bound', () => {
    expect(objective(kokino, 'latency_p95').errorBudget?.sli).toMatchObject({ kind: 'histogramAbove', bound: 30 });
    expect(objective(kokino, 'memory_per_execution').errorBudget?.sli).toMatchObject({ kind: 'histogramAbove', bound: 500 });
  });

  it('shadow correctness is active only while shadow mode produces data', () => {
    expect(objective(kokino, 'shadow_correctness').activeOnlyWithData).toBe(true);
    expect(kokino.objectives.filter((o) => o.activeOnlyWithData).map((o) => o.name)).toEqual(['shadow_correctness']);
  });

  it("keeps document 002's metric names for its runbook commands", () => {
    expect(objective(kokino, 'latency_p95').statusMetric).toBe('headless_latency_p95_ms');
  });
});

describe('overlays', () => {
  const temps: string[] = [];
  afterAll(async () => {
    await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('override teams, channels and URLs per environment, merging objectives by name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-slo-overlay-'));
    temps.push(dir);
    const overlay = join(dir, 'prod.yaml');
    await writeFile(
      overlay,
      ['metadata:', '  runbookBaseUrl: https://wiki.example/runbooks', 'objectives:', '  - name: availability', '    channel: "#prod-headless"', ''].join('\n'),
    );
    const p = await loadProfile('profiles/kokino.yaml', [overlay]);
    expect(objective(p, 'availability').channel).toBe('#prod-headless');
    expect(objective(p, 'availability').runbookUrl).toBe('https://wiki.example/runbooks/availability.md');
    expect(objective(p, 'latency_p95').channel).toBe('#headless-alerts');
    expect(p.objectives).toHaveLength(5);
  });

  it('points at the overlay file when the overlay is wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-slo-overlay-'));
    temps.push(dir);
    const overlay = join(dir, 'bad.yaml');
    await writeFile(overlay, ['objectives:', '  - name: availability', '    target: "high"', ''].join('\n'));
    await expect(loadProfile('profiles/kokino.yaml', [overlay])).rejects.toMatchObject({
      issues: [{ file: overlay, line: 3, path: 'objectives[0].target' }],
    });
  });
});
