import { beforeAll, describe, expect, it } from 'vitest';
import { shippedProfilePath } from '../../src/profile/shipped.js';
import { jsonNumber } from '../../src/format.js';
import { buildStatus, objectiveEntries, type ObjectiveStatus } from '../../src/serve/status.js';
import { loadProfile } from '../../src/profile/load.js';
import type { Profile } from '../../src/profile/model.js';
import { observation } from '../harness/serve-observations.js';

let kokino: Profile;
let runtime: Profile;
beforeAll(async () => {
  kokino = await loadProfile(shippedProfilePath('kokino'));
  runtime = await loadProfile(shippedProfilePath('runtime-v1'));
});

function kokinoDoc(): Record<string, ObjectiveStatus> {
  const doc = buildStatus({
    observations: [
      observation(kokino, 'availability', { good: 980, total: 1000 }, { bad: 20, total: 1000 }),
      observation(kokino, 'latency_p95', { 'le:30': 80, 'le:60': 90, count: 100 }, { quantile: 75, bad: 20, total: 100 }),
      observation(kokino, 'shadow_correctness', undefined),
      observation(kokino, 'data_integrity', { bad: 1, population: 100 }, { bad: 1, total: 100 }),
      observation(kokino, 'memory_per_execution', { sum: 3e11, count: 1000 }, { bad: 100, total: 1000 }),
    ],
    profiles: ['kokino'],
    evaluatedAt: 1_750_000_000,
    prometheusUrl: 'http://127.0.0.1:9090',
  });
  return Object.fromEntries(objectiveEntries(doc));
}

describe('status document', () => {
  it('puts objectives at the top level with value, thresholds, state per window and _meta', () => {
    const doc = buildStatus({
      observations: [observation(kokino, 'availability', { good: 996, total: 1000 }, { bad: 4, total: 1000 })],
      profiles: ['kokino'],
      evaluatedAt: 1_750_000_000.5,
      prometheusUrl: 'http://127.0.0.1:9090',
    });
    const a = doc.availability as ObjectiveStatus;
    expect(a.value).toBeCloseTo(0.996, 12);
    expect(a.state).toBe('ok');
    expect(a.target).toBe(0.995);
    expect(a.warning).toBeNull();
    expect(a.critical).toBe(0.99);
    expect(Object.keys(a.windows).sort()).toEqual(['alert', 'budget', 'gate', 'target']);
    expect(a.windows.alert).toMatchObject({ window: '1h', seconds: 3600, events: 1000, state: 'ok' });
    expect(a.windows.budget?.window).toBe('30d');
    expect(a.errorBudget?.consumed).toBeCloseTo(0.8, 12);
    expect(a.errorBudget?.remaining).toBeCloseTo(0.2, 12);
    expect(a.errorBudget?.exhausted).toBe(false);
    expect(a.errorBudget?.burnRates['1h']).toBeCloseTo(0.8, 12);
    expect(a.runbook).toBe('docs/runbooks/kokino/availability.md');
    expect(a.statusMetric).toBe('headless_availability_ratio');
    expect(a.lastGateVerdict).toBeNull();
    expect(doc._meta).toMatchObject({ profiles: ['kokino'], evaluatedAt: '2025-06-15T15:06:40.500Z', source: { prometheus: 'http://127.0.0.1:9090' }, overall: 'ok' });
    // Round-trips through JSON as the endpoint sends it.
    expect(JSON.parse(JSON.stringify(doc)).availability.state).toBe('ok');
  });

  it('derives states: critical, below target, not active, zero tolerance, exhausted budgets', () => {
    const d = kokinoDoc();
    expect(d.availability!.state).toBe('critical');
    expect(d.availability!.stateReason).toMatch(/critical/);
    expect(d.availability!.errorBudget).toMatchObject({ consumed: 4, remaining: -3, exhausted: true, badEvents: 20, totalEvents: 1000 });
    // p95 decided from bucket fractions: 90/100 < 0.95 at le=60 → critical; the value shown is histogram_quantile's.
    expect(d.latency_p95!.state).toBe('critical');
    expect(d.latency_p95!.value).toBe(75);
    expect(d.shadow_correctness!.state).toBe('not_active');
    expect(d.shadow_correctness!.value).toBeNull();
    expect(d.shadow_correctness!.windows.alert?.noDataReason).toMatch(/zero events/);
    expect(d.data_integrity!.state).toBe('critical');
    expect(d.data_integrity!.value).toBe(1);
    // Zero tolerance: any failure spends an infinite share of a zero budget; JSON carries it as a string.
    expect(d.data_integrity!.errorBudget).toMatchObject({ allowed: 0, consumed: '+Inf', remaining: '-Inf', exhausted: true, burnRates: {} });
    expect(d.memory_per_execution!.value).toBe(300);
    expect(d.memory_per_execution!.state).toBe('ok');
    expect(d.memory_per_execution!.errorBudget?.consumed).toBeCloseTo(0.5, 12);
  });

  it('reports warning and below-target states of a three-level objective', () => {
    const obs = [
      observation(runtime, 'tool_success_rate', { good: 960, total: 1000 }), // < 0.97 warning, ≥ 0.95
      observation(runtime, 'escalation_rate', { bad: 50, total: 1000 }), // > 0.04 target, ≤ 0.06 warning
      observation(runtime, 'cost_per_successful_task', { value: 3, events: 0 }), // +Inf per task
    ];
    const doc = buildStatus({ observations: obs, profiles: ['runtime-v1'], evaluatedAt: 1_750_000_000, prometheusUrl: 'u' });
    const d = Object.fromEntries(objectiveEntries(doc));
    expect(d.tool_success_rate!.state).toBe('warning');
    expect(d.tool_success_rate!.warning).toBe(0.97);
    expect(d.escalation_rate!.state).toBe('below_target');
    expect(d.cost_per_successful_task!.value).toBe('+Inf');
    expect(d.cost_per_successful_task!.state).toBe('critical');
    expect(doc._meta.overall).toBe('critical');
    expect(d.tool_success_rate!.errorBudget).toBeNull();
  });

  it('prefixes keys with the profile only when names clash between profiles', () => {
    const other = { ...kokino, name: 'kokino-staging' };
    const doc = buildStatus({
      observations: [
        observation(kokino, 'availability', { good: 999, total: 1000 }),
        observation(other, 'availability', { good: 900, total: 1000 }),
        observation(runtime, 'tool_success_rate', { good: 999, total: 1000 }),
      ],
      profiles: ['kokino', 'kokino-staging', 'runtime-v1'],
      evaluatedAt: 1_750_000_000,
      prometheusUrl: 'u',
    });
    expect(Object.keys(doc).sort()).toEqual(['_meta', 'kokino-staging/availability', 'kokino/availability', 'tool_success_rate']);
    expect(doc._meta.keys['kokino-staging/availability']).toEqual({ profile: 'kokino-staging', objective: 'availability' });
    expect((doc['kokino-staging/availability'] as ObjectiveStatus).state).toBe('critical');
  });

  it('attaches the last gate verdict of the profile with the objective verdict', () => {
    const doc = buildStatus({
      observations: [observation(kokino, 'availability', { good: 999, total: 1000 })],
      profiles: ['kokino'],
      evaluatedAt: 1_750_000_000,
      prometheusUrl: 'u',
      lastGate: new Map([['kokino', { at: '2025-06-15T00:00:00.000Z', profile: 'kokino', verdict: 'blocked', reasons: ['x'] }]]),
      lastGateObjectives: new Map([['kokino', new Map([['availability', 'pass']])]]),
    });
    expect((doc.availability as ObjectiveStatus).lastGateVerdict).toEqual({ at: '2025-06-15T00:00:00.000Z', profile: 'kokino', verdict: 'blocked', reasons: ['x'], objectiveVerdict: 'pass' });
  });

  it('encodes non-finite numbers as strings and missing ones as null', () => {
    expect([jsonNumber(Infinity), jsonNumber(-Infinity), jsonNumber(NaN), jsonNumber(undefined), jsonNumber(0.5)]).toEqual(['+Inf', '-Inf', 'NaN', null, 0.5]);
  });
});
